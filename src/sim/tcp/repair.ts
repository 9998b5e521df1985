/**
 * Moving a live connection between stacks, modelled on Linux TCP_REPAIR
 * (CRIU's libsoccr; Prism's export/import): export a connection's state as
 * plain data, validate it the way the kernel's tcp_repair_set_window does,
 * import it on another stack, and detach the original silently.
 *
 * What travels: the 4-tuple, ISS/IRS, SND.UNA/NXT/MAX/WND/WL1/WL2, the largest
 * window seen, RCV.NXT and the advertised right edge, Last.ACK.sent, MSS, both
 * window scales, SACK and timestamp agreement with TS.Recent and the timestamp
 * clock offset (so TSval never runs backwards for the client), the send queue
 * (sent-unacknowledged and unsent bytes), the receive queue (bytes the app has
 * not consumed — including bytes it only peeked at), and whether either FIN has
 * been queued or received. What does not travel (TCP_REPAIR does not carry it
 * either): cwnd and ssthresh (the new owner starts with the initial window),
 * RTT estimates and back-off, the SACK scoreboard, timers, delayed-ACK state and
 * out-of-order data (the client retransmits it).
 */
import { Connection, type TcpSocketHandlers } from './connection';
import type { TcpState } from './control';
import { onRtoExpired, output, sendAck } from './output';
import { tcpProfile } from './profile';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq';
import { newTcb, type TcpSocketOptions } from './tcb';
import { connectionKey, type TcpLayer } from './tcp-layer';

/** States a connection can be exported in (libsoccr's list, without SYN-SENT). */
export const REPAIRABLE_STATES: readonly TcpState[] = ['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'FIN-WAIT-2', 'LAST-ACK', 'CLOSING'];

/** Everything needed to re-create a connection on another stack. */
export interface TcpRepairState {
  readonly localAddress: number;
  readonly localPort: number;
  readonly remoteAddress: number;
  readonly remotePort: number;
  readonly state: TcpState;
  readonly profile: 'rfc' | 'linux';
  readonly options: TcpSocketOptions;
  readonly iss: number;
  readonly irs: number;
  readonly sndUna: number;
  readonly sndNxt: number;
  readonly sndMax: number;
  readonly sndWnd: number;
  readonly sndWl1: number;
  readonly sndWl2: number;
  /** Largest window the peer offered (TCP_REPAIR_WINDOW max_window). */
  readonly maxWindow: number;
  readonly rcvNxt: number;
  /** Receive window currently offered: advertised right edge − RCV.NXT (rcv_wnd). */
  readonly rcvWnd: number;
  /** RCV.NXT carried by the last ACK sent (rcv_wup / Last.ACK.sent). */
  readonly rcvWup: number;
  readonly sendMss: number;
  readonly peerMss: number;
  readonly sndWscale: number;
  readonly rcvWscale: number;
  readonly sackOk: boolean;
  readonly tsOk: boolean;
  readonly tsRecent: number;
  /** Offset of the timestamp clock (TCP_TIMESTAMP): TSval = ms + offset. */
  readonly tsOffset: number;
  /** App bytes from SND.UNA on: sent-unacknowledged, then unsent. */
  readonly sendQueue: Uint8Array;
  /** Sequence number just past the last queued app byte (FIN position once queued). */
  readonly sndDataEnd: number;
  readonly finQueued: boolean;
  readonly finReceived: boolean;
  /** Bytes received in order and not consumed by the app (peeked bytes included). */
  readonly receiveQueue: Uint8Array;
}

/** Snapshot a connection's state (TCP_REPAIR export). The connection itself is not changed. */
export function exportConnection(conn: Connection): TcpRepairState {
  const t = conn.tcb;
  return {
    localAddress: t.localAddress,
    localPort: t.localPort,
    remoteAddress: t.remoteAddress,
    remotePort: t.remotePort,
    state: t.state,
    profile: t.profile.name,
    options: t.options,
    iss: t.iss,
    irs: t.irs,
    sndUna: t.sndUna,
    sndNxt: t.sndMax,
    sndMax: t.sndMax,
    sndWnd: t.sndWnd,
    sndWl1: t.sndWl1,
    sndWl2: t.sndWl2,
    maxWindow: t.maxSndWnd,
    rcvNxt: t.rcvNxt,
    rcvWnd: Math.max(0, seqDiff(t.rcvAdvEdge, t.rcvNxt)),
    rcvWup: t.lastAckSent,
    sendMss: t.sendMss,
    peerMss: t.peerMss,
    sndWscale: t.sndWscale,
    rcvWscale: t.rcvWscale,
    sackOk: t.sackOk,
    tsOk: t.tsOk,
    tsRecent: t.tsRecent,
    tsOffset: t.tsOffset,
    sendQueue: t.sendBuffer.peek(0, t.sendBuffer.length),
    sndDataEnd: t.sndDataEnd,
    finQueued: t.finQueued,
    finReceived: t.finReceived,
    receiveQueue: t.receiveBuffer.peek(0, t.receiveBuffer.length),
  };
}

/**
 * Check a repair state before installing it: the rules Linux enforces in
 * tcp_repair_set_window plus the sequence-space relations a TCB must keep.
 * Returns every broken rule, in words; empty means valid.
 */
export function validateRepairState(s: TcpRepairState): string[] {
  const errors: string[] = [];
  const rule = (ok: boolean, text: string): void => void (ok || errors.push(text));
  rule(REPAIRABLE_STATES.includes(s.state), `state ${s.state} cannot be repaired`);
  rule(s.maxWindow >= s.sndWnd, `max_window ${s.maxWindow} < snd_wnd ${s.sndWnd}`);
  rule(!seqGt(s.sndWl1, seqAdd(s.rcvNxt, s.rcvWnd)), `snd_wl1 ${s.sndWl1} is after rcv_nxt + rcv_wnd`);
  rule(seqLe(s.rcvWup, s.rcvNxt), `rcv_wup ${s.rcvWup} is after rcv_nxt ${s.rcvNxt}`);
  rule(seqLe(s.sndUna, s.sndNxt) && seqLe(s.sndNxt, s.sndMax), 'SND.UNA ≤ SND.NXT ≤ SND.MAX does not hold');
  rule(seqLt(s.iss, s.sndUna) || s.sndUna === seqAdd(s.iss, 1), 'SND.UNA does not follow the ISS');
  const queued = seqDiff(s.sndDataEnd, s.sndUna) + (s.finQueued && seqGt(s.sndUna, s.sndDataEnd) ? 1 : 0);
  rule(s.sendQueue.length === Math.max(0, seqDiff(s.sndDataEnd, s.sndUna)) || (queued <= 0 && s.sendQueue.length === 0), `send queue holds ${s.sendQueue.length} bytes, sequence space says ${seqDiff(s.sndDataEnd, s.sndUna)}`);
  rule(s.sndWscale >= 0 && s.sndWscale <= 14 && s.rcvWscale >= 0 && s.rcvWscale <= 14, 'window scale outside 0..14');
  rule(s.sendMss >= 64 && s.sendMss <= 65_495, `MSS ${s.sendMss} out of range`);
  return errors;
}

/**
 * Install a connection from a repair state on `layer` (TCP_REPAIR import): the
 * connection starts directly in the exported state — a restored machine
 * snapshot, not a transition — re-arms retransmission for unacknowledged data
 * and sends what was queued but unsent.
 */
export function importConnection(layer: TcpLayer, s: TcpRepairState, handlers: TcpSocketHandlers = {}): Connection {
  const errors = validateRepairState(s);
  if (errors.length > 0) throw new Error(`invalid repair state: ${errors.join('; ')}`);
  const tcb = newTcb({ localAddress: s.localAddress, localPort: s.localPort, remoteAddress: s.remoteAddress, remotePort: s.remotePort, iss: s.iss, tsOffset: s.tsOffset, profile: tcpProfile(s.profile), options: s.options, passiveOpen: true });
  Object.assign(tcb, {
    state: s.state,
    irs: s.irs,
    sndUna: s.sndUna,
    sndNxt: s.sndNxt,
    sndMax: s.sndMax,
    sndWnd: s.sndWnd,
    maxSndWnd: s.maxWindow,
    sndWl1: s.sndWl1,
    sndWl2: s.sndWl2,
    rcvNxt: s.rcvNxt,
    rcvAdvEdge: seqAdd(s.rcvNxt, s.rcvWnd),
    lastAckSent: s.rcvWup,
    sendMss: s.sendMss,
    peerMss: s.peerMss,
    sndWscale: s.sndWscale,
    rcvWscale: s.rcvWscale,
    sackOk: s.sackOk,
    tsOk: s.tsOk,
    tsRecent: s.tsRecent,
    sndDataEnd: s.sndDataEnd,
    finQueued: s.finQueued,
    finReceived: s.finReceived,
    rtxNext: s.sndUna,
  });
  tcb.cc.cwnd = tcb.profile.initialWindowSegments * s.sendMss;
  tcb.cc.recover = s.sndUna;
  tcb.sendBuffer.push(s.sendQueue);
  tcb.receiveBuffer.push(s.receiveQueue);
  const conn = new Connection(layer, tcb);
  conn.handlers = handlers;
  layer.connections.set(connectionKey(tcb), conn);
  layer.sim.trace.record({ kind: 'state-change', node: layer.hostName, machine: `tcp ${conn.name}`, from: 'CLOSED', to: s.state, cause: 'REPAIR_RESTORE' });
  if (tcb.sndUna !== tcb.sndMax) conn.restartRto(onRtoExpired);
  output(conn);
  // Like Linux leaving repair mode (it sends a window probe), make sure the peer hears
  // about bytes the old owner received but never acknowledged: its delayed ACK died with the freeze.
  if (tcb.lastAckSent !== tcb.rcvNxt) sendAck(conn);
  conn.flush();
  return conn;
}

/**
 * Take a connection off its stack without a FIN or RST (repair-mode close):
 * its timers stop, arriving segments no longer reach it, nothing is sent.
 * Used for the frozen original once the target has taken over (claim 15).
 */
export function detachConnection(layer: TcpLayer, conn: Connection, reason: string): void {
  const from = conn.tcb.state;
  conn.cancelAllTimers();
  const key = connectionKey(conn.tcb);
  if (layer.connections.get(key) === conn) layer.connections.delete(key);
  conn.tcb.state = 'CLOSED';
  conn.closeReason = 'closed';
  layer.sim.trace.record({ kind: 'state-change', node: layer.hostName, machine: `tcp ${conn.name}`, from, to: 'CLOSED', cause: `REPAIR_DETACH (${reason})` });
}

/** Put a frozen (detached) connection back on its stack after a transfer failed. */
export function reattachConnection(layer: TcpLayer, conn: Connection, state: TcpState): void {
  conn.tcb.state = state;
  conn.closeReason = null;
  layer.connections.set(connectionKey(conn.tcb), conn);
  layer.sim.trace.record({ kind: 'state-change', node: layer.hostName, machine: `tcp ${conn.name}`, from: 'CLOSED', to: state, cause: 'REPAIR_REATTACH' });
  if (conn.tcb.sndUna !== conn.tcb.sndMax) conn.restartRto(onRtoExpired);
  output(conn);
}
