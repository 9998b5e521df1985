/**
 * Per-state fixtures for the TCP engine tests: each returns a connection in
 * one RFC 9293 state, reached through real segments from the scripted peer
 * (tcp-peer.ts) and user calls only, with the peer's sequence numbers.
 */
import type { Connection } from '../../sim/tcp/connection';
import { seqAdd } from '../../sim/tcp/seq';
import type { TcpSocketOptions } from '../../sim/tcp/tcb';
import type { Listener } from '../../sim/tcp/tcp-layer';
import { TcpFlag, type TcpOption } from '../../sim/wire/types';
import { TcpLab, SYN, SYN_ACK, ACK, FIN_ACK, PEER_ISS, tsOption, type LabOptions } from './tcp-peer';

/** How a fixture is built. */
export interface FixtureOptions extends LabOptions {
  /** Socket options of the stack's connection or listener. */
  readonly options?: Partial<TcpSocketOptions>;
  /** Options the peer puts in its SYN or SYN-ACK (MSS 1460 only by default). */
  readonly peerSynOptions?: readonly TcpOption[];
  /** The window the peer's SYN or SYN-ACK offers. */
  readonly peerWindow?: number;
  /** Which side opens: the stack accepts ('passive', default) or connects ('active'). */
  readonly open?: 'passive' | 'active';
}

/** A connection in a known state, reached through real segments. */
export interface Fixture {
  readonly lab: TcpLab;
  readonly conn: Connection;
  /** The state the fixture promises. */
  readonly state: string;
  /** The stack's ISS. */
  readonly iss: number;
  /** The peer's next sequence number (what the stack's RCV.NXT should be). */
  seq: number;
  /** What the peer acknowledges: the stack's SND.NXT. */
  ack: number;
  /** The state changes the fixture went through, "FROM→TO". */
  readonly path: readonly string[];
}

/** The listening socket of a fresh lab. */
export function listening(o: FixtureOptions = {}): Fixture & { listener: Listener } {
  const lab = new TcpLab(o);
  const listener = lab.listen(o.options);
  return { lab, conn: listener.connection, listener, state: 'LISTEN', iss: 0, seq: PEER_ISS, ack: 0, path: ['CLOSED→LISTEN'] };
}

/** An active open whose SYN is on the wire. */
export function synSent(o: FixtureOptions = {}): Fixture {
  const lab = new TcpLab(o);
  const conn = lab.connect(o.options);
  lab.settle();
  const syn = lab.expectSent({ flags: TcpFlag.SYN });
  return { lab, conn, state: 'SYN-SENT', iss: syn.seq, seq: PEER_ISS, ack: seqAdd(syn.seq, 1), path: ['CLOSED→SYN-SENT'] };
}

/** A passive open that answered the peer's SYN with SYN-ACK. */
export function synReceived(o: FixtureOptions = {}): Fixture {
  const { lab } = listening(o);
  lab.send({ ...SYN, seq: PEER_ISS, window: o.peerWindow ?? SYN.window, options: o.peerSynOptions ?? SYN.options });
  const synAck = lab.expectSent({ flags: TcpFlag.SYN | TcpFlag.ACK, ack: seqAdd(PEER_ISS, 1) });
  const conn = lab.connection();
  if (!conn) throw new Error('the SYN spawned no connection');
  lab.watch(conn);
  return { lab, conn, state: 'SYN-RECEIVED', iss: synAck.seq, seq: seqAdd(PEER_ISS, 1), ack: seqAdd(synAck.seq, 1), path: ['LISTEN→SYN-RECEIVED'] };
}

/** A synchronized connection, opened passively (default) or actively. */
export function established(o: FixtureOptions = {}): Fixture {
  if (o.open === 'active') {
    const f = synSent(o);
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack, window: o.peerWindow ?? SYN_ACK.window, options: o.peerSynOptions ?? SYN_ACK.options });
    f.lab.expectSent({ flags: TcpFlag.ACK, seq: f.ack, ack: seqAdd(PEER_ISS, 1) });
    return { ...f, state: 'ESTABLISHED', seq: seqAdd(PEER_ISS, 1), path: [...f.path, 'SYN-SENT→ESTABLISHED'] };
  }
  const f = synReceived(o);
  f.lab.send({ ...ACK, seq: f.seq, ack: f.ack, window: o.peerWindow ?? ACK.window, options: peerTimestamps(f) });
  f.lab.expectNothingSent();
  return { ...f, state: 'ESTABLISHED', path: [...f.path, 'SYN-RECEIVED→ESTABLISHED'] };
}

/** Timestamps for the peer's handshake ACK when they were negotiated. */
function peerTimestamps(f: Fixture): TcpOption[] {
  return f.conn.tcb.tsOk ? tsOption(f.conn.tcb.tsRecent + 1, lastTsVal(f.lab)) : [];
}

/** The TSval of the stack's last segment (what the peer would echo). */
export function lastTsVal(lab: TcpLab): number {
  const last = lab.captured[lab.captured.length - 1];
  const ts = last?.options.find((o) => o.kind === 'timestamps');
  return ts && ts.kind === 'timestamps' ? ts.tsVal : 0;
}

/** ESTABLISHED, then the app closed: our FIN is on the wire, unacknowledged. */
export function finWait1(o: FixtureOptions = {}): Fixture {
  const f = established(o);
  f.conn.close();
  f.lab.settle();
  f.lab.expectSent({ flags: TcpFlag.FIN | TcpFlag.ACK, seq: f.ack, ack: f.seq });
  return { ...f, state: 'FIN-WAIT-1', ack: seqAdd(f.ack, 1), path: [...f.path, 'ESTABLISHED→FIN-WAIT-1'] };
}

/** FIN-WAIT-1, then the peer acknowledged our FIN. */
export function finWait2(o: FixtureOptions = {}): Fixture {
  const f = finWait1(o);
  f.lab.send({ ...ACK, seq: f.seq, ack: f.ack });
  f.lab.expectNothingSent();
  return { ...f, state: 'FIN-WAIT-2', path: [...f.path, 'FIN-WAIT-1→FIN-WAIT-2'] };
}

/** ESTABLISHED, then the peer's FIN; the stack acknowledges it (after the delayed-ACK timeout). */
export function closeWait(o: FixtureOptions = {}): Fixture {
  const f = established(o);
  f.lab.send({ ...FIN_ACK, seq: f.seq, ack: f.ack });
  f.lab.advanceBy(f.lab.profile.delayedAckUs);
  f.lab.expectSent({ flags: TcpFlag.ACK, seq: f.ack, ack: seqAdd(f.seq, 1) });
  return { ...f, state: 'CLOSE-WAIT', seq: seqAdd(f.seq, 1), path: [...f.path, 'ESTABLISHED→CLOSE-WAIT'] };
}

/** Simultaneous close: FIN-WAIT-1, then the peer's FIN that does not acknowledge ours. */
export function closing(o: FixtureOptions = {}): Fixture {
  const f = finWait1(o);
  f.lab.send({ ...FIN_ACK, seq: f.seq, ack: seqAdd(f.ack, -1) });
  f.lab.expectSent({ flags: TcpFlag.ACK, seq: f.ack, ack: seqAdd(f.seq, 1) });
  return { ...f, state: 'CLOSING', seq: seqAdd(f.seq, 1), path: [...f.path, 'FIN-WAIT-1→CLOSING'] };
}

/** CLOSE-WAIT, then the app closed: our FIN is on the wire. */
export function lastAck(o: FixtureOptions = {}): Fixture {
  const f = closeWait(o);
  f.conn.close();
  f.lab.settle();
  f.lab.expectSent({ flags: TcpFlag.FIN | TcpFlag.ACK, seq: f.ack, ack: f.seq });
  return { ...f, state: 'LAST-ACK', ack: seqAdd(f.ack, 1), path: [...f.path, 'CLOSE-WAIT→LAST-ACK'] };
}

/** FIN-WAIT-2, then the peer's FIN: the stack acknowledges it and waits 2·MSL. */
export function timeWait(o: FixtureOptions = {}): Fixture {
  const f = finWait2(o);
  f.lab.send({ ...FIN_ACK, seq: f.seq, ack: f.ack });
  f.lab.expectSent({ flags: TcpFlag.ACK, seq: f.ack, ack: seqAdd(f.seq, 1) });
  return { ...f, state: 'TIME-WAIT', seq: seqAdd(f.seq, 1), path: [...f.path, 'FIN-WAIT-2→TIME-WAIT'] };
}

/** Every fixture builder by the state it reaches. */
export const FIXTURES: Readonly<Record<string, (o?: FixtureOptions) => Fixture>> = {
  LISTEN: listening,
  'SYN-SENT': synSent,
  'SYN-RECEIVED': synReceived,
  ESTABLISHED: established,
  'FIN-WAIT-1': finWait1,
  'FIN-WAIT-2': finWait2,
  'CLOSE-WAIT': closeWait,
  CLOSING: closing,
  'LAST-ACK': lastAck,
  'TIME-WAIT': timeWait,
};

/** Bytes 0..n-1 as a recognisable pattern. */
export function bytes(n: number, salt = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}
