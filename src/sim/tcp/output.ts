/**
 * Segment departure: building and sending SYN, SYN-ACK, ACK, RST and data
 * segments (RFC 9293 §3.10.4, §3.8.6), the send loop with Nagle (§3.7.4) and
 * sender-side SWS avoidance, congestion and flow control, retransmission on
 * RTO (RFC 6298 §5) and zero-window probing (§3.8.6.1).
 */
import { encodeTcp, type TcpInput } from '../wire/tcp';
import { TcpFlag, type TcpOption } from '../wire/types';
import { onRetransmissionTimeout } from './congestion';
import type { Connection } from './connection';
import { windowToAdvertise } from './segment-rules';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt, seqMax } from './seq';
import { synWindow, type Tcb } from './tcb';

/** Our timestamp clock: milliseconds of simulated time plus the connection's offset (RFC 7323 §5.4). */
export function tsNow(conn: Connection): number {
  return (Math.floor(conn.now / 1000) + conn.tcb.tsOffset) >>> 0;
}

/** Option objects without fields: encoders only read options, so one of each serves every segment. */
const NOP: TcpOption = { kind: 'nop' };
const SACK_PERMITTED: TcpOption = { kind: 'sack-permitted' };

/** The options of a SYN or SYN-ACK: rewritten per SYN like `stamp` below (the encoder copies them before emit() returns). */
const synMss = { kind: 'mss' as const, mss: 0 };
const synWscale = { kind: 'wscale' as const, shift: 0 };
const synStamp = { kind: 'timestamps' as const, tsVal: 0, tsEcr: 0 };
const synList: TcpOption[] = [];

/**
 * Options of our SYN or SYN-ACK, in the profile's order. A SYN-ACK carries
 * only what the SYN offered. The list is reused: valid until the next call.
 */
export function synOptions(conn: Connection, synAck: boolean): readonly TcpOption[] {
  const t = conn.tcb;
  const o = t.options;
  const ws = synAck ? t.sndWscale >= 0 && t.rcvWscale > 0 : o.windowScaling;
  const sack = synAck ? t.sackOk : o.sack;
  const ts = synAck ? t.tsOk : o.timestamps;
  synMss.mss = t.rcvMss;
  synWscale.shift = synAck ? t.rcvWscale : t.offeredWscale;
  synStamp.tsVal = tsNow(conn);
  synStamp.tsEcr = synAck ? t.tsRecent : 0;
  const list = synList;
  list.length = 0;
  list.push(synMss);
  if (t.profile.synOptionOrder === 'bsd') {
    if (ws) list.push(NOP, synWscale);
    if (sack) list.push(SACK_PERMITTED);
    if (ts) list.push(synStamp);
    return list;
  }
  // Linux tcp_options_write(): MSS, then SACK-permitted folded into the timestamp word, then window scale.
  if (ts && sack) list.push(SACK_PERMITTED, synStamp);
  else if (ts) list.push(NOP, NOP, synStamp);
  else if (sack) list.push(NOP, NOP, SACK_PERMITTED);
  if (ws) list.push(NOP, synWscale);
  return list;
}

/**
 * The timestamps option of an ordinary segment and the list that carries it,
 * one of each for every segment: the encoder copies options into the datagram
 * before emit() returns, so they are rewritten per segment instead of built.
 */
const stamp = { kind: 'timestamps' as const, tsVal: 0, tsEcr: 0 };
const TIMESTAMPS_ONLY: readonly TcpOption[] = [NOP, NOP, stamp];
const NO_OPTIONS: readonly TcpOption[] = [];

/** Options of a non-SYN segment: timestamps, then SACK blocks (Linux order). */
function segmentOptions(conn: Connection): readonly TcpOption[] {
  const t = conn.tcb;
  if (t.tsOk) {
    stamp.tsVal = tsNow(conn);
    stamp.tsEcr = t.tsRecent;
  }
  const blocks = t.sackOk && !t.reassembly.empty ? t.reassembly.sackBlocks(t.tsOk ? 3 : 4) : NO_BLOCKS;
  if (blocks.length === 0) return t.tsOk ? TIMESTAMPS_ONLY : NO_OPTIONS;
  const sack: TcpOption = { kind: 'sack', blocks };
  return t.tsOk ? [NOP, NOP, stamp, NOP, NOP, sack] : [NOP, NOP, sack];
}

const NO_BLOCKS: readonly (readonly [number, number])[] = [];

/**
 * The window field for a non-SYN segment. A window that is not a multiple of
 * 2^shift is rounded up, never down, so the advertised right edge never moves
 * left (RFC 7323 §2.4; Linux tcp_select_window does the same); the edge then
 * matches exactly what the field says.
 */
function windowField(t: Tcb): number {
  const granule = 1 << t.rcvWscale;
  const field = Math.min(0xffff, Math.ceil(windowToAdvertise(t) / granule));
  const edge = seqAdd(t.rcvNxt, field * granule);
  if (seqGt(edge, t.rcvAdvEdge)) t.rcvAdvEdge = edge;
  return field;
}

/** The header of the segment being sent, rewritten per segment like `stamp` (the encoder reads it before emit() returns). */
const fields: { -readonly [K in keyof TcpInput]-?: NonNullable<TcpInput[K]> } = { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, urgentPointer: 0, options: NO_OPTIONS };

/**
 * Encode and send one segment; returns its packet id. Every segment with ACK
 * resets delayed-ACK state. `payload` may be a view of the send buffer: it is
 * copied into the datagram before anything can change the buffer. The window
 * defaults to the one to advertise now, the options to segmentOptions().
 */
export function emit(conn: Connection, flags: number, seq: number, payload: Uint8Array = EMPTY, options?: readonly TcpOption[], window?: number): number | null {
  const t = conn.tcb;
  const hasAck = (flags & TcpFlag.ACK) !== 0;
  fields.window = window ?? windowField(t);
  fields.options = options ?? segmentOptions(conn);
  fields.srcPort = t.localPort;
  fields.dstPort = t.remotePort;
  fields.seq = seq >>> 0;
  fields.ack = hasAck ? t.rcvNxt : 0;
  fields.flags = flags;
  if (hasAck) {
    t.lastAckSent = t.rcvNxt;
    t.unackedBytes = 0;
    conn.cancelTimer('delayed-ack');
  }
  t.stats.segmentsSent++;
  const host = conn.host;
  if (host.transmitSegment) return host.transmitSegment(t, fields, payload);
  return host.transmit(t, encodeTcp(fields, payload, t.localAddress, t.remoteAddress));
}

const EMPTY = new Uint8Array(0);

/** Send our SYN (active open) or SYN-ACK (passive or simultaneous open), and time it. */
export function sendSyn(conn: Connection, synAck: boolean): void {
  const t = conn.tcb;
  const window = synWindow(t, synAck);
  const id = emit(conn, synAck ? TcpFlag.SYN | TcpFlag.ACK : TcpFlag.SYN, t.iss, EMPTY, synOptions(conn, synAck), window);
  if (synAck) t.rcvAdvEdge = seqAdd(t.rcvNxt, synWindow(t, true));
  if (t.sndMax !== t.iss) conn.traceTcp('retransmit', id ?? undefined, synAck ? 'SYN-ACK' : 'SYN');
  t.sndNxt = seqAdd(t.iss, 1);
  t.sndMax = t.sndNxt;
  if (t.rttProbeAt < 0 && !t.synRetransmitted) timeSegment(t, t.iss, conn.now);
  conn.restartRto(synAck ? onSynAckTimeout : onSynTimeout);
}

function onSynTimeout(conn: Connection): void {
  synTimeout(conn, false);
}

function onSynAckTimeout(conn: Connection): void {
  synTimeout(conn, true);
}

function synTimeout(conn: Connection, synAck: boolean): void {
  const t = conn.tcb;
  // A CLOSE in SYN-RECEIVED moves to FIN-WAIT-1 with our SYN still unacknowledged
  // (RFC 9293 §3.10.4): the SYN-ACK must still be retransmitted, or nothing ever is.
  const closedBeforeSynAcked = t.state === 'FIN-WAIT-1' && t.sndUna === t.iss;
  if (t.state !== 'SYN-SENT' && t.state !== 'SYN-RECEIVED' && !closedBeforeSynAcked) return;
  t.timeouts++;
  if (t.timeouts > t.profile.synRetries) {
    conn.traceTcp('gave-up', undefined, `${t.timeouts - 1} ${synAck ? 'SYN-ACK' : 'SYN'} retransmissions`);
    conn.control('RETRANSMIT_GIVE_UP');
    return;
  }
  t.rtt.backoff++;
  t.synRetransmitted = true;
  t.rttProbeAt = -1;
  t.stats.retransmissions++;
  sendSyn(conn, t.state !== 'SYN-SENT');
  if (closedBeforeSynAcked) {
    output(conn); // the FIN follows the SYN-ACK again
    t.rttProbeAt = -1; // Karn: nothing sent in a retransmission round is timed
  }
}

/** Send a pure ACK now. */
export function sendAck(conn: Connection): void {
  emit(conn, TcpFlag.ACK, conn.tcb.sndNxt);
}

/** ACK after the delayed-ACK timeout, or now when delayed ACKs are off; a segment sent meanwhile carries it. */
export function scheduleAck(conn: Connection): void {
  if (!conn.tcb.options.delayedAck) return sendAck(conn);
  if (!conn.hasTimer('delayed-ack')) conn.setTimer('delayed-ack', conn.tcb.profile.delayedAckUs, onDelayedAck);
}

/**
 * The delayed-ACK timer fired: no answer came to carry the ACK, so the
 * exchange is not interactive after all. Linux (tcp_delack_timer_handler)
 * leaves pingpong mode here, and quick ACKs apply again.
 */
function onDelayedAck(conn: Connection): void {
  conn.tcb.pingpong = false;
  sendAck(conn);
}

/** Send RST,ACK from SND.NXT (ABORT, RFC 9293 §3.10.5). */
export function sendRst(conn: Connection): void {
  const id = emit(conn, TcpFlag.RST | TcpFlag.ACK, conn.tcb.sndNxt, EMPTY, NO_OPTIONS);
  conn.traceTcp('rst-sent', id ?? undefined, 'abort');
}

/** Bytes of the send buffer still to be sent from SND.NXT. */
export function unsentBytes(t: Tcb): number {
  return Math.max(0, seqDiff(t.sndDataEnd, t.sndNxt));
}

/** True once our FIN has been sent (it occupies sndDataEnd). */
export function finSent(t: Tcb): boolean {
  return t.finQueued && seqGt(t.sndMax, t.sndDataEnd);
}

/** Bytes sent and not yet acknowledged (FlightSize, RFC 5681). */
export function flightSize(t: Tcb): number {
  return seqDiff(t.sndMax, t.sndUna);
}

/**
 * The send loop: send what flow control, congestion control, Nagle and SWS
 * avoidance allow, then the FIN. Bounded: each pass sends or breaks.
 */
export function output(conn: Connection): void {
  const t = conn.tcb;
  if (t.state === 'SYN-SENT' || t.state === 'SYN-RECEIVED' || t.state === 'CLOSED' || t.state === 'LISTEN') return;
  for (let guard = 0; guard < 100_000; guard++) {
    if (t.sndNxt !== t.sndMax) t.sndNxt = seqMax(t.sndNxt, t.scoreboard.skipSacked(t.sndNxt));
    const usable = Math.min(t.sndWnd, t.cc.cwnd) - seqDiff(t.sndNxt, t.sndUna);
    const avail = unsentBytes(t);
    let len = Math.min(avail, t.sendMss, Math.max(0, usable));
    if (t.sndNxt !== t.sndMax) len = Math.min(len, t.scoreboard.holeLength(t.sndNxt, len));
    const finPending = t.finQueued && seqLe(t.sndNxt, t.sndDataEnd);
    const withFin = finPending && len === avail;
    if (len <= 0 && !withFin) break;
    // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): wait for a full segment or half the largest window.
    if (len > 0 && len < t.sendMss && len < avail && len < t.maxSndWnd / 2) break;
    const small = len < t.sendMss;
    if (small && len > 0 && !withFin && t.options.nagle && t.sndNxt === t.sndMax && nagleHolds(t)) break;
    const seq = t.sndNxt;
    sendData(conn, seq, len, withFin);
    if (small) t.sndSml = seqAdd(seq, len + (withFin ? 1 : 0)); // Linux tcp_minshall_update()
  }
  managePersist(conn);
}

/**
 * Nagle: must a sub-MSS segment wait for an ACK? The classic rule (RFC 896,
 * RFC 9293 §3.7.4) holds it while anything is unacknowledged; Minshall's
 * variant (Linux tcp_nagle_check() with tcp_minshall_check()) only while an
 * earlier small segment is, which still keeps one small segment in flight.
 */
function nagleHolds(t: Tcb): boolean {
  if (t.profile.nagle === 'rfc896') return t.sndUna !== t.sndMax;
  return seqGt(t.sndSml, t.sndUna) && seqLe(t.sndSml, t.sndNxt);
}

/** Time the segment starting at `seq` for an RTT sample (two numbers in the TCB: no object per sample). */
function timeSegment(t: Tcb, seq: number, now: number): void {
  t.rttProbeSeq = seq;
  t.rttProbeAt = now;
}

/** Send `len` bytes from `seq` (new or again), with FIN when `fin`. Advances SND.NXT when sending from it. */
export function sendData(conn: Connection, seq: number, len: number, fin: boolean, what?: 'fast-retransmit' | 'sack-retransmit' | 'retransmit'): void {
  const t = conn.tcb;
  const offset = t.sendBuffer.length - seqDiff(t.sndDataEnd, seq);
  const payload = len > 0 ? t.sendBuffer.view(offset, len) : EMPTY;
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  const pushed = len > 0 && seqAdd(seq, len) === t.sndDataEnd;
  const flags = TcpFlag.ACK | (pushed ? TcpFlag.PSH : 0) | (fin ? TcpFlag.FIN : 0);
  const again = seqLt(seq, t.sndMax);
  if (len > 0) noteDataSent(conn);
  const id = emit(conn, flags, seq, payload);
  if (again) {
    t.stats.retransmissions++;
    t.rttProbeAt = -1; // Karn: no sample from anything sent twice
    conn.traceTcp(what ?? 'retransmit', id ?? undefined);
  } else if (t.rttProbeAt < 0) {
    timeSegment(t, seq, conn.now);
  }
  if (seq === t.sndNxt) t.sndNxt = end;
  if (seqGt(end, t.sndMax)) t.sndMax = end;
  if (!conn.hasTimer('rto')) conn.restartRto(onRtoExpired);
}

/**
 * Data sent within the delayed-ACK time of data arriving makes the exchange
 * interactive (Linux tcp_event_data_sent(): lrcvtime within ato, with ato at
 * its floor TCP_ATO_MIN, the linux profile's delayed-ACK time). Only profiles
 * with quick-ACK mode feel it: pingpong mode switches quick ACKs off.
 */
function noteDataSent(conn: Connection): void {
  const t = conn.tcb;
  if (t.lastDataAt >= 0 && conn.now - t.lastDataAt < t.profile.delayedAckUs) t.pingpong = true;
}

/** RTO expiry (RFC 6298 (5.4)–(5.6)): back off, collapse cwnd, go back to SND.UNA. */
export function onRtoExpired(conn: Connection): void {
  const t = conn.tcb;
  if (t.sndUna === t.sndMax) return;
  t.timeouts++;
  if (t.timeouts > t.profile.dataRetries) {
    conn.traceTcp('gave-up', undefined, `${t.timeouts - 1} retransmissions`);
    conn.control('RETRANSMIT_GIVE_UP');
    return;
  }
  onRetransmissionTimeout(t.cc, flightSize(t), t.sendMss);
  t.cc.recover = t.sndMax; // RFC 6582 §3.2 step 4: no fast recovery for losses before the RTO
  t.rtt.backoff++;
  t.sndNxt = t.sndUna;
  t.rtxNext = t.sndUna;
  t.rttProbeAt = -1;
  const len = Math.min(t.sendMss, unsentBytes(t));
  const fin = t.finQueued && len === unsentBytes(t);
  conn.cancelTimer('rto');
  sendData(conn, t.sndUna, len, fin, 'retransmit');
  conn.restartRto(onRtoExpired);
}

/**
 * Start or stop the persist timer (RFC 9293 §3.8.6.1): when data waits, nothing
 * is in flight and the window is zero — or too small for the send loop to use
 * (the SWS override timer of §3.8.6.2.1) — nothing else would ever restart
 * the flow, so a timer must.
 */
function managePersist(conn: Connection): void {
  const t = conn.tcb;
  const sending = t.state === 'ESTABLISHED' || t.state === 'CLOSE-WAIT' || t.state === 'FIN-WAIT-1' || t.state === 'LAST-ACK';
  const stalled = sending && unsentBytes(t) > 0 && t.sndUna === t.sndMax;
  if (!stalled) {
    if (t.persisting) {
      t.persisting = false;
      t.persistBackoff = 0;
      conn.cancelTimer('persist');
    }
    return;
  }
  if (!conn.hasTimer('persist')) armPersist(conn);
}

function armPersist(conn: Connection): void {
  const t = conn.tcb;
  t.persisting = true;
  const base = Math.max(t.rtt.rtoUs, t.profile.rtoMinUs);
  const delay = Math.min(t.profile.rtoMaxUs, base * 2 ** t.persistBackoff);
  conn.setTimer('persist', delay, onPersist);
}

/**
 * Persist timer expiry: into a zero window send a one-byte probe; into a small
 * window send what fits (the SWS override). Then re-arm with back-off.
 */
function onPersist(conn: Connection): void {
  const t = conn.tcb;
  // The previous probe got no answer (lost either way): its byte is not in flight, send it again.
  if (t.sndWnd === 0 && seqDiff(t.sndMax, t.sndUna) === 1 && seqLt(t.sndUna, t.sndDataEnd)) {
    t.sndNxt = t.sndUna;
    t.sndMax = t.sndUna;
  }
  if (unsentBytes(t) === 0 || t.sndUna !== t.sndMax) {
    t.persisting = false;
    output(conn);
    return;
  }
  if (t.sndWnd > 0) {
    sendData(conn, t.sndNxt, Math.min(t.sndWnd, t.sendMss, unsentBytes(t)), false);
    t.persisting = false;
    return;
  }
  const payload = t.sendBuffer.view(t.sendBuffer.length - seqDiff(t.sndDataEnd, t.sndNxt), 1);
  const id = emit(conn, TcpFlag.ACK, t.sndNxt, payload);
  conn.traceTcp('window-probe', id ?? undefined);
  // The probe byte is in sequence space now; a rejecting ACK takes it back (ack.ts).
  t.sndNxt = seqAdd(t.sndNxt, 1);
  t.sndMax = seqMax(t.sndMax, t.sndNxt);
  t.persistBackoff++;
  armPersist(conn);
}
