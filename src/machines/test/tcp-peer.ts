/**
 * A smoltcp-style fixture harness for the TCP engine: one host with the TCP
 * layer under test (the XState control machine, a selectable profile) wired
 * straight to a scripted "peer" host that has no TCP at all. The peer captures
 * every segment the stack sends through an IP protocol handler and injects
 * hand-built segments (encodeTcp + host.send), so each test says exactly which
 * bytes arrive and asserts exactly which bytes leave.
 *
 * Segments are written as templates overridden with spread
 * (`peer.send({ ...ACK, seq, ack, payload })`); `expectSent(...)` consumes the
 * next captured segment, `expectNothingSent()` checks nothing is pending. The
 * per-state fixtures (`listening()` … `timeWait()`) reach their state through
 * real segments and user calls only, and report the peer's sequence numbers.
 */
import { expect } from 'vitest';
import { Simulation } from '../../sim/core/simulation';
import { Network } from '../../sim/net/network';
import type { Host } from '../../sim/net/host';
import type { Connection } from '../../sim/tcp/connection';
import { tcpProfile, type TcpProfile } from '../../sim/tcp/profile';
import type { TcpSocketOptions } from '../../sim/tcp/tcb';
import { connectionKey, TcpLayer, type Listener } from '../../sim/tcp/tcp-layer';
import { ipv4AddressOrThrow as ip } from '../../sim/wire/ipv4-address';
import { decodeTcp, encodeTcp, tcpFlagsToString } from '../../sim/wire/tcp';
import { IpProtocol, TcpFlag, type TcpHeader, type TcpOption } from '../../sim/wire/types';
import { xstateTcpControl } from '../tcp-control';

/** Addresses and ports of the two ends. */
export const STACK_ADDRESS = ip('10.9.0.1');
export const PEER_ADDRESS = ip('10.9.0.2');
export const STACK_PORT = 80;
export const PEER_PORT = 49_152;
/** The peer's ISS: close below 2^32 so the peer's sequence numbers wrap after a few hundred bytes. */
export const PEER_ISS = 0xffff_ff00;

const EMPTY = new Uint8Array(0);

/** A segment the peer sends: every field explicit, ports defaulted. */
export interface PeerSegment {
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
  readonly srcPort?: number;
  readonly dstPort?: number;
}

/** Segment templates, to be overridden with spread. */
export const SEGMENT: PeerSegment = { flags: 0, seq: 0, ack: 0, window: 65_535, options: [], payload: EMPTY };
export const SYN: PeerSegment = { ...SEGMENT, flags: TcpFlag.SYN, options: [{ kind: 'mss', mss: 1460 }] };
export const SYN_ACK: PeerSegment = { ...SYN, flags: TcpFlag.SYN | TcpFlag.ACK };
export const ACK: PeerSegment = { ...SEGMENT, flags: TcpFlag.ACK };
export const PSH_ACK: PeerSegment = { ...SEGMENT, flags: TcpFlag.PSH | TcpFlag.ACK };
export const FIN_ACK: PeerSegment = { ...SEGMENT, flags: TcpFlag.FIN | TcpFlag.ACK };
export const RST: PeerSegment = { ...SEGMENT, flags: TcpFlag.RST, window: 0 };
export const RST_ACK: PeerSegment = { ...SEGMENT, flags: TcpFlag.RST | TcpFlag.ACK, window: 0 };

/** Every option a SYN can carry (Linux order), for tests of negotiated features. */
export function fullSynOptions(o: { mss?: number; wscale?: number; tsVal?: number; tsEcr?: number } = {}): TcpOption[] {
  return [
    { kind: 'mss', mss: o.mss ?? 1460 },
    { kind: 'sack-permitted' },
    { kind: 'timestamps', tsVal: o.tsVal ?? 1000, tsEcr: o.tsEcr ?? 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: o.wscale ?? 7 },
  ];
}

/** The timestamp option as a non-SYN segment carries it. */
export function tsOption(tsVal: number, tsEcr: number): TcpOption[] {
  return [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal, tsEcr }];
}

/** One segment the stack sent, as the peer received it. */
export interface Captured {
  /** When the stack put it on the wire (µs). */
  readonly time: number;
  readonly header: TcpHeader;
  readonly flags: string;
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
}

/** What expectSent() checks; every field optional. `flags` as a bit mask, `len` the payload length. */
export interface Expected {
  readonly flags?: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly window?: number;
  readonly options?: readonly TcpOption[];
  readonly payload?: Uint8Array;
  readonly len?: number;
  readonly time?: number;
}

/** How a lab is built. */
export interface LabOptions {
  readonly profile?: 'linux' | 'rfc' | TcpProfile;
  readonly seed?: number;
  /** Propagation delay of the wire, each way; a hop also takes 1 µs of serialisation. */
  readonly delayUs?: number;
}

/** Socket events a test connection reported, in order ("established", "closed:reset", …). */
export type SocketEvent = string;

const labs: TcpLab[] = [];

/** Every lab built in this test file so far (for coverage checks over a whole suite). */
export function allLabs(): readonly TcpLab[] {
  return labs;
}

/** The stack under test, the scripted peer and the wire between them. */
export class TcpLab {
  readonly sim: Simulation;
  readonly stack: Host;
  readonly peer: Host;
  readonly tcp: TcpLayer;
  readonly profile: TcpProfile;
  readonly hopUs: number;
  /** Every segment the peer received, in order. */
  readonly captured: Captured[] = [];
  private cursor = 0;
  private readonly events = new Map<Connection, SocketEvent[]>();

  constructor(opts: LabOptions = {}) {
    this.sim = new Simulation({ seed: opts.seed ?? 1 });
    const network = new Network(this.sim);
    this.stack = network.addHost('stack');
    this.peer = network.addHost('peer');
    const delayUs = opts.delayUs ?? 0;
    // 10 Tb/s: serialising any datagram takes exactly 1 µs, so a hop is delayUs + 1.
    const wire = { delayUs, bandwidthBps: 1e13, queueLimitPackets: 100_000, faults: { lossPerMille: 0, duplicatePerMille: 0, reorderPerMille: 0, reorderDelayUs: 0, extraDelayUs: 0, jitterUs: 0 } };
    network.connect('wire', { host: this.stack, iface: 'eth0', address: STACK_ADDRESS, prefixLength: 24 }, { host: this.peer, iface: 'eth0', address: PEER_ADDRESS, prefixLength: 24 }, wire);
    this.hopUs = delayUs + 1;
    this.profile = typeof opts.profile === 'object' ? opts.profile : tcpProfile(opts.profile ?? 'linux');
    this.tcp = new TcpLayer(this.stack, { profile: this.profile, control: xstateTcpControl });
    this.peer.registerProtocol(IpProtocol.TCP, (d) => this.capture(d.packetId, d.header.src, d.header.dst, d.payload));
    labs.push(this);
  }

  // ---- the peer -----------------------------------------------------------------

  /** Inject a segment from the peer, then let the stack react (its immediate answers reach the peer). Returns when it reached the stack. */
  send(seg: PeerSegment): number {
    const arrivesAt = this.inject(seg);
    this.settle();
    return arrivesAt;
  }

  /** Inject a segment without running the clock (several can then arrive back to back). Returns when it reaches the stack. */
  inject(seg: PeerSegment): number {
    const bytes = encodeTcp(
      { srcPort: seg.srcPort ?? PEER_PORT, dstPort: seg.dstPort ?? STACK_PORT, seq: seg.seq >>> 0, ack: seg.ack >>> 0, flags: seg.flags, window: seg.window, options: seg.options },
      seg.payload,
      PEER_ADDRESS,
      STACK_ADDRESS,
    );
    const id = this.peer.send({ dst: STACK_ADDRESS, src: PEER_ADDRESS, protocol: IpProtocol.TCP, payload: bytes });
    const events = this.sim.trace.events;
    for (let i = events.length - 1; i >= 0 && i >= events.length - 8; i--) {
      const e = events[i];
      if (e?.kind === 'packet-send' && e.packetId === id && e.arrivesAt !== null) return e.arrivesAt;
    }
    throw new Error('the peer could not send');
  }

  /** Run long enough for injected segments to arrive and the stack's immediate answers to come back. */
  settle(): void {
    this.advanceBy(2 * this.hopUs + 100);
  }

  private capture(packetId: number, src: number, dst: number, payload: Uint8Array): void {
    const decoded = decodeTcp(payload, src, dst);
    if (!decoded.ok || !decoded.value.checksumOk) throw new Error(`the stack sent a bad TCP segment: ${decoded.ok ? 'checksum' : decoded.error}`);
    const { header } = decoded.value;
    this.captured.push({
      time: this.sentAt(packetId),
      header,
      flags: tcpFlagsToString(header.flags),
      seq: header.seq,
      ack: header.ack,
      window: header.window,
      options: header.options,
      payload: decoded.value.payload.slice(),
    });
  }

  /** When the stack handed packet `packetId` to the wire: the delivery entry the host just recorded says. */
  private sentAt(packetId: number): number {
    const events = this.sim.trace.events;
    for (let i = events.length - 1; i >= 0 && i >= events.length - 8; i--) {
      const e = events[i];
      if (e?.kind === 'packet-deliver' && e.packetId === packetId) return e.sentAt;
    }
    throw new Error(`no delivery record for packet ${packetId}`);
  }

  // ---- the clock ------------------------------------------------------------------

  /** Run the simulation for exactly `us` microseconds. */
  advanceBy(us: number): void {
    this.advanceTo(this.sim.now + us);
  }

  /** Run the simulation up to time `t` (µs); the clock ends exactly at `t`. */
  advanceTo(t: number): void {
    this.sim.scheduler.at(t, () => undefined);
    this.sim.scheduler.runUntil(t, { maxEvents: 5_000_000 });
  }

  // ---- what the stack sent ----------------------------------------------------------

  /** Captured segments not yet consumed by expectSent()/takeSent(). */
  pending(): readonly Captured[] {
    return this.captured.slice(this.cursor);
  }

  /** Consume and return every pending segment. */
  takeSent(): Captured[] {
    const out = this.captured.slice(this.cursor);
    this.cursor = this.captured.length;
    return out;
  }

  /** Consume the next segment the stack sent and check the given fields. */
  expectSent(want: Expected = {}): Captured {
    const got = this.captured[this.cursor];
    expect(got, `expected a segment ${describeExpected(want)}, but the stack sent nothing more`).toBeDefined();
    const seg = got as Captured;
    this.cursor++;
    expect(pick(seg, want), `segment #${this.cursor - 1} sent at ${seg.time} µs`).toEqual(normalise(want));
    return seg;
  }

  /** Check that the stack sent nothing since the last expectSent(). */
  expectNothingSent(): void {
    expect(this.pending().map(summary)).toEqual([]);
  }

  // ---- the stack ----------------------------------------------------------------------

  /** Passive open on STACK_PORT; accepted connections record their socket events. */
  listen(options: Partial<TcpSocketOptions> = {}): Listener {
    return this.tcp.listen(STACK_PORT, (c) => this.watch(c), options);
  }

  /** Active open from STACK_PORT to the peer. */
  connect(options: Partial<TcpSocketOptions> = {}): Connection {
    const events: SocketEvent[] = [];
    const conn = this.tcp.connect({ dst: PEER_ADDRESS, dstPort: PEER_PORT, srcPort: STACK_PORT, options, handlers: recorder(events) });
    this.events.set(conn, events);
    return conn;
  }

  /** The connection for the peer's 4-tuple, if the stack has one. */
  connection(): Connection | undefined {
    return this.tcp.connections.get(connectionKey({ localAddress: STACK_ADDRESS, localPort: STACK_PORT, remoteAddress: PEER_ADDRESS, remotePort: PEER_PORT }));
  }

  /** Start recording a connection's socket events (accepted connections are watched already). */
  watch(conn: Connection): void {
    if (this.events.has(conn)) return;
    const events: SocketEvent[] = [];
    conn.handlers = recorder(events);
    this.events.set(conn, events);
  }

  /** Socket events a watched connection reported. */
  socketEvents(conn: Connection): readonly SocketEvent[] {
    return this.events.get(conn) ?? [];
  }

  /** A connection's state changes from the trace, as "FROM→TO". */
  path(conn: Connection): string[] {
    return this.transitions(conn).map((t) => `${t.from}→${t.to}`);
  }

  /** A connection's state changes with their causes. */
  transitions(conn: Connection): { from: string; to: string; cause: string }[] {
    const machine = `tcp ${conn.name}`;
    return this.sim.trace.events.flatMap((e) => (e.kind === 'state-change' && e.machine === machine ? [{ from: e.from, to: e.to, cause: e.cause ?? '' }] : []));
  }

  /** When a connection entered `state` (first time), from the trace. */
  enteredAt(conn: Connection, state: string): number | undefined {
    const machine = `tcp ${conn.name}`;
    return this.sim.trace.events.find((e) => e.kind === 'state-change' && e.machine === machine && e.to === state)?.time;
  }

  /** Every (from, cause, to) the stack's connections went through. */
  allTransitions(): { from: string; to: string; cause: string }[] {
    return this.sim.trace.events.flatMap((e) => (e.kind === 'state-change' && e.node === 'stack' && e.machine.startsWith('tcp ') ? [{ from: e.from, to: e.to, cause: e.cause ?? '' }] : []));
  }

  /** TCP trace marks ("challenge-ack", "segment-dropped", …) of the stack, with details. */
  marks(what?: string): { what: string; detail: string }[] {
    return this.sim.trace.events.flatMap((e) => (e.kind === 'tcp' && e.node === 'stack' && (what === undefined || e.what === what) ? [{ what: e.what, detail: e.detail ?? '' }] : []));
  }
}

function recorder(events: SocketEvent[]): Connection['handlers'] {
  return {
    onEstablished: () => events.push('established'),
    onPeerClosed: () => events.push('peer-closed'),
    onClosed: (reason) => events.push(`closed:${reason}`),
  };
}

function pick(seg: Captured, want: Expected): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (want.flags !== undefined) out.flags = seg.flags;
  if (want.seq !== undefined) out.seq = seg.seq;
  if (want.ack !== undefined) out.ack = seg.ack;
  if (want.window !== undefined) out.window = seg.window;
  if (want.options !== undefined) out.options = seg.options;
  if (want.payload !== undefined) out.payload = seg.payload;
  if (want.len !== undefined) out.len = seg.payload.length;
  if (want.time !== undefined) out.time = seg.time;
  return out;
}

function normalise(want: Expected): Record<string, unknown> {
  const out: Record<string, unknown> = { ...want };
  if (want.flags !== undefined) out.flags = tcpFlagsToString(want.flags);
  if (want.seq !== undefined) out.seq = want.seq >>> 0;
  if (want.ack !== undefined) out.ack = want.ack >>> 0;
  return out;
}

function describeExpected(want: Expected): string {
  const { payload: _payload, options: _options, ...rest } = want;
  return JSON.stringify(normalise(rest));
}

/** One line per captured segment, for readable failures. */
export function summary(s: Captured): string {
  return `[${s.flags}] seq=${s.seq} ack=${s.ack} win=${s.window} len=${s.payload.length} @${s.time}`;
}
