// Proves that the TCP engine, driven by the XState connection machine, reaches
// every RFC 9293 state and takes every transition the machine declares through
// real segments or user calls, with the RST, SYN, bad-ACK and sequence rules of
// RFC 9293 §3.10.7 and RFC 5961 checked in each state. Tests are grouped by
// state and built from the per-state fixtures and segment templates of
// tcp-peer.ts; the last test reads every lab's state changes from the trace
// and shows they equal the machine's declared transitions.
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import { TCP_CONTROL_EVENTS, TCP_STATES } from '../../sim/tcp/control';
import { seqAdd } from '../../sim/tcp/seq';
import { TcpFlag } from '../../sim/wire/types';
import { tcpConnectionMachine } from '../tcp-connection.machine';
import {
  ACK,
  allLabs,
  FIN_ACK,
  PEER_ADDRESS,
  PEER_ISS,
  PEER_PORT,
  PSH_ACK,
  RST,
  RST_ACK,
  SEGMENT,
  SYN,
  SYN_ACK,
  TcpLab,
} from './tcp-peer';
import {
  bytes,
  closeWait,
  closing,
  established,
  finWait1,
  finWait2,
  FIXTURES,
  lastAck,
  listening,
  synReceived,
  synSent,
  timeWait,
  type Fixture,
  type FixtureOptions,
} from './tcp-fixtures';

const F = TcpFlag;
/** Far beyond any receive window the stack offers (its buffer is 128 KiB). */
const FAR = 1 << 24;
/** Long enough for any retransmission limit of either profile to run out. */
const TWO_HOURS_US = 2 * 3600 * 1_000_000;

/** RST processing (RFC 9293 §3.10.7.4 second step, RFC 5961 §3.2) for a state reached by `build`. */
function rstRules(build: (o?: FixtureOptions) => Fixture, afterReset: { state: 'CLOSED' | 'LISTEN'; event: string | null }): void {
  it(`RST at RCV.NXT: ${afterReset.state}${afterReset.event ? `, the app hears ${afterReset.event}` : ''}, nothing sent`, () => {
    const f = build();
    f.lab.send({ ...RST, seq: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe(afterReset.state);
    expect(f.lab.socketEvents(f.conn).filter((e) => e.startsWith('closed:'))).toEqual(afterReset.event ? [afterReset.event] : []);
  });

  it('RST in the window but not at RCV.NXT: challenge ACK, no reset (RFC 5961 §3.2)', () => {
    const f = build();
    f.lab.send({ ...RST, seq: seqAdd(f.seq, 1) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq, len: 0 });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe(f.state);
    expect(f.lab.marks('challenge-ack')).toHaveLength(1);
  });

  it('RST outside the window (old or far ahead): ignored, nothing sent', () => {
    const f = build();
    f.lab.send({ ...RST, seq: seqAdd(f.seq, -1) });
    f.lab.send({ ...RST_ACK, seq: seqAdd(f.seq, FAR), ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe(f.state);
  });
}

/** SYN, bad ACK and sequence checks for a synchronized state (RFC 9293 §3.10.7.4, RFC 5961 §4.2). */
function synchronizedRules(build: (o?: FixtureOptions) => Fixture): void {
  it('SYN in the window: challenge ACK, the connection survives (RFC 5961 §4.2)', () => {
    const f = build();
    f.lab.send({ ...SYN, seq: f.seq });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe(f.state);
    expect(f.lab.marks('challenge-ack').map((m) => m.detail)).toEqual(['SYN in a synchronized state']);
  });

  it('ACK of data not yet sent: ACK and drop the segment, text included', () => {
    const f = build();
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: seqAdd(f.ack, 1000), payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.rcvNxt).toBe(f.seq);
    expect(f.conn.tcb.state).toBe(f.state);
  });

  it('unacceptable segment (old text): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, dropped', () => {
    const f = build();
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, -100), ack: f.ack, payload: bytes(50) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq, len: 0 });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.rcvNxt).toBe(f.seq);
    expect(f.conn.tcb.state).toBe(f.state);
  });
}

/** Abort (RFC 9293 §3.10.5): RST <SEQ=SND.NXT> in the states that have a peer to tell, silence elsewhere. */
function abortRule(build: (o?: FixtureOptions) => Fixture, sendsRst: boolean): void {
  it(`ABORT: CLOSED, ${sendsRst ? 'RST <SEQ=SND.NXT> sent' : 'no RST'}, the app hears closed:aborted`, () => {
    const f = build();
    f.conn.abort();
    f.lab.settle();
    if (sendsRst) f.lab.expectSent({ flags: F.RST | F.ACK, seq: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toContain('closed:aborted');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: f.state, to: 'CLOSED', cause: 'ABORT' });
  });
}

/** The peer never answers: the stack retransmits until the limit, then CLOSED with "timeout" and no RST. */
function giveUpRule(build: (o?: FixtureOptions) => Fixture, arrange: (f: Fixture) => void = () => undefined): void {
  it('RETRANSMIT_GIVE_UP: retransmits to the limit, then CLOSED (timeout), no RST', () => {
    const f = build();
    arrange(f);
    f.lab.advanceBy(TWO_HOURS_US);
    const sent = f.lab.takeSent();
    expect(f.lab.marks('retransmit')).toHaveLength(f.lab.profile.dataRetries);
    expect(sent.some((s) => s.header.flags & F.RST)).toBe(false);
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toContain('closed:timeout');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: f.state, to: 'CLOSED', cause: 'RETRANSMIT_GIVE_UP' });
  });
}

describe('fixtures', () => {
  it.each(Object.entries(FIXTURES))('%s fixture: conn.tcb.state matches and the trace shows the path', (state, build) => {
    for (const profile of ['linux', 'rfc'] as const) {
      const f = build({ profile });
      expect(f.state).toBe(state);
      expect(f.conn.tcb.state).toBe(state);
      expect(f.lab.path(f.conn)).toEqual(f.path);
      expect(f.conn.tcb.rcvNxt).toBe(state === 'LISTEN' || state === 'SYN-SENT' ? 0 : f.seq);
      if (state !== 'LISTEN') expect(f.conn.tcb.sndNxt).toBe(f.ack);
      expect(f.lab.marks('illegal-transition')).toEqual([]);
    }
  });

  it('active-open fixtures reach the same states through SYN-SENT', () => {
    for (const build of [established, finWait1, finWait2, closeWait, closing, lastAck, timeWait]) {
      const f = build({ open: 'active' });
      expect(f.conn.tcb.state).toBe(f.state);
      expect(f.lab.path(f.conn).slice(0, 2)).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→ESTABLISHED']);
      expect(f.lab.path(f.conn)).toEqual(f.path);
    }
  });
});

describe('CLOSED', () => {
  it('SYN to a port nobody listens on: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (§3.10.7.1)', () => {
    const lab = new TcpLab();
    lab.send({ ...SYN, seq: PEER_ISS });
    lab.expectSent({ flags: F.RST | F.ACK, seq: 0, ack: seqAdd(PEER_ISS, 1), len: 0 });
    lab.expectNothingSent();
  });

  it('ACK or data to a closed port: <SEQ=SEG.ACK><CTL=RST>; text without ACK: RST,ACK covering it', () => {
    const lab = new TcpLab();
    lab.send({ ...PSH_ACK, seq: 5000, ack: 777, payload: bytes(20) });
    lab.expectSent({ flags: F.RST, seq: 777, ack: 0 });
    lab.send({ ...SEGMENT, flags: F.PSH, seq: 5000, payload: bytes(20) });
    lab.expectSent({ flags: F.RST | F.ACK, seq: 0, ack: 5020 });
    lab.send({ ...FIN_ACK, seq: 9000, ack: 1234 });
    lab.expectSent({ flags: F.RST, seq: 1234 });
    lab.expectNothingSent();
  });

  it('RST to a closed port: ignored', () => {
    const lab = new TcpLab();
    lab.send({ ...RST, seq: 1 });
    lab.send({ ...RST_ACK, seq: 1, ack: 2 });
    lab.expectNothingSent();
  });

  it('a connection gone to CLOSED answers later segments with RST', () => {
    const f = lastAck();
    f.lab.send({ ...ACK, seq: f.seq, ack: f.ack });
    expect(f.conn.tcb.state).toBe('CLOSED');
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(5) });
    f.lab.expectSent({ flags: F.RST, seq: f.ack });
    f.lab.expectNothingSent();
  });
});

describe('LISTEN', () => {
  it('OPEN_PASSIVE: CLOSED → LISTEN, nothing sent', () => {
    const f = listening();
    f.lab.settle();
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('LISTEN');
    expect(f.lab.transitions(f.conn)).toEqual([{ from: 'CLOSED', to: 'LISTEN', cause: 'OPEN_PASSIVE' }]);
  });

  it('RCV_SYN: a new connection in SYN-RECEIVED answers <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, offering only what the SYN offered', () => {
    const f = listening();
    f.lab.send({ ...SYN, seq: PEER_ISS, options: [{ kind: 'mss', mss: 1200 }] });
    const synAck = f.lab.expectSent({ flags: F.SYN | F.ACK, ack: seqAdd(PEER_ISS, 1), window: 65_160, options: [{ kind: 'mss', mss: 1460 }] });
    const conn = f.lab.connection();
    expect(conn?.tcb.state).toBe('SYN-RECEIVED');
    expect(conn?.tcb.iss).toBe(synAck.seq);
    expect(conn?.tcb.peerMss).toBe(1200);
    expect(f.conn.tcb.state).toBe('LISTEN'); // the listener itself keeps listening
    expect(f.lab.allTransitions()).toContainEqual({ from: 'LISTEN', to: 'SYN-RECEIVED', cause: 'RCV_SYN' });
  });

  it('RST: ignored (§3.10.7.2 first)', () => {
    const f = listening();
    f.lab.send({ ...RST, seq: PEER_ISS });
    f.lab.expectNothingSent();
    expect(f.lab.connection()).toBeUndefined();
  });

  it('ACK, or SYN,ACK: <SEQ=SEG.ACK><CTL=RST> (§3.10.7.2 second)', () => {
    const f = listening();
    f.lab.send({ ...ACK, seq: PEER_ISS, ack: 4242 });
    f.lab.expectSent({ flags: F.RST, seq: 4242 });
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: 999 });
    f.lab.expectSent({ flags: F.RST, seq: 999 });
    f.lab.expectNothingSent();
    expect(f.lab.connection()).toBeUndefined();
  });

  it('text or FIN without SYN or ACK: dropped silently (§3.10.7.2 fourth)', () => {
    const f = listening();
    f.lab.send({ ...SEGMENT, flags: F.FIN, seq: PEER_ISS });
    f.lab.send({ ...SEGMENT, flags: F.PSH, seq: PEER_ISS, payload: bytes(4) });
    f.lab.expectNothingSent();
    expect(f.lab.connection()).toBeUndefined();
  });

  it('CLOSE: LISTEN → CLOSED; the port then answers SYNs with RST', () => {
    const f = listening();
    f.listener.close();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'LISTEN', to: 'CLOSED', cause: 'CLOSE' });
    f.lab.send({ ...SYN, seq: PEER_ISS });
    f.lab.expectSent({ flags: F.RST | F.ACK, ack: seqAdd(PEER_ISS, 1) });
  });

  it('ABORT: LISTEN → CLOSED; the port stops accepting too', () => {
    const f = listening();
    f.conn.abort();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'LISTEN', to: 'CLOSED', cause: 'ABORT' });
    f.lab.send({ ...SYN, seq: PEER_ISS });
    f.lab.expectSent({ flags: F.RST | F.ACK, ack: seqAdd(PEER_ISS, 1) });
    f.lab.expectNothingSent();
  });

  it('OPEN_ACTIVE on the listening socket: LISTEN → SYN-SENT, a SYN from the listening port (§3.10.1)', () => {
    const f = listening();
    const conn = f.listener.connect({ dst: PEER_ADDRESS, dstPort: PEER_PORT });
    f.lab.settle();
    const syn = f.lab.expectSent({ flags: F.SYN });
    expect(syn.header.srcPort).toBe(80);
    expect(f.lab.transitions(conn)).toEqual([{ from: 'LISTEN', to: 'SYN-SENT', cause: 'OPEN_ACTIVE' }]);
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: seqAdd(syn.seq, 1) });
    f.lab.expectSent({ flags: F.ACK, seq: seqAdd(syn.seq, 1), ack: seqAdd(PEER_ISS, 1) });
    expect(conn.tcb.state).toBe('ESTABLISHED');
    // It no longer listens: another client's SYN is refused.
    f.lab.send({ ...SYN, seq: 1, srcPort: PEER_PORT + 1 });
    f.lab.expectSent({ flags: F.RST | F.ACK, ack: 2 });
  });
});

describe('SYN-SENT', () => {
  it('OPEN_ACTIVE: CLOSED → SYN-SENT with <SEQ=ISS><CTL=SYN> and every option offered', () => {
    const lab = new TcpLab();
    const conn = lab.connect();
    lab.settle();
    const syn = lab.expectSent({ flags: F.SYN, ack: 0, window: 64_240, len: 0 });
    expect(syn.seq).toBe(conn.tcb.iss);
    expect(syn.options.map((o) => o.kind)).toEqual(['mss', 'sack-permitted', 'timestamps', 'nop', 'wscale']);
    expect(lab.transitions(conn)).toEqual([{ from: 'CLOSED', to: 'SYN-SENT', cause: 'OPEN_ACTIVE' }]);
  });

  it('RCV_SYN_ACK: ESTABLISHED, <SEQ=ISS+1><ACK=IRS+1><CTL=ACK>, the app hears established', () => {
    const f = synSent();
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(PEER_ISS, 1), len: 0 });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
    expect(f.lab.socketEvents(f.conn)).toEqual(['established']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-SENT', to: 'ESTABLISHED', cause: 'RCV_SYN_ACK' });
  });

  it('RCV_SYN (simultaneous open): SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>; the peer\'s SYN,ACK then completes it', () => {
    const f = synSent();
    f.lab.send({ ...SYN, seq: PEER_ISS });
    f.lab.expectSent({ flags: F.SYN | F.ACK, seq: f.iss, ack: seqAdd(PEER_ISS, 1) });
    expect(f.conn.tcb.state).toBe('SYN-RECEIVED');
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
    expect(f.lab.path(f.conn)).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→SYN-RECEIVED', 'SYN-RECEIVED→ESTABLISHED']);
    expect(f.lab.socketEvents(f.conn)).toEqual(['established']);
  });

  it('RCV_RST with an acceptable ACK: CLOSED, the app hears refused', () => {
    const f = synSent();
    f.lab.send({ ...RST_ACK, seq: 0, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toEqual(['closed:refused']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-SENT', to: 'CLOSED', cause: 'RCV_RST' });
  });

  it('RST without ACK, or with an unacceptable ACK: ignored, no RST in reply (RFC 5961 §3.2)', () => {
    const f = synSent();
    f.lab.send({ ...RST, seq: 0 });
    f.lab.send({ ...RST_ACK, seq: 0, ack: seqAdd(f.ack, 10) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-SENT');
  });

  it('ACK outside (ISS, SND.NXT]: <SEQ=SEG.ACK><CTL=RST>, stay in SYN-SENT', () => {
    const f = synSent();
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.iss });
    f.lab.expectSent({ flags: F.RST, seq: f.iss });
    f.lab.send({ ...ACK, seq: PEER_ISS, ack: seqAdd(f.ack, 5) });
    f.lab.expectSent({ flags: F.RST, seq: seqAdd(f.ack, 5) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-SENT');
  });

  it('an acceptable ACK without SYN or RST: dropped', () => {
    const f = synSent();
    f.lab.send({ ...ACK, seq: PEER_ISS, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-SENT');
  });

  it('CLOSE: CLOSED at once, nothing sent', () => {
    const f = synSent();
    f.conn.close();
    f.lab.settle();
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toEqual(['closed:closed']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-SENT', to: 'CLOSED', cause: 'CLOSE' });
  });

  abortRule(synSent, false);

  it('RETRANSMIT_GIVE_UP: six SYN retransmissions, then CLOSED (timeout)', () => {
    const f = synSent();
    f.lab.advanceBy(TWO_HOURS_US);
    const sent = f.lab.takeSent();
    expect(sent.map((s) => s.flags)).toEqual(Array<string>(6).fill('SYN'));
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toEqual(['closed:timeout']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-SENT', to: 'CLOSED', cause: 'RETRANSMIT_GIVE_UP' });
  });
});

describe('SYN-RECEIVED', () => {
  it('RCV_ACK_OF_SYN: ESTABLISHED, the app hears established', () => {
    const f = synReceived();
    f.lab.send({ ...ACK, seq: f.seq, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
    expect(f.conn.tcb.sndUna).toBe(f.ack);
    expect(f.lab.socketEvents(f.conn)).toEqual(['established']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-RECEIVED', to: 'ESTABLISHED', cause: 'RCV_ACK_OF_SYN' });
  });

  it('RCV_ACK_OF_SYN carrying text: ESTABLISHED and the text is taken in the same step', () => {
    const f = synReceived({ options: { delayedAck: false } });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(100) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 100) });
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
    expect(f.conn.recv()).toEqual(bytes(100));
  });

  it('an ACK that does not cover our SYN, or covers more: <SEQ=SEG.ACK><CTL=RST>, stay', () => {
    const f = synReceived();
    f.lab.send({ ...ACK, seq: f.seq, ack: f.iss });
    f.lab.expectSent({ flags: F.RST, seq: f.iss });
    f.lab.send({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, 100) });
    f.lab.expectSent({ flags: F.RST, seq: seqAdd(f.ack, 100) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-RECEIVED');
  });

  it('a retransmitted SYN: the SYN,ACK again', () => {
    const f = synReceived();
    f.lab.send({ ...SYN, seq: PEER_ISS });
    f.lab.expectSent({ flags: F.SYN | F.ACK, seq: f.iss, ack: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-RECEIVED');
  });

  it('a SYN in the window: challenge ACK, stay (the engine applies RFC 5961 §4.2 here too)', () => {
    // RFC 9293 §3.10.7.4 would return a passive SYN-RECEIVED to LISTEN; the engine treats it like
    // a synchronized state instead, which RFC 5961 allows and which keeps a blind SYN harmless.
    const f = synReceived();
    f.lab.send({ ...SYN, seq: f.seq });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-RECEIVED');
  });

  it('a segment without ACK (even with FIN): dropped', () => {
    const f = synReceived();
    f.lab.send({ ...SEGMENT, flags: F.FIN, seq: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('SYN-RECEIVED');
  });

  describe('from a passive OPEN', () => {
    rstRules(synReceived, { state: 'LISTEN', event: null });

    it('RCV_RST_PASSIVE: back to LISTEN; the connection is forgotten and the listener accepts again', () => {
      const f = synReceived();
      f.lab.send({ ...RST, seq: f.seq });
      expect(f.lab.transitions(f.conn)).toEqual([
        { from: 'LISTEN', to: 'SYN-RECEIVED', cause: 'RCV_SYN' },
        { from: 'SYN-RECEIVED', to: 'LISTEN', cause: 'RCV_RST_PASSIVE' },
      ]);
      expect(f.lab.connection()).toBeUndefined();
      f.lab.send({ ...SYN, seq: 77 });
      f.lab.expectSent({ flags: F.SYN | F.ACK, ack: 78 });
    });
  });

  describe('from a simultaneous open', () => {
    const simultaneous = (o?: FixtureOptions): Fixture => {
      const f = synSent(o);
      f.lab.send({ ...SYN, seq: PEER_ISS });
      f.lab.expectSent({ flags: F.SYN | F.ACK, seq: f.iss });
      return { ...f, state: 'SYN-RECEIVED', seq: seqAdd(PEER_ISS, 1), path: [...f.path, 'SYN-SENT→SYN-RECEIVED'] };
    };

    rstRules(simultaneous, { state: 'CLOSED', event: 'closed:refused' });

    it('RCV_RST: CLOSED (not LISTEN), the app hears refused', () => {
      const f = simultaneous();
      f.lab.send({ ...RST, seq: f.seq });
      expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'RCV_RST' });
    });

    it('CLOSE: FIN-WAIT-1, the FIN goes out; while nothing is acknowledged the SYN,ACK and the FIN are retransmitted', () => {
      const f = simultaneous();
      f.conn.close();
      f.lab.settle();
      f.lab.expectSent({ flags: F.FIN | F.ACK, seq: f.ack, ack: f.seq });
      expect(f.conn.tcb.state).toBe('FIN-WAIT-1');
      expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', cause: 'CLOSE' });
      f.lab.advanceBy(1_000_000);
      f.lab.expectSent({ flags: F.SYN | F.ACK, seq: f.iss, ack: f.seq });
      f.lab.expectSent({ flags: F.FIN | F.ACK, seq: f.ack, ack: f.seq });
      // The peer's ACK of SYN and FIN finishes our side.
      f.lab.send({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, 1) });
      expect(f.conn.tcb.state).toBe('FIN-WAIT-2');
    });

    abortRule(simultaneous, true);
  });

  abortRule(synReceived, true);

  it('RETRANSMIT_GIVE_UP: six SYN,ACK retransmissions, then CLOSED (timeout)', () => {
    const f = synReceived();
    f.lab.advanceBy(TWO_HOURS_US);
    expect(f.lab.takeSent().map((s) => s.flags)).toEqual(Array<string>(6).fill('SYN, ACK'));
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'RETRANSMIT_GIVE_UP' });
  });
});

describe('ESTABLISHED', () => {
  it('CLOSE: FIN-WAIT-1, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>', () => {
    const f = finWait1();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'ESTABLISHED', to: 'FIN-WAIT-1', cause: 'CLOSE' });
  });

  it('RCV_FIN: CLOSE-WAIT, the FIN is acknowledged, the app hears peer-closed', () => {
    const f = closeWait();
    expect(f.conn.tcb.rcvNxt).toBe(f.seq);
    expect(f.lab.socketEvents(f.conn)).toEqual(['established', 'peer-closed']);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'ESTABLISHED', to: 'CLOSE-WAIT', cause: 'RCV_FIN' });
  });

  it('a FIN beyond a hole waits for the hole to fill', () => {
    const f = established();
    f.lab.send({ ...FIN_ACK, seq: seqAdd(f.seq, 10), ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, ack: f.seq });
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 10) }); // the filled hole, at once (RFC 5681 §4.2)
    expect(f.conn.tcb.state).toBe('CLOSE-WAIT');
    f.lab.advanceBy(f.lab.profile.delayedAckUs);
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 11) }); // the FIN, as for any FIN that ends ESTABLISHED
    expect(f.conn.recv()).toEqual(bytes(10));
  });

  rstRules(established, { state: 'CLOSED', event: 'closed:reset' });
  synchronizedRules(established);
  abortRule(established, true);
  giveUpRule(established, (f) => f.conn.send(bytes(100)));
});

describe('FIN-WAIT-1', () => {
  it('RCV_ACK_OF_FIN: FIN-WAIT-2, nothing sent', () => {
    const f = finWait2();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', cause: 'RCV_ACK_OF_FIN' });
  });

  it('an ACK that leaves the FIN outstanding: stay in FIN-WAIT-1', () => {
    const f = finWait1();
    f.lab.send({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, -1) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('FIN-WAIT-1');
  });

  it('RCV_FIN (simultaneous close): CLOSING, the FIN is acknowledged at once', () => {
    const f = closing();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'FIN-WAIT-1', to: 'CLOSING', cause: 'RCV_FIN' });
    expect(f.lab.socketEvents(f.conn)).toContain('peer-closed');
  });

  it('RCV_FIN_ACKING_FIN: straight to TIME-WAIT, the FIN is acknowledged', () => {
    const f = finWait1();
    f.lab.send({ ...FIN_ACK, seq: f.seq, ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 1) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'FIN-WAIT-1', to: 'TIME-WAIT', cause: 'RCV_FIN_ACKING_FIN' });
  });

  it('text still arrives and is acknowledged (half-close)', () => {
    const f = finWait1({ options: { delayedAck: false } });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: seqAdd(f.ack, -1), payload: bytes(30) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 30) });
    expect(f.conn.readable).toBe(30);
    expect(f.conn.tcb.state).toBe('FIN-WAIT-1');
  });

  rstRules(finWait1, { state: 'CLOSED', event: 'closed:reset' });
  synchronizedRules(finWait1);
  abortRule(finWait1, true);
  giveUpRule(finWait1);
});

describe('FIN-WAIT-2', () => {
  it('RCV_FIN: TIME-WAIT, the FIN is acknowledged at once', () => {
    const f = timeWait();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'FIN-WAIT-2', to: 'TIME-WAIT', cause: 'RCV_FIN' });
    expect(f.lab.socketEvents(f.conn)).toContain('peer-closed');
  });

  it('text still arrives and is acknowledged (half-close)', () => {
    const f = finWait2({ options: { delayedAck: false } });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(40) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 40) });
    expect(f.conn.recv()).toEqual(bytes(40));
    expect(f.conn.tcb.state).toBe('FIN-WAIT-2');
  });

  rstRules(finWait2, { state: 'CLOSED', event: 'closed:reset' });
  synchronizedRules(finWait2);
  abortRule(finWait2, true);
});

describe('CLOSE-WAIT', () => {
  it('CLOSE: LAST-ACK, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>', () => {
    const f = lastAck();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'CLOSE-WAIT', to: 'LAST-ACK', cause: 'CLOSE' });
  });

  it('a retransmitted FIN: acknowledged again, stay', () => {
    const f = closeWait();
    f.lab.send({ ...FIN_ACK, seq: seqAdd(f.seq, -1), ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSE-WAIT');
  });

  it('the app can still send (half-close)', () => {
    const f = closeWait();
    f.conn.send(bytes(25));
    f.lab.settle();
    f.lab.expectSent({ flags: F.PSH | F.ACK, seq: f.ack, ack: f.seq, payload: bytes(25) });
  });

  rstRules(closeWait, { state: 'CLOSED', event: 'closed:reset' });
  synchronizedRules(closeWait);
  abortRule(closeWait, true);
  giveUpRule(closeWait, (f) => f.conn.send(bytes(100)));
});

describe('CLOSING', () => {
  it('RCV_ACK_OF_FIN: TIME-WAIT', () => {
    const f = closing();
    f.lab.send({ ...ACK, seq: f.seq, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'CLOSING', to: 'TIME-WAIT', cause: 'RCV_ACK_OF_FIN' });
  });

  rstRules(closing, { state: 'CLOSED', event: 'closed:closed' });
  synchronizedRules(closing);
  abortRule(closing, false);
  giveUpRule(closing);
});

describe('LAST-ACK', () => {
  it('RCV_ACK_OF_FIN: CLOSED, the app hears closed, the TCB is gone', () => {
    const f = lastAck();
    f.lab.send({ ...ACK, seq: f.seq, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn).at(-1)).toBe('closed:closed');
    expect(f.lab.connection()).toBeUndefined();
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'LAST-ACK', to: 'CLOSED', cause: 'RCV_ACK_OF_FIN' });
  });

  rstRules(lastAck, { state: 'CLOSED', event: 'closed:closed' });
  synchronizedRules(lastAck);
  abortRule(lastAck, false);
  giveUpRule(lastAck);
});

describe('TIME-WAIT', () => {
  it('TIME_WAIT_EXPIRED: CLOSED after 2·MSL, nothing sent', () => {
    const f = timeWait();
    f.lab.advanceBy(2 * f.lab.profile.mslUs + 1000);
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect((f.lab.enteredAt(f.conn, 'CLOSED') ?? 0) - (f.lab.enteredAt(f.conn, 'TIME-WAIT') ?? 0)).toBe(2 * f.lab.profile.mslUs);
    expect(f.lab.transitions(f.conn).at(-1)).toEqual({ from: 'TIME-WAIT', to: 'CLOSED', cause: 'TIME_WAIT_EXPIRED' });
  });

  it('a retransmitted FIN: acknowledged again and the 2·MSL timer restarts', () => {
    const f = timeWait();
    f.lab.advanceBy(f.lab.profile.mslUs);
    const again = f.lab.send({ ...FIN_ACK, seq: seqAdd(f.seq, -1), ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.advanceTo(again + 2 * f.lab.profile.mslUs - 1);
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
    f.lab.advanceBy(1);
    expect(f.conn.tcb.state).toBe('CLOSED');
  });

  rstRules(timeWait, { state: 'CLOSED', event: 'closed:closed' });
  synchronizedRules(timeWait);
  abortRule(timeWait, false);
});

// Reads the labs every test above built (vitest runs a file's tests in order), so it stays last.
describe('transition coverage', () => {
  /** (state, event) → target, as declared in the machine config. */
  function declaredTransitions(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [state, node] of Object.entries(tcpConnectionMachine.config.states ?? {})) {
      for (const [event, transition] of Object.entries(node.on ?? {})) {
        const target = (transition as { target?: string }).target;
        out.set(`${state} ${event}`, target ?? state);
      }
    }
    return out;
  }

  it('xstate/graph: all 11 RFC 9293 states are reachable in the machine', () => {
    const paths = getShortestPaths(tcpConnectionMachine, { events: TCP_CONTROL_EVENTS.map((type) => ({ type })) });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...TCP_STATES].sort());
  });

  it('the suite above took every declared transition, each to its declared target, through real segments and calls', () => {
    const declared = declaredTransitions();
    expect(declared.size).toBeGreaterThan(40);
    const taken = new Map<string, Set<string>>();
    for (const lab of allLabs()) {
      for (const t of lab.allTransitions()) {
        const key = `${t.from} ${t.cause}`;
        taken.set(key, (taken.get(key) ?? new Set()).add(t.to));
      }
      expect(lab.marks('illegal-transition')).toEqual([]);
    }
    expect([...taken.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [key, targets] of taken) expect([...targets], key).toEqual([declared.get(key)]);
    const statesVisited = new Set([...allLabs()].flatMap((lab) => lab.allTransitions().flatMap((t) => [t.from, t.to])));
    expect([...statesVisited].sort()).toEqual([...TCP_STATES].sort());
  });
});
