// Proves the TCP behaviours of RFC 9293 and its companions (RFC 6298 timers,
// RFC 5681/6582 congestion control, RFC 7323 options, RFC 2018 SACK, RFC 6928
// IW), each pinned to the exact segments, option lists, window fields and
// instants the stack puts on the wire. A scripted peer (tcp-peer.ts) sends
// hand-built segments and "loses" whatever a test needs lost; two real engines
// (tcp-harness.ts) meet where both ends must be TCPs. RST generation and
// processing in every state are in tcp-states.test.ts.
import { describe, expect, it } from 'vitest';
import { LINUX_PROFILE, RFC_PROFILE } from '../../sim/tcp/profile';
import { seqAdd } from '../../sim/tcp/seq';
import { TcpFlag, type TcpOption } from '../../sim/wire/types';
import { tcpPair } from './tcp-harness';
import {
  ACK,
  FIN_ACK,
  fullSynOptions,
  PEER_ISS,
  PSH_ACK,
  RST,
  SYN,
  SYN_ACK,
  TcpLab,
  tsOption,
  type Captured,
} from './tcp-peer';
import {
  bytes,
  closeWait,
  closing,
  established,
  finWait2,
  lastTsVal,
  synSent,
  timeWait,
  type Fixture,
} from './tcp-fixtures';

const F = TcpFlag;
const MSS = 1460;
const MSS_ONLY: TcpOption[] = [{ kind: 'mss', mss: MSS }];
const SACK_ONLY: TcpOption[] = [{ kind: 'mss', mss: MSS }, { kind: 'sack-permitted' }];

/** Sequence numbers the stack's segments start at: S(i) = SND.NXT at the fixture + i full segments. */
function segStart(f: Fixture, mss = MSS): (i: number) => number {
  return (i) => seqAdd(f.ack, i * mss);
}

/** Sequence numbers the stack sent more than once, in the order of their second sending. */
function resent(segments: readonly Captured[]): number[] {
  const seen = new Set<number>();
  const again: number[] = [];
  for (const s of segments) {
    if (s.payload.length === 0) continue;
    if (seen.has(s.seq)) again.push(s.seq);
    seen.add(s.seq);
  }
  return again;
}

/** The peer acknowledges up to `ack` (a pure ACK at the peer's current sequence number). */
function peerAck(f: Fixture, ack: number, extra: { window?: number; options?: readonly TcpOption[] } = {}): void {
  f.lab.send({ ...ACK, seq: f.seq, ack, ...extra });
}

describe('three-way handshake', () => {
  it('active open: SYN with every option (Linux order), SYN,ACK, then ACK; options agreed, MSS less timestamps', () => {
    const f = synSent();
    const syn = f.lab.captured[0] as Captured;
    expect(syn.window).toBe(64_240);
    expect(syn.options).toEqual([
      { kind: 'mss', mss: 1460 },
      { kind: 'sack-permitted' },
      { kind: 'timestamps', tsVal: expect.any(Number) as number, tsEcr: 0 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 7 },
    ]);
    const synTsVal = lastTsVal(f.lab);
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack, options: fullSynOptions({ tsVal: 5000, tsEcr: synTsVal, wscale: 2 }) });
    const ack = f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(PEER_ISS, 1), len: 0, window: 131_072 >> 7 });
    expect(ack.options).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal: expect.any(Number) as number, tsEcr: 5000 }]);
    const t = f.conn.tcb;
    expect({ sackOk: t.sackOk, tsOk: t.tsOk, sndWscale: t.sndWscale, rcvWscale: t.rcvWscale, sendMss: t.sendMss }).toEqual({ sackOk: true, tsOk: true, sndWscale: 2, rcvWscale: 7, sendMss: 1448 });
  });

  it('active open, RFC profile: BSD option order and a 65535 window', () => {
    const f = synSent({ profile: 'rfc' });
    const syn = f.lab.captured[0] as Captured;
    expect(syn.window).toBe(65_535);
    expect(syn.options.map((o) => o.kind)).toEqual(['mss', 'nop', 'wscale', 'sack-permitted', 'timestamps']);
  });

  it('passive open: the SYN,ACK answers every option the SYN offered and only those', () => {
    const full = established({ peerSynOptions: fullSynOptions({ tsVal: 777 }) });
    const synAck = full.lab.captured[0] as Captured;
    expect(synAck.options).toEqual([
      { kind: 'mss', mss: 1460 },
      { kind: 'sack-permitted' },
      { kind: 'timestamps', tsVal: expect.any(Number) as number, tsEcr: 777 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 7 },
    ]);
    const bare = established({ peerSynOptions: MSS_ONLY });
    expect((bare.lab.captured[0] as Captured).options).toEqual([{ kind: 'mss', mss: 1460 }]);
    expect(bare.conn.tcb.tsOk || bare.conn.tcb.sackOk || bare.conn.tcb.rcvWscale !== 0).toBe(false);
  });
});

describe('simultaneous open', () => {
  it('scripted: SYN crosses SYN, each side answers SYN,ACK, the peer\'s SYN,ACK establishes', () => {
    const f = synSent();
    f.lab.send({ ...SYN, seq: PEER_ISS });
    f.lab.expectSent({ flags: F.SYN | F.ACK, seq: f.iss, ack: seqAdd(PEER_ISS, 1) });
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack });
    f.lab.expectNothingSent();
    expect(f.lab.path(f.conn)).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→SYN-RECEIVED', 'SYN-RECEIVED→ESTABLISHED']);
  });

  it('two engines connecting to each other at once both reach ESTABLISHED with four segments and no retransmission', () => {
    const p = tcpPair();
    const a = p.clientTcp.connect({ dst: p.addresses.server, dstPort: 5000, srcPort: 4000 });
    const b = p.serverTcp.connect({ dst: p.addresses.client, dstPort: 4000, srcPort: 5000 });
    p.runUntil(10_000_000);
    expect([a.tcb.state, b.tcb.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(p.segments().map((s) => `${s.dir} ${s.flags}`)).toEqual(['out SYN', 'in SYN', 'out SYN, ACK', 'in SYN, ACK']);
    for (const node of ['client', 'server']) expect(p.states(node)).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→SYN-RECEIVED', 'SYN-RECEIVED→ESTABLISHED']);
  });
});

describe('closing', () => {
  it('active close: FIN, ACK → FIN-WAIT-2, FIN → ACK at once and TIME-WAIT, CLOSED 2·MSL later', () => {
    const f = timeWait();
    expect(f.lab.path(f.conn).slice(-3)).toEqual(['ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→FIN-WAIT-2', 'FIN-WAIT-2→TIME-WAIT']);
    f.lab.advanceBy(2 * LINUX_PROFILE.mslUs);
    expect(f.conn.tcb.state).toBe('CLOSED');
    expect(f.lab.socketEvents(f.conn)).toEqual(['established', 'peer-closed', 'closed:closed']);
  });

  it('passive close: the FIN is acknowledged after the delayed-ACK timeout, the app closes, FIN, ACK → CLOSED', () => {
    const f = established();
    const arrived = f.lab.send({ ...FIN_ACK, seq: f.seq, ack: f.ack });
    f.lab.expectNothingSent();
    f.lab.advanceBy(LINUX_PROFILE.delayedAckUs);
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 1), time: arrived + LINUX_PROFILE.delayedAckUs });
    f.conn.close();
    f.lab.settle();
    f.lab.expectSent({ flags: F.FIN | F.ACK, seq: f.ack, ack: seqAdd(f.seq, 1) });
    peerAck({ ...f, seq: seqAdd(f.seq, 1) }, seqAdd(f.ack, 1));
    expect(f.lab.path(f.conn).slice(-3)).toEqual(['ESTABLISHED→CLOSE-WAIT', 'CLOSE-WAIT→LAST-ACK', 'LAST-ACK→CLOSED']);
    expect(f.lab.socketEvents(f.conn)).toEqual(['established', 'peer-closed', 'closed:closed']);
  });

  it('simultaneous close (scripted): FINs cross, CLOSING, the ACK of our FIN → TIME-WAIT', () => {
    const f = closing();
    peerAck(f, f.ack);
    expect(f.lab.path(f.conn).slice(-3)).toEqual(['ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→CLOSING', 'CLOSING→TIME-WAIT']);
  });

  it('simultaneous close (two engines): both go through CLOSING to TIME-WAIT, then CLOSED', () => {
    const p = tcpPair();
    let server: ReturnType<typeof p.clientTcp.connect> | undefined;
    p.serverTcp.listen(80, (c) => (server = c));
    const client = p.clientTcp.connect({ dst: p.addresses.server, dstPort: 80 });
    p.runUntil(1_000_000);
    client.close();
    server?.close();
    p.runUntil(2_000_000);
    expect([client.tcb.state, server?.tcb.state]).toEqual(['TIME-WAIT', 'TIME-WAIT']);
    expect(p.states('client').slice(-3)).toEqual(['ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→CLOSING', 'CLOSING→TIME-WAIT']);
    expect(p.states('server').slice(-3)).toEqual(['ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→CLOSING', 'CLOSING→TIME-WAIT']);
    p.runUntil(2_000_000 + 2 * LINUX_PROFILE.mslUs);
    expect([client.tcb.state, server?.tcb.state]).toEqual(['CLOSED', 'CLOSED']);
  });

  it('half-close: after our FIN the peer still sends and we still read; after its FIN we still send', () => {
    const f = finWait2({ options: { delayedAck: false } });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(300, 1) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 300) });
    expect(f.conn.recv()).toEqual(bytes(300, 1));

    const g = closeWait({ options: { nagle: false } });
    g.conn.send(bytes(200, 2));
    g.conn.send(bytes(100, 3));
    g.lab.settle();
    g.lab.expectSent({ flags: F.PSH | F.ACK, seq: g.ack, ack: g.seq, payload: bytes(200, 2) });
    g.lab.expectSent({ flags: F.PSH | F.ACK, seq: seqAdd(g.ack, 200), payload: bytes(100, 3) });
    expect(g.conn.tcb.state).toBe('CLOSE-WAIT');
  });
});

describe('text and FIN on one segment', () => {
  it('ESTABLISHED: one ACK covering both, after the delayed-ACK timeout (as Linux)', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    const arrived = f.lab.send({ ...FIN_ACK, flags: F.FIN | F.PSH | F.ACK, seq: f.seq, ack: f.ack, payload: bytes(100) });
    f.lab.expectNothingSent();
    f.lab.advanceBy(LINUX_PROFILE.delayedAckUs);
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 101), time: arrived + LINUX_PROFILE.delayedAckUs });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('CLOSE-WAIT');
    expect(f.conn.recv()).toEqual(bytes(100));
  });

  it('FIN-WAIT-2: one ACK covering both, at once', () => {
    const f = finWait2({ peerSynOptions: MSS_ONLY });
    f.lab.send({ ...FIN_ACK, flags: F.FIN | F.PSH | F.ACK, seq: f.seq, ack: f.ack, payload: bytes(100) });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: seqAdd(f.seq, 101) });
    f.lab.expectNothingSent();
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
  });
});

describe('TIME-WAIT', () => {
  it.each([
    ['linux', LINUX_PROFILE, 60_000_000],
    ['rfc', RFC_PROFILE, 240_000_000],
    ['configured MSL 5 s', { ...LINUX_PROFILE, mslUs: 5_000_000 }, 10_000_000],
  ] as const)('%s: lasts exactly 2·MSL (%#)', (_name, profile, twoMslUs) => {
    const f = timeWait({ profile });
    const entered = f.lab.enteredAt(f.conn, 'TIME-WAIT') ?? -1;
    f.lab.advanceTo(entered + twoMslUs - 1);
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
    f.lab.advanceBy(1);
    expect(f.conn.tcb.state).toBe('CLOSED');
    f.lab.expectNothingSent();
  });

  it('a retransmitted FIN in TIME-WAIT is acknowledged and restarts 2·MSL', () => {
    const f = timeWait({ profile: { ...LINUX_PROFILE, mslUs: 1_000_000 } });
    f.lab.advanceBy(1_500_000);
    const again = f.lab.send({ ...FIN_ACK, seq: seqAdd(f.seq, -1), ack: f.ack });
    f.lab.expectSent({ flags: F.ACK, seq: f.ack, ack: f.seq });
    f.lab.advanceTo(again + 2_000_000 - 1);
    expect(f.conn.tcb.state).toBe('TIME-WAIT');
    f.lab.advanceBy(1);
    expect(f.conn.tcb.state).toBe('CLOSED');
  });
});

describe('MSS', () => {
  it.each([
    ['MSS 536 in the SYN', [{ kind: 'mss', mss: 536 }], 536],
    ['no MSS option: 536 (RFC 9293 §3.7.1)', [], 536],
    ['MSS 1000 with timestamps: 988', fullSynOptions({ mss: 1000 }), 988],
  ] as const)('%s: no data segment exceeds it', (_name, peerSynOptions, max) => {
    const f = established({ peerSynOptions, options: { nagle: false } });
    f.conn.send(bytes(5000));
    f.lab.settle();
    const sent = f.lab.takeSent();
    expect(sent.reduce((n, s) => n + s.payload.length, 0)).toBe(5000);
    expect(Math.max(...sent.map((s) => s.payload.length))).toBe(max);
    expect(sent[0]?.payload.length).toBe(max);
  });

  it('our SYN announces the socket\'s MSS', () => {
    const f = synSent({ options: { mss: 1200 } });
    expect((f.lab.captured[0] as Captured).options[0]).toEqual({ kind: 'mss', mss: 1200 });
  });
});

describe('window scaling (RFC 7323 §2)', () => {
  it('the peer\'s window field is multiplied by 2^shift (not in its SYN): field 362 × 8 = exactly two 1448-byte segments', () => {
    const f = established({ peerSynOptions: fullSynOptions({ wscale: 3 }), options: { nagle: false } });
    expect(f.conn.tcb.sndWscale).toBe(3);
    f.conn.send(bytes(1448));
    f.lab.settle();
    f.lab.expectSent({ len: 1448 });
    f.lab.send({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, 1448), window: 362, options: tsOption(1002, lastTsVal(f.lab)) });
    f.conn.send(bytes(20_000));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => s.payload.length)).toEqual([1448, 1448]);
    expect(f.conn.tcb.sndWnd).toBe(2896);
  });

  it('the window in a SYN,ACK is never scaled', () => {
    const f = synSent({ options: { nagle: false } });
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack, window: 1000, options: fullSynOptions({ wscale: 3, tsEcr: lastTsVal(f.lab) }) });
    f.lab.expectSent({ flags: F.ACK });
    f.conn.send(bytes(10_000));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => s.payload.length)).toEqual([1000]);
  });

  it('our window field is the buffer >> our shift; without the peer\'s wscale nothing is scaled', () => {
    const scaled = established({ peerSynOptions: fullSynOptions() });
    scaled.conn.send(bytes(10));
    scaled.lab.settle();
    scaled.lab.expectSent({ window: 131_072 >> 7 });
    const unscaled = established({ peerSynOptions: MSS_ONLY });
    expect(unscaled.lab.captured[0]?.options.some((o) => o.kind === 'wscale')).toBe(false);
    unscaled.conn.send(bytes(10));
    unscaled.lab.settle();
    unscaled.lab.expectSent({ window: 65_535 });
  });
});

describe('timestamps (RFC 7323)', () => {
  it('every segment carries TSval (our ms clock) and echoes the peer\'s latest in-order TSval', () => {
    const f = established({ peerSynOptions: fullSynOptions({ tsVal: 100 }), options: { delayedAck: false } });
    const first = f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10), options: tsOption(200, 0) });
    const a = f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 10), options: tsOption(expect.any(Number) as number, 200) });
    f.lab.advanceTo(first + 25_000);
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 10), ack: f.ack, payload: bytes(10), options: tsOption(300, 0) });
    const b = f.lab.expectSent({ flags: F.ACK, options: tsOption(expect.any(Number) as number, 300) });
    const tsVal = (s: Captured): number => (s.options[2]?.kind === 'timestamps' ? s.options[2].tsVal : -1);
    expect(tsVal(b) - tsVal(a)).toBe(25);
  });

  it('RTTM: a retransmitted segment still yields an RTT sample through its TSecr', () => {
    const f = established({ peerSynOptions: fullSynOptions({ tsVal: 100 }) });
    const srttBefore = f.conn.tcb.rtt.srttUs;
    f.conn.send(bytes(100));
    f.lab.settle();
    f.lab.expectSent({ len: 100 }); // lost
    f.lab.advanceBy(f.conn.tcb.rtt.rtoUs);
    const again = f.lab.expectSent({ len: 100 });
    const echo = again.options[2]?.kind === 'timestamps' ? again.options[2].tsVal : -1;
    f.lab.advanceBy(700_000); // the peer answers 700 ms late, echoing the retransmission's TSval
    f.lab.send({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, 100), options: tsOption(101, echo) });
    expect(f.conn.tcb.rtt.srttUs).not.toBe(srttBefore);
    expect(f.conn.tcb.rtt.srttUs).toBeGreaterThan(srttBefore + 700_000 / 8 - 2000);
  });

  it('PAWS: a segment with a TSval older than TS.Recent is acknowledged and dropped', () => {
    const f = established({ peerSynOptions: fullSynOptions({ tsVal: 100 }), options: { delayedAck: false } });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10), options: tsOption(5000, 0) });
    f.lab.expectSent({ ack: seqAdd(f.seq, 10) });
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 10), ack: f.ack, payload: bytes(10), options: tsOption(4999, 0) });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 10), options: tsOption(expect.any(Number) as number, 5000) });
    expect(f.conn.tcb.rcvNxt).toBe(seqAdd(f.seq, 10));
    expect(f.conn.readable).toBe(10);
    expect(f.lab.marks('segment-dropped').map((m) => m.detail)).toEqual(['PAWS: TSval older than TS.Recent']);
    // A RST is exempt from PAWS (RFC 7323 §5.3 R1).
    f.lab.send({ ...RST, seq: seqAdd(f.seq, 10), options: tsOption(1, 0) });
    expect(f.conn.tcb.state).toBe('CLOSED');
  });
});

describe('SACK (RFC 2018)', () => {
  it('the receiver reports out-of-order data at once, newest block first, and drops blocks as holes fill', () => {
    const f = established({ peerSynOptions: SACK_ONLY });
    const at = (n: number): number => seqAdd(f.seq, n);
    const data = (from: number): void => void f.lab.send({ ...PSH_ACK, seq: at(from), ack: f.ack, payload: bytes(1000, from) });
    data(0);
    f.lab.expectSent({ ack: at(1000), options: [] });
    data(2000);
    f.lab.expectSent({ ack: at(1000), options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[at(2000), at(3000)]] }] });
    data(4000);
    f.lab.expectSent({ ack: at(1000), options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[at(4000), at(5000)], [at(2000), at(3000)]] }] });
    data(1000);
    f.lab.expectSent({ ack: at(3000), options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[at(4000), at(5000)]] }] });
    data(3000);
    f.lab.expectSent({ ack: at(5000), options: [] });
    expect(f.conn.recv()).toEqual(new Uint8Array([...bytes(1000, 0), ...bytes(1000, 1000), ...bytes(1000, 2000), ...bytes(1000, 3000), ...bytes(1000, 4000)]));
  });

  it('at most four blocks, or three beside timestamps', () => {
    for (const [options, max] of [[SACK_ONLY, 4], [fullSynOptions({ tsVal: 1 }), 3]] as const) {
      const f = established({ peerSynOptions: options });
      for (let i = 1; i <= 5; i++) f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, i * 200), ack: f.ack, payload: bytes(100), options: f.conn.tcb.tsOk ? tsOption(2, 0) : [] });
      const last = f.lab.takeSent().at(-1);
      const sack = last?.options.find((o) => o.kind === 'sack');
      expect(sack?.kind === 'sack' ? sack.blocks : []).toEqual(
        [5, 4, 3, 2, 1].slice(0, max).map((i) => [seqAdd(f.seq, i * 200), seqAdd(f.seq, i * 200 + 100)]),
      );
    }
  });

  it('the sender retransmits only the holes the blocks reveal', () => {
    const f = established({ peerSynOptions: SACK_ONLY, options: { nagle: false } });
    const S = segStart(f);
    f.conn.send(bytes(40 * MSS));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([...Array(10).keys()].map(S)); // IW 10; seg 1 and 4 get lost
    const sack = (...blocks: [number, number][]): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: blocks.map(([a, b]) => [S(a), S(b)] as const) }];
    peerAck(f, S(1)); // seg 0
    peerAck(f, S(1), { options: sack([2, 3]) });
    peerAck(f, S(1), { options: sack([2, 4]) });
    peerAck(f, S(1), { options: sack([5, 6], [2, 4]) }); // third duplicate: fast retransmit of seg 1
    peerAck(f, S(1), { options: sack([5, 7], [2, 4]) }); // the next hole: seg 4
    peerAck(f, S(1), { options: sack([5, 8], [2, 4]) });
    peerAck(f, S(1), { options: sack([5, 9], [2, 4]) });
    peerAck(f, S(1), { options: sack([5, 10], [2, 4]) });
    const all = f.lab.captured.filter((s) => s.payload.length > 0);
    expect(resent(all)).toEqual([S(1), S(4)]);
    expect(f.lab.marks().filter((m) => m.what.endsWith('retransmit')).map((m) => m.what)).toEqual(['fast-retransmit', 'sack-retransmit']);
  });
});

/**
 * Two full segments go out; the peer ACKs them with a zero window; only then
 * does the app write the rest, which must wait. (Written in one go, the tail
 * would leave with them: the linux profile's Nagle is Minshall's.) Returns
 * when the window closed.
 */
function sendThenCloseWindow(f: Fixture, data: Uint8Array): number {
  f.conn.send(data.subarray(0, 2 * MSS));
  f.lab.settle();
  expect(f.lab.takeSent().map((s) => s.payload.length)).toEqual([MSS, MSS]);
  const closedAt = f.lab.inject({ ...ACK, seq: f.seq, ack: seqAdd(f.ack, 2 * MSS), window: 0 });
  f.lab.advanceTo(closedAt);
  expect(f.conn.tcb.sndWnd).toBe(0);
  f.conn.send(data.subarray(2 * MSS)); // at the instant the window closed, so the persist timer starts then
  f.lab.settle();
  f.lab.expectNothingSent();
  return closedAt;
}

describe('flow control', () => {
  it('zero window: nothing but persist probes, one byte each, at RTO, 2·RTO, 4·RTO…; the window opening resumes the flow', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    const S = segStart(f);
    const closedAt = sendThenCloseWindow(f, bytes(2 * MSS + 1000));
    const rto = f.conn.tcb.rtt.rtoUs;
    expect(rto).toBe(LINUX_PROFILE.rtoMinUs);
    const probes: Captured[] = [];
    for (let i = 0; i < 4; i++) {
      f.lab.advanceBy(rto * 2 ** i);
      const probe = f.lab.expectSent({ flags: F.ACK, seq: S(2), len: 1 });
      expect(probe.payload).toEqual(bytes(2 * MSS + 1000).subarray(2 * MSS, 2 * MSS + 1));
      probes.push(probe);
      peerAck(f, S(2), { window: 0 }); // still closed
      f.lab.expectNothingSent();
    }
    expect(probes.map((p) => p.time - closedAt)).toEqual([1, 3, 7, 15].map((k) => k * rto));
    expect(f.lab.marks('window-probe')).toHaveLength(4);
    peerAck(f, S(2), { window: 65_535 });
    f.lab.expectSent({ seq: S(2), len: 1000 });
    f.lab.expectNothingSent();
  });

  it('receiver: a full buffer advertises a zero window, a probe is refused with an ACK, reading sends a window update', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { receiveBufferBytes: 4000 } });
    expect((f.lab.captured[0] as Captured).window).toBe(4000);
    for (const [from, len] of [[0, 1460], [1460, 1460], [2920, 1080]] as const) f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, from), ack: f.ack, payload: bytes(len) });
    const acks = f.lab.takeSent();
    expect(acks.at(-1)).toMatchObject({ ack: seqAdd(f.seq, 4000), window: 0 });
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 4000), ack: f.ack, payload: bytes(1) }); // a window probe
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 4000), window: 0 });
    expect(f.conn.readable).toBe(4000);
    f.conn.recv();
    f.lab.settle();
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 4000), window: 4000 });
    f.lab.expectNothingSent();
  });

  it('a probe the peer accepts (its window update was lost) is acknowledged and the flow resumes after it', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    const S = segStart(f);
    sendThenCloseWindow(f, bytes(2 * MSS + 1000));
    f.lab.advanceBy(f.conn.tcb.rtt.rtoUs);
    f.lab.expectSent({ seq: S(2), len: 1 });
    peerAck(f, seqAdd(S(2), 1), { window: 65_535 });
    f.lab.expectSent({ seq: seqAdd(S(2), 1), len: 999 });
    expect(f.conn.tcb.sndUna).toBe(seqAdd(S(2), 1));
  });

  it('probes keep going while the peer answers nothing (no give-up on a zero window)', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    const S = segStart(f);
    sendThenCloseWindow(f, bytes(2 * MSS + 10));
    f.lab.advanceBy(3_600_000_000);
    const probes = f.lab.takeSent();
    expect(probes.length).toBeGreaterThan(30);
    expect(probes.every((p) => p.seq === S(2) && p.payload.length === 1)).toBe(true);
    expect(f.conn.tcb.state).toBe('ESTABLISHED');
  });
});

describe('Nagle (RFC 9293 §3.7.4)', () => {
  it('on: one small segment in flight; the rest waits for its ACK and goes as one segment', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    f.conn.send(bytes(100, 1));
    f.lab.settle();
    f.lab.expectSent({ seq: f.ack, payload: bytes(100, 1) });
    f.conn.send(bytes(100, 2));
    f.conn.send(bytes(100, 3));
    f.lab.settle();
    f.lab.expectNothingSent();
    peerAck(f, seqAdd(f.ack, 100));
    f.lab.expectSent({ seq: seqAdd(f.ack, 100), payload: new Uint8Array([...bytes(100, 2), ...bytes(100, 3)]) });
    f.lab.expectNothingSent();
  });

  it('linux (Minshall, tcp_nagle_check): the tail of a write leaves with its full segments; the next small write waits for the tail\'s ACK only', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    const S = segStart(f);
    f.conn.send(bytes(2 * MSS + 1000, 1));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => [s.seq, s.payload.length])).toEqual([[S(0), MSS], [S(1), MSS], [S(2), 1000]]);
    f.conn.send(bytes(100, 2));
    f.lab.settle();
    f.lab.expectNothingSent(); // the 1000-byte tail is small and unacknowledged
    peerAck(f, S(2)); // the full segments only: the tail is still out
    f.lab.expectNothingSent();
    peerAck(f, seqAdd(S(2), 1000));
    f.lab.expectSent({ seq: seqAdd(S(2), 1000), payload: bytes(100, 2) });
  });

  it('rfc (RFC 896): the tail of a write waits until everything sent is acknowledged', () => {
    const f = established({ profile: 'rfc', peerSynOptions: MSS_ONLY });
    const S = segStart(f);
    f.conn.send(bytes(2 * MSS + 1000, 1));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => [s.seq, s.payload.length])).toEqual([[S(0), MSS], [S(1), MSS]]);
    peerAck(f, S(1));
    f.lab.expectNothingSent();
    peerAck(f, S(2));
    f.lab.expectSent({ seq: S(2), len: 1000 });
  });

  it('off: every write goes at once', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { nagle: false } });
    for (const salt of [1, 2, 3]) f.conn.send(bytes(100, salt));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => [s.seq, s.payload.length])).toEqual([0, 100, 200].map((n) => [seqAdd(f.ack, n), 100]));
  });
});

describe('delayed ACK (RFC 9293 §3.8.6.3)', () => {
  it('linux: 16 quick ACKs after the handshake, then a lone segment is acknowledged 40 ms after it arrived', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    for (let i = 0; i < 16; i++) {
      f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, i * 10), ack: f.ack, payload: bytes(10) });
      f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, (i + 1) * 10) });
    }
    const arrived = f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 160), ack: f.ack, payload: bytes(10) });
    f.lab.expectNothingSent();
    f.lab.advanceBy(50_000);
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 170), time: arrived + 40_000 });
  });

  it('linux: an answer sent within 40 ms of data arriving ends quick ACKs (pingpong); a delayed ACK that has to go alone brings them back', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 10) }); // quick ACK
    f.lab.advanceBy(39_000);
    f.conn.send(bytes(10));
    f.lab.settle();
    f.lab.expectSent({ seq: f.ack, len: 10 }); // the answer: the connection is interactive now
    expect(f.conn.tcb.quickAcks).toBeGreaterThan(0);
    const arrived = f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 10), ack: seqAdd(f.ack, 10), payload: bytes(10) });
    f.lab.expectNothingSent(); // quick ACKs are left, but not used
    f.lab.advanceBy(50_000);
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 20), time: arrived + 40_000 });
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 20), ack: seqAdd(f.ack, 10), payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 30) }); // quick again
  });

  it('linux: an answer 40 ms or more after the data keeps quick ACKs', () => {
    const f = established({ peerSynOptions: MSS_ONLY });
    f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10) });
    f.lab.takeSent();
    f.lab.advanceBy(40_000);
    f.conn.send(bytes(10));
    f.lab.settle();
    f.lab.takeSent();
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 10), ack: seqAdd(f.ack, 10), payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 20) });
  });

  it('rfc: a lone segment is acknowledged 200 ms after it arrived', () => {
    const f = established({ profile: 'rfc', peerSynOptions: MSS_ONLY });
    const arrived = f.lab.send({ ...PSH_ACK, seq: f.seq, ack: f.ack, payload: bytes(10) });
    f.lab.expectNothingSent();
    f.lab.advanceBy(250_000);
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, 10), time: arrived + 200_000 });
  });

  it.each([
    ['rfc, no timestamps', 'rfc', MSS_ONLY, 1460],
    ['rfc, timestamps', 'rfc', fullSynOptions({ tsVal: 1 }), 1448],
    ['linux, timestamps', 'linux', fullSynOptions({ tsVal: 1 }), 1448],
  ] as const)('%s: every second full-sized segment is acknowledged at once', (_name, profile, peerSynOptions, full) => {
    const f = established({ profile, peerSynOptions });
    const ts = (): TcpOption[] => (f.conn.tcb.tsOk ? tsOption(2, 0) : []);
    for (let i = 0; i < 16 && profile === 'linux'; i++) f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, i), ack: f.ack, payload: bytes(1), options: ts() }); // use up quick ACKs
    f.lab.takeSent();
    const base = seqAdd(f.seq, profile === 'linux' ? 16 : 0);
    f.lab.send({ ...PSH_ACK, seq: base, ack: f.ack, payload: bytes(full), options: ts() });
    f.lab.expectNothingSent();
    f.lab.send({ ...PSH_ACK, seq: seqAdd(base, full), ack: f.ack, payload: bytes(full), options: ts() });
    f.lab.expectSent({ flags: F.ACK, ack: seqAdd(base, 2 * full) });
  });

  it('out-of-order data is acknowledged at once (a duplicate ACK), whatever the delay', () => {
    const f = established({ profile: 'rfc', peerSynOptions: MSS_ONLY });
    f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, 500), ack: f.ack, payload: bytes(10) });
    f.lab.expectSent({ flags: F.ACK, ack: f.seq });
  });

  it('off: every segment is acknowledged at once', () => {
    const f = established({ profile: 'rfc', peerSynOptions: MSS_ONLY, options: { delayedAck: false } });
    for (let i = 0; i < 3; i++) {
      f.lab.send({ ...PSH_ACK, seq: seqAdd(f.seq, i * 10), ack: f.ack, payload: bytes(10) });
      f.lab.expectSent({ flags: F.ACK, ack: seqAdd(f.seq, (i + 1) * 10) });
    }
  });
});

describe('retransmission timer (RFC 6298)', () => {
  it('SYN: initial RTO 1 s, doubled on each expiry', () => {
    const f = synSent();
    f.lab.advanceBy(100_000_000);
    expect(f.lab.takeSent().map((s) => s.time)).toEqual([1, 3, 7, 15, 31, 63].map((s) => s * 1_000_000));
  });

  /** A passive handshake on a 50 ms wire whose RTT sample R is known exactly. */
  function measuredHandshake(profile: 'linux' | 'rfc', timestamps = false): { f: Fixture; rttUs: number } {
    const lab = new TcpLab({ profile, delayUs: 50_000 });
    lab.listen();
    lab.send({ ...SYN, seq: PEER_ISS, options: timestamps ? fullSynOptions({ tsVal: 1 }) : MSS_ONLY });
    const synAck = lab.expectSent({ flags: F.SYN | F.ACK });
    const conn = lab.connection();
    if (!conn) throw new Error('no connection');
    const ackArrived = lab.send({ ...ACK, seq: seqAdd(PEER_ISS, 1), ack: seqAdd(synAck.seq, 1), options: timestamps ? tsOption(2, lastTsVal(lab)) : [] });
    const f: Fixture = { lab, conn, state: 'ESTABLISHED', iss: synAck.seq, seq: seqAdd(PEER_ISS, 1), ack: seqAdd(synAck.seq, 1), path: [] };
    return { f, rttUs: ackArrived - synAck.time };
  }

  it('first sample R: SRTT = R, RTTVAR = R/2, RTO = R + 4·RTTVAR; then back-off doubles it', () => {
    const { f, rttUs } = measuredHandshake('linux');
    expect(rttUs).toBe(100_102);
    expect(f.conn.tcb.rtt.srttUs).toBe(rttUs);
    expect(f.conn.tcb.rtt.rttvarUs).toBe(rttUs / 2);
    const rto = 3 * rttUs;
    f.conn.send(bytes(100));
    f.lab.advanceBy(rto + 2 * rto + 4 * rto + 8 * rto + 200_000);
    const sent = f.lab.takeSent();
    expect(sent.map((s) => s.seq)).toEqual(Array<number>(5).fill(f.ack));
    const first = (sent[0] as Captured).time;
    expect(sent.map((s) => s.time - first)).toEqual([0, 1, 3, 7, 15].map((k) => k * rto));
  });

  it('rfc profile: an RTO below 1 s is rounded up to 1 s (RFC 6298 (2.4))', () => {
    const { f } = measuredHandshake('rfc');
    expect(f.conn.tcb.rtt.rtoUs).toBe(1_000_000);
    f.conn.send(bytes(100));
    f.lab.advanceBy(3_500_000);
    const sent = f.lab.takeSent();
    expect(sent.map((s) => s.time - (sent[0] as Captured).time)).toEqual([0, 1_000_000, 3_000_000]);
  });

  it('after a retransmitted SYN, the RTO is 3 s once data flows (RFC 6298 (5.7))', () => {
    const f = synSent();
    f.lab.advanceBy(1_000_000);
    f.lab.expectSent({ flags: F.SYN });
    f.lab.send({ ...SYN_ACK, seq: PEER_ISS, ack: f.ack, options: MSS_ONLY });
    f.lab.expectSent({ flags: F.ACK });
    f.conn.send(bytes(10));
    f.lab.settle();
    const data = f.lab.expectSent({ len: 10 });
    f.lab.advanceBy(3_100_000);
    f.lab.expectSent({ len: 10, time: data.time + 3_000_000 });
  });

  it('Karn: an ACK for a retransmitted segment gives no RTT sample and the backed-off RTO stays until one does', () => {
    const { f, rttUs } = measuredHandshake('linux');
    const rto = 3 * rttUs;
    const S = (n: number): number => seqAdd(f.ack, n);
    f.conn.send(bytes(100));
    f.lab.settle();
    const first = f.lab.expectSent({ seq: S(0) }); // lost
    f.lab.advanceTo(first.time + rto + 50_001);
    f.lab.expectSent({ seq: S(0), time: first.time + rto });
    f.lab.send({ ...ACK, seq: f.seq, ack: S(100) }); // answers the retransmission at once
    // A sample from the first sending would be 400 ms; none may be taken at all.
    expect(f.conn.tcb.rtt.srttUs).toBe(rttUs);
    f.conn.send(bytes(100));
    f.lab.settle();
    const next = f.lab.expectSent({ seq: S(100) }); // lost too: its timer runs with the backed-off RTO
    f.lab.advanceBy(2 * rto);
    f.lab.expectSent({ seq: S(100), time: next.time + 2 * rto });
    // A segment sent once and acknowledged gives a sample; the back-off ends.
    f.lab.advanceBy(50_001);
    f.lab.send({ ...ACK, seq: f.seq, ack: S(200) });
    f.conn.send(bytes(100));
    f.lab.advanceBy(50_001);
    f.lab.expectSent({ seq: S(200) });
    f.lab.send({ ...ACK, seq: f.seq, ack: S(300) });
    expect(f.conn.tcb.rtt.srttUs).not.toBe(rttUs);
    expect(f.conn.tcb.rtt.backoff).toBe(0);
  });
});

describe('congestion control (RFC 5681, RFC 6582, RFC 6928)', () => {
  it.each([
    ['MSS 1460', MSS_ONLY, 1460],
    ['no MSS option (536)', [], 536],
  ] as const)('initial window: 10 segments (%s), the 11th waits for an ACK', (_name, peerSynOptions, mss) => {
    const f = established({ peerSynOptions, options: { nagle: false } });
    expect(f.conn.tcb.cc.cwnd).toBe(10 * mss);
    f.conn.send(bytes(30 * mss));
    f.lab.settle();
    expect(f.lab.takeSent().map((s) => s.payload.length)).toEqual(Array<number>(10).fill(mss));
    f.lab.advanceBy(100_000);
    f.lab.expectNothingSent();
  });

  it('slow start: cwnd grows by min(acked, SMSS) per ACK, so each ACK of one segment releases two', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { nagle: false } });
    const S = segStart(f);
    f.conn.send(bytes(100 * MSS));
    f.lab.settle();
    f.lab.takeSent();
    peerAck(f, S(2)); // one ACK for two segments: +1 SMSS only
    expect(f.conn.tcb.cc.cwnd).toBe(11 * MSS);
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([10, 11, 12].map(S));
    peerAck(f, S(3));
    expect(f.conn.tcb.cc.cwnd).toBe(12 * MSS);
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([13, 14].map(S));
  });

  it('after an RTO: ssthresh = FlightSize/2, cwnd = 1 SMSS, slow start up to ssthresh, then +1 SMSS per cwnd acknowledged', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { nagle: false } });
    const S = segStart(f);
    f.conn.send(bytes(100 * MSS));
    f.lab.settle();
    expect(f.lab.takeSent()).toHaveLength(10); // all lost
    f.lab.advanceBy(f.conn.tcb.rtt.rtoUs);
    f.lab.expectSent({ seq: S(0) });
    expect(f.conn.tcb.cc.ssthresh).toBe(5 * MSS);
    expect(f.conn.tcb.cc.cwnd).toBe(MSS);
    const cwnds: number[] = [];
    for (let i = 1; i <= 9; i++) {
      peerAck(f, S(i));
      cwnds.push(f.conn.tcb.cc.cwnd / MSS);
    }
    expect(cwnds).toEqual([2, 3, 4, 5, 5, 5, 5, 5, 6]);
  });

  it('fast retransmit on the third duplicate ACK, not before; NewReno retransmits at once on a partial ACK; a full ACK ends recovery', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { nagle: false } });
    const S = segStart(f);
    f.conn.send(bytes(100 * MSS));
    f.lab.settle();
    f.lab.takeSent(); // seg 0..9; seg 2 and seg 5 get lost
    peerAck(f, S(1));
    peerAck(f, S(2));
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([10, 11, 12, 13].map(S)); // slow start: cwnd 12
    peerAck(f, S(2)); // seg 3
    peerAck(f, S(2)); // seg 4
    f.lab.expectNothingSent();
    peerAck(f, S(2)); // seg 6: third duplicate
    f.lab.expectSent({ seq: S(2), len: MSS });
    f.lab.expectNothingSent();
    const c = f.conn.tcb.cc;
    expect({ inRecovery: c.inRecovery, ssthresh: c.ssthresh / MSS, cwnd: c.cwnd / MSS }).toEqual({ inRecovery: true, ssthresh: 6, cwnd: 9 });
    for (let i = 0; i < 7; i++) peerAck(f, S(2)); // seg 7..13: each inflates cwnd by one SMSS
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([14, 15, 16, 17].map(S)); // cwnd 16 > flight 12
    peerAck(f, S(5)); // the retransmitted seg 2 filled the first hole only: partial ACK
    f.lab.expectSent({ seq: S(5), len: MSS });
    expect(c.inRecovery).toBe(true);
    peerAck(f, S(18)); // everything up to `recover` and beyond
    expect(c.inRecovery).toBe(false);
    expect(c.cwnd).toBe(Math.min(c.ssthresh, MSS + MSS)); // RFC 6582 §3.2 step 3 (1): min(ssthresh, max(FlightSize, SMSS) + SMSS)
    expect(resent(f.lab.captured)).toEqual([S(2), S(5)]);
  });

  it('a loss right at `recover` after a recovery is again repaired by fast retransmit (RFC 6582 §3.2 step 2)', () => {
    const f = established({ peerSynOptions: MSS_ONLY, options: { nagle: false } });
    const S = segStart(f);
    f.conn.send(bytes(100 * MSS));
    f.lab.settle();
    f.lab.takeSent(); // seg 0..9; seg 0 is lost
    for (let i = 0; i < 9; i++) peerAck(f, S(0)); // seg 1..9 arrive: nine duplicates
    expect(resent(f.lab.captured)).toEqual([S(0)]);
    expect(f.lab.takeSent().map((s) => s.seq)).toEqual([0, 10, 11, 12, 13].map(S)); // the retransmission, then new data as cwnd inflates
    peerAck(f, S(10)); // full ACK: exactly `recover`
    expect(f.conn.tcb.cc.inRecovery).toBe(false);
    f.lab.takeSent();
    // seg 10 (the first byte past the old `recover`) is lost; 11, 12, 13 arrive.
    for (let i = 0; i < 3; i++) peerAck(f, S(10));
    f.lab.expectSent({ seq: S(10), len: MSS });
    expect(f.conn.tcb.cc.inRecovery).toBe(true);
  });
});
