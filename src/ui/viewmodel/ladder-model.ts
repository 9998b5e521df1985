/**
 * The ladder (sequence) diagram as data: one lane per actor (clients, router,
 * stacks with their applications beside them), one row per trace step, and an
 * arrow for every packet from its `packet-send` row to its `packet-deliver` (or
 * `packet-drop`) row. TCP segments are labelled like Wireshark's flow graph and
 * tshark's Info column (relative sequence numbers per connection direction,
 * "[TCP Retransmission]", "[TCP Dup ACK 12#1]", "[TCP ZeroWindow]"); sysplex
 * control datagrams by their control message type.
 *
 * Pure: a function of (run, step, selection). The per-run work — decoding every
 * packet, the TCP analysis, the lanes — is done once per LabRun and cached by
 * object identity, so stepping only filters and positions.
 */
import type { DropReason, TraceEntry } from '../../sim/core/trace';
import { decodeControl, connName, type ControlMessage } from '../../sim/sysplex/control-messages';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { decodeTcp, tcpFlagsToString } from '../../sim/wire/tcp';
import { IpProtocol, TcpFlag, type TcpOption } from '../../sim/wire/types';
import { decodeUdp } from '../../sim/wire/udp';
import type { LabRun, NodeRole, TopologyLink, TopologyNode } from './lab-run';

// ---------------------------------------------------------------------------
// Packets: decoded once per run
// ---------------------------------------------------------------------------

/** How a message is drawn: TCP segment, sysplex control datagram (app↔stack), XCF signalling, other UDP. */
export type MessageKind = 'tcp' | 'control' | 'xcf' | 'udp' | 'other';

/** tshark's expert notes on a TCP segment, as the ladder marks them. */
export type TcpAnalysis =
  | 'retransmission'
  | 'fast-retransmission'
  | 'sack-retransmission'
  | 'window-update'
  | 'window-full'
  | 'dup-ack'
  | 'window-probe'
  | 'window-probe-ack'
  | 'zero-window'
  | 'link-duplicate';

/** What the views need to know about one packet. */
export interface PacketInfo {
  readonly packetId: number;
  readonly kind: MessageKind;
  /** Flow-graph label, e.g. "[SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0" or "TRANSFER (XCF_DATA seq=1)". */
  readonly label: string;
  readonly analysis: readonly TcpAnalysis[];
  /** The connection as the trace names it ("client:port>dvipa:port"), when the packet concerns one. */
  readonly conn: string | null;
  /** The control message type (inner type for XCF_DATA), when it is one. */
  readonly controlType: string | null;
  /** XCF signalling: which message this is and its sequence number (an XCF_ACK names the XCF_DATA it acknowledges). */
  readonly xcf: { readonly message: 'XCF_DATA' | 'XCF_ACK'; readonly seq: number } | null;
  /** Addresses and ports, for the app lanes of loopback datagrams. */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number | null;
  readonly dstPort: number | null;
}

/** A packet's journey over one link: its send, and its delivery or drop (if the trace has one). */
export interface PacketHop {
  /** The packet-send's index, or the packet-duplicate's for a copy the link made. */
  readonly startIndex: number;
  readonly packetId: number;
  readonly fromNode: string;
  readonly fromIface: string;
  readonly startTime: number;
  /** The time the trace says it arrives (arrivesAt), or the drop time for a lost packet; null when never. */
  readonly endTime: number | null;
  /** The packet-deliver's or packet-drop's index; null when the trace has neither. */
  readonly endIndex: number | null;
  /** Receiving node: the deliver/drop node, else the far end of the link. */
  readonly toNode: string | null;
  readonly dropped: boolean;
  readonly dropReason: DropReason | null;
  /** True for a copy made by a duplicating link. */
  readonly copy: boolean;
}

interface DecodedSegment {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly length: number;
  readonly options: readonly TcpOption[];
}

type Decoded =
  | { readonly protocol: 'tcp'; readonly src: string; readonly dst: string; readonly segment: DecodedSegment }
  | { readonly protocol: 'udp'; readonly src: string; readonly dst: string; readonly srcPort: number; readonly dstPort: number; readonly length: number; readonly control: ControlMessage | null }
  | { readonly protocol: 'other'; readonly src: string; readonly dst: string; readonly text: string };

function decodePacket(bytes: Uint8Array | undefined): Decoded {
  if (!bytes) return { protocol: 'other', src: '?', dst: '?', text: 'bytes not recorded' };
  const ip = decodeIpv4(bytes);
  if (!ip.ok) return { protocol: 'other', src: '?', dst: '?', text: `malformed IPv4: ${ip.error}` };
  const { header, payload } = ip.value;
  const src = formatIpv4Address(header.src);
  const dst = formatIpv4Address(header.dst);
  if (header.protocol === IpProtocol.TCP) {
    const tcp = decodeTcp(payload, header.src, header.dst);
    if (!tcp.ok) return { protocol: 'other', src, dst, text: `malformed TCP: ${tcp.error}` };
    const h = tcp.value.header;
    return { protocol: 'tcp', src, dst, segment: { src, dst, srcPort: h.srcPort, dstPort: h.dstPort, seq: h.seq, ack: h.ack, flags: h.flags, window: h.window, length: tcp.value.payload.length, options: h.options } };
  }
  if (header.protocol === IpProtocol.UDP) {
    const udp = decodeUdp(payload, header.src, header.dst);
    if (!udp.ok) return { protocol: 'other', src, dst, text: `malformed UDP: ${udp.error}` };
    const control = decodeControl(udp.value.payload);
    return { protocol: 'udp', src, dst, srcPort: udp.value.header.srcPort, dstPort: udp.value.header.dstPort, length: udp.value.payload.length, control: control.ok ? control.message : null };
  }
  return { protocol: 'other', src, dst, text: `IP protocol ${header.protocol} Len=${payload.length}` };
}

/** The short text of a control message, for arrows and tooltips. */
export function controlLabel(m: ControlMessage): string {
  switch (m.type) {
    case 'REGISTER':
      return `REGISTER ${m.app} (${m.role})`;
    case 'TARGETS':
      return `TARGETS ${m.targets.length === 0 ? '(none)' : m.targets.map((t) => `${t.app}@${t.stack}`).join(', ')}`;
    case 'LISTEN_NOTICE':
      return `LISTEN_NOTICE ${m.app}:${m.port} ${m.listening ? 'listening' : 'stopped'}`;
    case 'TRANSFER_NOTIFY':
      return `TRANSFER_NOTIFY → ${m.targetApp}`;
    case 'TRANSFER':
      return `TRANSFER from ${m.fromStack} → ${m.targetApp}`;
    case 'OFFER':
      return `OFFER from ${m.fromStack}${m.queuedBytes > 0 ? ` (${m.queuedBytes} queued bytes)` : ''}`;
    case 'VERDICT':
      return `VERDICT ${m.accepted ? 'accepted' : `rejected: ${m.reason}`}`;
    case 'ABORT':
      return `ABORT: ${m.reason}`;
    case 'CONN_ENDED':
      return `CONN_ENDED on ${m.stack}: ${m.reason}`;
    case 'CONN_MOVED':
      return `CONN_MOVED ${m.from} → ${m.to}`;
    case 'XCF_DATA': {
      const inner = decodeControl(m.inner);
      return `${inner.ok ? controlLabel(inner.message) : 'undecodable'} (XCF_DATA seq=${m.seq})`;
    }
    case 'XCF_ACK':
      return `XCF_ACK seq=${m.seq}`;
  }
}

/** The connection a control message concerns (looking inside XCF_DATA), or null. */
function controlConn(m: ControlMessage): string | null {
  switch (m.type) {
    case 'TRANSFER_NOTIFY':
    case 'OFFER':
    case 'VERDICT':
    case 'ABORT':
    case 'CONN_ENDED':
    case 'CONN_MOVED':
      return connName(m.conn);
    case 'TRANSFER':
      return connName({ client: m.repair.remoteAddress, clientPort: m.repair.remotePort, dvipa: m.repair.localAddress, port: m.repair.localPort });
    case 'XCF_DATA': {
      const inner = decodeControl(m.inner);
      return inner.ok ? controlConn(inner.message) : null;
    }
    case 'REGISTER':
    case 'TARGETS':
    case 'LISTEN_NOTICE':
    case 'XCF_ACK':
      return null;
  }
}

function innerType(m: ControlMessage): string {
  if (m.type !== 'XCF_DATA') return m.type;
  const inner = decodeControl(m.inner);
  return inner.ok ? inner.message.type : m.type;
}

// ---------------------------------------------------------------------------
// TCP analysis, as tshark does it (relative numbers, retransmissions, dup ACKs)
// ---------------------------------------------------------------------------

const TWO_32 = 0x1_0000_0000;
const rel = (value: number, base: number): number => (value - base + TWO_32) % TWO_32;
const controlFlags = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

interface Direction {
  /** ISN seen in this direction's SYN (or first seq − 1 when the SYN was never seen). */
  base: number;
  /** Window shift from this direction's SYN, applied once both SYNs carried one. */
  shift: number | null;
}

/** What one capture point (a link) has seen of one direction of a connection, as tshark keeps it. */
interface Flow {
  /** Highest relative seq + SEG.LEN seen. */
  nextSeq: number | null;
  /** The last ACK's raw ack number and raw window. */
  lastAck: number | null;
  window: number | null;
  /** Scaled window, for "window full". */
  scaledWindow: number | null;
  /** Step of the ACK the current run of duplicates repeats, and how many followed. */
  dupOrigin: number;
  dups: number;
  /** The last segment was a zero-window probe. */
  lastWasProbe: boolean;
}

const RETRANSMIT_WHAT: Readonly<Record<string, TcpAnalysis>> = {
  retransmit: 'retransmission',
  'fast-retransmit': 'fast-retransmission',
  'sack-retransmit': 'sack-retransmission',
  'window-probe': 'window-probe',
};

/** tshark's words for each analysis flag, in the order tshark prints them. */
const ANALYSIS_TEXT: Readonly<Record<TcpAnalysis, string>> = {
  'link-duplicate': 'Link duplicate',
  retransmission: 'TCP Retransmission',
  'fast-retransmission': 'TCP Fast Retransmission',
  // tshark has no SACK-specific wording: a hole filled from the scoreboard is a retransmission.
  'sack-retransmission': 'TCP Retransmission',
  'window-update': 'TCP Window Update',
  'window-full': 'TCP Window Full',
  'dup-ack': 'TCP Dup ACK',
  'window-probe': 'TCP ZeroWindowProbe',
  'window-probe-ack': 'TCP ZeroWindowProbeAck',
  'zero-window': 'TCP ZeroWindow',
};
const ANALYSIS_ORDER = Object.keys(ANALYSIS_TEXT) as TcpAnalysis[];

/**
 * tshark's sequence analysis, simplified: per capture point (a link) and
 * direction it remembers the next expected seq, the last ACK and window. The
 * sender's own trace marks (retransmit, fast-retransmit, sack-retransmit,
 * window-probe) win over what a capture point could infer.
 */
class TcpAnalyser {
  private readonly directions = new Map<string, Direction>();
  private readonly flows = new Map<string, Flow>();
  /** Segment signature → the mark the sender's trace gave it, so forwarded copies keep it. */
  private readonly marked = new Map<string, TcpAnalysis>();

  /** Labels one segment seen at capture point `point` (a link) as trace step `index`. */
  label(s: DecodedSegment, point: string, index: number, traceMark: TcpAnalysis | undefined): { label: string; analysis: TcpAnalysis[] } {
    const key = `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`;
    const reverseKey = `${s.dst}:${s.dstPort}>${s.src}:${s.srcPort}`;
    const direction = this.direction(key, s);
    const reverse = this.directions.get(reverseKey);
    const relSeq = rel(s.seq, direction.base);
    const isSyn = (s.flags & TcpFlag.SYN) !== 0;
    // RFC 7323 §2.3: the window is scaled once both SYNs carried the option, and never in a SYN.
    const scaled = !isSyn && direction.shift !== null && reverse !== undefined && reverse.shift !== null;
    const window = scaled ? s.window * 2 ** (direction.shift ?? 0) : s.window;

    const forward = this.flow(`${point} ${key}`);
    const back = this.flow(`${point} ${reverseKey}`);
    const analysis = this.analyse(s, { key, relSeq, window, index, traceMark }, forward, back);
    const parts = [`[${tcpFlagsToString(s.flags)}]`, `Seq=${relSeq}`];
    if ((s.flags & TcpFlag.ACK) !== 0) parts.push(`Ack=${reverse ? rel(s.ack, reverse.base) : s.ack}`);
    parts.push(`Win=${window}`, `Len=${s.length}`, ...optionText(s.options, reverse));
    const prefix = analysis.map((a) => (a === 'dup-ack' ? `[${ANALYSIS_TEXT[a]} ${forward.dupOrigin}#${forward.dups}]` : `[${ANALYSIS_TEXT[a]}]`));
    return { label: [...prefix, ...parts].join(' '), analysis };
  }

  private direction(key: string, s: DecodedSegment): Direction {
    const isSyn = (s.flags & TcpFlag.SYN) !== 0;
    const wscale = s.options.find((o): o is Extract<TcpOption, { kind: 'wscale' }> => o.kind === 'wscale');
    let d = this.directions.get(key);
    // A SYN with a new ISN starts a new incarnation of the 4-tuple; a retransmitted SYN keeps it.
    if (!d || (isSyn && d.base !== s.seq)) {
      d = { base: isSyn ? s.seq : (s.seq - 1 + TWO_32) % TWO_32, shift: isSyn && wscale ? wscale.shift : null };
      this.directions.set(key, d);
    }
    return d;
  }

  private flow(key: string): Flow {
    let f = this.flows.get(key);
    if (!f) {
      f = { nextSeq: null, lastAck: null, window: null, scaledWindow: null, dupOrigin: -1, dups: 0, lastWasProbe: false };
      this.flows.set(key, f);
    }
    return f;
  }

  private analyse(s: DecodedSegment, at: { key: string; relSeq: number; window: number; index: number; traceMark: TcpAnalysis | undefined }, forward: Flow, back: Flow): TcpAnalysis[] {
    const out = new Set<TcpAnalysis>();
    const control = (s.flags & controlFlags) !== 0;
    const hasAck = (s.flags & TcpFlag.ACK) !== 0;
    const seqLength = s.length + ((s.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((s.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
    const signature = `${at.key} ${s.seq} ${s.length} ${s.flags}`;
    const inOrder = forward.nextSeq === null || at.relSeq === forward.nextSeq;

    const probe = at.traceMark === 'window-probe' || (s.length === 1 && inOrder && back.window === 0);
    if (probe) out.add('window-probe');
    else if (at.traceMark) {
      out.add(at.traceMark);
      this.marked.set(signature, at.traceMark);
    } else if (seqLength > 0 && forward.nextSeq !== null && at.relSeq + seqLength <= forward.nextSeq) {
      // Seen before at this capture point: a retransmission (or a forwarded copy of one: keep the sender's word for it).
      out.add(this.marked.get(signature) ?? 'retransmission');
    }
    if (s.length > 0 && !probe && back.lastAck !== null && back.scaledWindow !== null && (s.seq + s.length) % TWO_32 === (back.lastAck + back.scaledWindow) % TWO_32) out.add('window-full');

    const sameAck = hasAck && forward.lastAck === s.ack;
    if (s.length === 0 && !control && sameAck && inOrder) {
      if (s.window !== 0 && s.window !== forward.window) out.add('window-update');
      else if (s.window === 0 && forward.window === 0 && back.lastWasProbe) out.add('window-probe-ack');
      else if (s.window === forward.window && !at.traceMark) {
        forward.dups++;
        out.add('dup-ack');
      }
    }
    if (s.window === 0 && !control) out.add('zero-window');

    // Remember what this capture point has now seen of this direction.
    if (hasAck && !out.has('dup-ack')) {
      forward.dupOrigin = at.index;
      forward.dups = 0;
    }
    if (seqLength > 0 && !probe) forward.nextSeq = Math.max(forward.nextSeq ?? 0, at.relSeq + seqLength);
    else if (forward.nextSeq === null) forward.nextSeq = at.relSeq;
    if (hasAck) forward.lastAck = s.ack;
    forward.window = s.window;
    forward.scaledWindow = at.window;
    forward.lastWasProbe = probe;
    return ANALYSIS_ORDER.filter((a) => out.has(a));
  }
}

/** Wireshark's option summary for SYNs (MSS, SACK_PERM, WS) and SACK blocks (relative SLE/SRE). */
function optionText(options: readonly TcpOption[], reverse: Direction | undefined): string[] {
  const out: string[] = [];
  for (const o of options) {
    if (o.kind === 'mss') out.push(`MSS=${o.mss}`);
    else if (o.kind === 'sack-permitted') out.push('SACK_PERM');
    else if (o.kind === 'wscale') out.push(`WS=${2 ** o.shift}`);
    else if (o.kind === 'sack') for (const [left, right] of o.blocks) out.push(`SLE=${reverse ? rel(left, reverse.base) : left} SRE=${reverse ? rel(right, reverse.base) : right}`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Per-run analysis (cached)
// ---------------------------------------------------------------------------

/** A lane of the ladder. */
export interface Lane {
  /** "node:NAME" or "app:STACK/APP". */
  readonly id: string;
  readonly label: string;
  /** The node the lane belongs to (the stack, for an app lane). */
  readonly node: string;
  readonly app: string | null;
  readonly role: NodeRole | 'routing-app' | 'target-app';
}

/** Everything about a run the ladder and topology views derive once. */
export interface RunAnalysis {
  /** The topology, from the run, or derived from the trace when the scenario has none. */
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
  /** Every lane, in ladder order. */
  readonly lanes: readonly Lane[];
  readonly laneIds: ReadonlySet<string>;
  /** Client nodes that appear in the trace, in natural order. */
  readonly clients: readonly string[];
  readonly packets: ReadonlyMap<number, PacketInfo>;
  readonly hops: readonly PacketHop[];
  /** (stack node, UDP port) → app name, from REGISTER messages. */
  readonly appPorts: ReadonlyMap<string, string>;
  /** IPv4 address → client node. */
  readonly clientOf: ReadonlyMap<string, string>;
}

const cache = new WeakMap<LabRun, RunAnalysis>();

/** The cached analysis of a run (decoding every packet once). */
export function analyseRun(run: LabRun): RunAnalysis {
  const hit = cache.get(run);
  if (hit) return hit;
  const analysis = buildAnalysis(run);
  cache.set(run, analysis);
  return analysis;
}

const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** A node's role from its name, for scenarios whose topology the run does not describe. */
export function roleFromName(name: string): NodeRole {
  if (name.startsWith('client')) return 'client';
  if (name.startsWith('router')) return 'router';
  if (/^SYS/.test(name)) return name === 'SYS1' ? 'routing-stack' : 'target-stack';
  return 'host';
}

function buildAnalysis(run: LabRun): RunAnalysis {
  const events = run.events;
  const decoded = new Map<number, Decoded>();
  const decode = (id: number): Decoded => {
    let d = decoded.get(id);
    if (!d) {
      d = decodePacket(run.packetBytes(id));
      decoded.set(id, d);
    }
    return d;
  };
  const { nodes, links } = topologyFor(run, decode);
  const roleOf = new Map(nodes.map((n) => [n.name, n.role]));
  const hops = buildHops(events, links);
  const appPorts = registeredApps(events, decode);
  const clientOf = new Map<string, string>();
  for (const n of nodes) if (n.role === 'client') for (const a of n.addresses) clientOf.set(a, n.name);
  const packets = labelPackets(events, hops, links, decode, clientOf);
  const clients = nodes.filter((n) => n.role === 'client' && events.some((e) => 'node' in e && e.node === n.name)).map((n) => n.name).sort(naturalCompare);
  const lanes = buildLanes(events, nodes, roleOf, appPorts, clients);
  return { nodes, links, lanes, laneIds: new Set(lanes.map((l) => l.id)), clients, packets, hops, appPorts, clientOf };
}

/** The run's topology, or one derived from the trace (nodes from events, links from send/deliver pairs). */
function topologyFor(run: LabRun, decode: (id: number) => Decoded): { nodes: readonly TopologyNode[]; links: readonly TopologyLink[] } {
  if (run.topology.nodes.length > 0) return { nodes: run.topology.nodes, links: run.topology.links };
  const names: string[] = [];
  const addresses = new Map<string, Set<string>>();
  const links = new Map<string, TopologyLink>();
  const sends = new Map<number, Extract<TraceEntry, { kind: 'packet-send' }>>();
  for (const e of run.events) {
    if ('node' in e && !names.includes(e.node)) names.push(e.node);
    if (e.kind === 'packet-send') {
      sends.set(e.packetId, e);
      const d = decode(e.packetId);
      if (roleFromName(e.node) !== 'router' && d.src !== '?') (addresses.get(e.node) ?? addresses.set(e.node, new Set()).get(e.node))?.add(d.src);
    } else if (e.kind === 'packet-deliver') {
      const s = sends.get(e.packetId);
      if (!s) continue;
      const [a, aIface, b, bIface] = naturalCompare(s.node, e.node) <= 0 ? [s.node, s.iface, e.node, e.iface] : [e.node, e.iface, s.node, s.iface];
      const name = `${a}.${aIface}-${b}.${bIface}`;
      if (!links.has(name)) links.set(name, { name, a, aIface, b, bIface, kind: a === b ? 'loopback' : 'lan' });
    }
  }
  const nodes = names.map((name) => ({ name, role: roleFromName(name), addresses: [...(addresses.get(name) ?? [])] }));
  return { nodes, links: [...links.values()] };
}

/** Pairs every send (and link copy) with its delivery or drop. */
function buildHops(events: readonly TraceEntry[], links: readonly TopologyLink[]): PacketHop[] {
  const peer = new Map<string, string>();
  for (const l of links) {
    peer.set(`${l.a}|${l.aIface}`, l.b);
    peer.set(`${l.b}|${l.bIface}`, l.a);
  }
  const ends = new Map<number, Extract<TraceEntry, { kind: 'packet-deliver' | 'packet-drop' }>>();
  for (const e of events) if ((e.kind === 'packet-deliver' || e.kind === 'packet-drop') && !ends.has(e.packetId)) ends.set(e.packetId, e);
  const sends = new Map<number, Extract<TraceEntry, { kind: 'packet-send' }>>();
  const hops: PacketHop[] = [];
  const hop = (startIndex: number, packetId: number, node: string, iface: string, time: number, arrivesAt: number | null, copy: boolean): PacketHop => {
    const end = ends.get(packetId);
    const dropped = end?.kind === 'packet-drop';
    const far = peer.get(`${node}|${iface}`) ?? null;
    const toNode = end && (end.node !== node || far === node) ? end.node : far;
    return {
      startIndex,
      packetId,
      fromNode: node,
      fromIface: iface,
      startTime: time,
      endTime: dropped ? end.time : (arrivesAt ?? end?.time ?? null),
      endIndex: end ? end.index : null,
      toNode,
      dropped,
      dropReason: dropped ? end.reason : null,
      copy,
    };
  };
  for (const e of events) {
    if (e.kind === 'packet-send') {
      sends.set(e.packetId, e);
      hops.push(hop(e.index, e.packetId, e.node, e.iface, e.time, e.arrivesAt, false));
    } else if (e.kind === 'packet-duplicate') {
      const original = sends.get(e.packetId);
      const end = ends.get(e.copyId);
      hops.push(hop(e.index, e.copyId, original?.node ?? e.node, original?.iface ?? e.iface, e.time, end?.kind === 'packet-deliver' ? end.time : null, true));
    }
  }
  return hops;
}

/** (stack, port) → app, from every REGISTER datagram on a loopback. */
function registeredApps(events: readonly TraceEntry[], decode: (id: number) => Decoded): Map<string, string> {
  const apps = new Map<string, string>();
  for (const e of events) {
    if (e.kind !== 'packet-send' || e.iface !== 'lo') continue;
    const d = decode(e.packetId);
    if (d.protocol === 'udp' && d.control?.type === 'REGISTER') apps.set(`${e.node}|${d.srcPort}`, d.control.app);
  }
  return apps;
}

/** Labels and analysis for every packet, in trace order (the TCP analysis is stateful). */
function labelPackets(events: readonly TraceEntry[], hops: readonly PacketHop[], links: readonly TopologyLink[], decode: (id: number) => Decoded, clientOf: ReadonlyMap<string, string>): Map<number, PacketInfo> {
  const marks = new Map<number, TcpAnalysis>();
  for (const e of events) {
    const mark = e.kind === 'tcp' && e.packetId !== undefined ? RETRANSMIT_WHAT[e.what] : undefined;
    if (mark && e.kind === 'tcp' && e.packetId !== undefined) marks.set(e.packetId, mark);
  }
  // A capture point is a link: both directions of a connection over it, as tshark on that wire sees them.
  const linkOf = new Map<string, string>();
  for (const l of links) {
    linkOf.set(`${l.a}|${l.aIface}`, l.name);
    linkOf.set(`${l.b}|${l.bIface}`, l.name);
  }
  const analyser = new TcpAnalyser();
  const out = new Map<number, PacketInfo>();
  for (const h of hops) {
    const point = linkOf.get(`${h.fromNode}|${h.fromIface}`) ?? `${h.fromNode}|${h.fromIface}`;
    const info = packetInfo(h, decode(h.packetId), analyser, point, marks.get(h.packetId), clientOf);
    out.set(h.packetId, h.copy ? { ...info, label: `[${ANALYSIS_TEXT['link-duplicate']}] ${info.label}`, analysis: ['link-duplicate', ...info.analysis] } : info);
  }
  return out;
}

function packetInfo(h: PacketHop, d: Decoded, analyser: TcpAnalyser, point: string, mark: TcpAnalysis | undefined, clientOf: ReadonlyMap<string, string>): PacketInfo {
  const base = { packetId: h.packetId, src: d.src, dst: d.dst };
  switch (d.protocol) {
    case 'tcp': {
      const s = d.segment;
      const { label, analysis } = analyser.label(s, point, h.startIndex, mark);
      const clientFirst = clientOf.has(s.src) || !clientOf.has(s.dst);
      const conn = clientFirst ? `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}` : `${s.dst}:${s.dstPort}>${s.src}:${s.srcPort}`;
      return { ...base, kind: 'tcp', label, analysis, conn, controlType: null, xcf: null, srcPort: s.srcPort, dstPort: s.dstPort };
    }
    case 'udp': {
      if (d.control) {
        const m = d.control;
        const xcf = m.type === 'XCF_DATA' || m.type === 'XCF_ACK' ? { message: m.type, seq: m.seq } : null;
        const kind: MessageKind = xcf !== null || h.fromIface.startsWith('xcf') ? 'xcf' : 'control';
        return { ...base, kind, label: controlLabel(m), analysis: [], conn: controlConn(m), controlType: innerType(m), xcf, srcPort: d.srcPort, dstPort: d.dstPort };
      }
      return { ...base, kind: 'udp', label: `UDP ${d.srcPort} → ${d.dstPort} Len=${d.length}`, analysis: [], conn: null, controlType: null, xcf: null, srcPort: d.srcPort, dstPort: d.dstPort };
    }
    case 'other':
      return { ...base, kind: 'other', label: d.text, analysis: [], conn: null, controlType: null, xcf: null, srcPort: null, dstPort: null };
  }
}

/** Lanes: clients, routers, then each stack followed by its apps, then other hosts. */
function buildLanes(events: readonly TraceEntry[], nodes: readonly TopologyNode[], roleOf: ReadonlyMap<string, NodeRole>, appPorts: ReadonlyMap<string, string>, clients: readonly string[]): Lane[] {
  const seen = new Set<string>();
  for (const e of events) if ('node' in e) seen.add(e.node);
  const nodeLane = (n: string): Lane => ({ id: `node:${n}`, label: n, node: n, app: null, role: roleOf.get(n) ?? roleFromName(n) });
  const present = nodes.filter((n) => seen.has(n.name));
  const stacks = present.filter((n) => n.role === 'routing-stack' || n.role === 'target-stack').sort((a, b) => (a.role === b.role ? naturalCompare(a.name, b.name) : a.role === 'routing-stack' ? -1 : 1));
  const stackNames = new Set(stacks.map((s) => s.name));
  const apps = appsByStack(events, stackNames, appPorts);
  const lanes: Lane[] = clients.map(nodeLane);
  for (const r of present.filter((n) => n.role === 'router')) lanes.push(nodeLane(r.name));
  for (const s of stacks) {
    lanes.push(nodeLane(s.name));
    for (const [app, routing] of apps.get(s.name) ?? []) lanes.push({ id: `app:${s.name}/${app}`, label: app, node: s.name, app, role: routing ? 'routing-app' : 'target-app' });
  }
  for (const h of present.filter((n) => n.role === 'host')) lanes.push(nodeLane(h.name));
  return lanes;
}

/** Apps per stack (name → is it the routing app), in order of first appearance. */
function appsByStack(events: readonly TraceEntry[], stacks: ReadonlySet<string>, appPorts: ReadonlyMap<string, string>): Map<string, Map<string, boolean>> {
  const out = new Map<string, Map<string, boolean>>();
  const add = (stack: string, app: string, routing: boolean): void => {
    if (!stacks.has(stack) || stacks.has(app) || app === 'stack' || app === 'CRT') return;
    const m = out.get(stack) ?? out.set(stack, new Map()).get(stack);
    m?.set(app, (m.get(app) ?? false) || routing);
  };
  const stackOfApp = new Map<string, string>();
  for (const [key, app] of appPorts) stackOfApp.set(app, key.slice(0, key.indexOf('|')));
  for (const e of events) {
    if (e.kind === 'app') add(e.node, e.app, false);
    else if (e.kind === 'transfer' && e.phase === 'select') add(e.node, e.from, true);
    else if (e.kind === 'transfer' && e.phase === 'offer-app') add(e.node, e.from, false);
  }
  // Apps that registered but never spoke still get a lane, next to the stack they registered with.
  for (const [app, stack] of stackOfApp) add(stack, app, false);
  return out;
}

// ---------------------------------------------------------------------------
// Focus: which client's connection to show when there are many
// ---------------------------------------------------------------------------

/** More clients than this and the ladder shows only the focused client's connection. */
export const MAX_CLIENT_LANES = 8;

/** The client node at one end of a connection name ("a:p>b:p"), or null. */
export function connClient(conn: string, clientOf: ReadonlyMap<string, string>): string | null {
  for (const end of conn.split('>')) {
    const address = end.slice(0, end.lastIndexOf(':'));
    const client = clientOf.get(address);
    if (client) return client;
  }
  return null;
}

/** The client an event concerns: its node, its connection's client end, or its packet's. */
export function clientOfEvent(analysis: RunAnalysis, e: TraceEntry | undefined): string | null {
  if (!e) return null;
  if ('node' in e && analysis.clients.includes(e.node)) return e.node;
  if ('conn' in e) return connClient(e.conn, analysis.clientOf);
  if ('packetId' in e) {
    const id = e.kind === 'packet-duplicate' ? e.copyId : e.packetId;
    const p = analysis.packets.get(id) ?? analysis.packets.get(e.packetId);
    if (p?.conn) return connClient(p.conn, analysis.clientOf);
  }
  return null;
}

/** The client to focus on: the selected event's, else the first. */
export function focusClient(run: LabRun, selected: number | null): string | null {
  const analysis = analyseRun(run);
  const fromSelection = selected === null ? null : clientOfEvent(analysis, run.events[selected]);
  return fromSelection ?? analysis.clients[0] ?? null;
}

// ---------------------------------------------------------------------------
// The ladder at a step
// ---------------------------------------------------------------------------

/** Where an arrow stands at the current step. */
export type ArrowStatus = 'delivered' | 'dropped' | 'in-flight';

/** One arrow of the ladder. */
export interface LadderArrow {
  /** Stable key: "p<packetId>". */
  readonly id: string;
  readonly packetId: number;
  /** The packet-send's index (the packet-duplicate's for a link copy): what a click selects. */
  readonly eventIndex: number;
  /** The packet-deliver's or packet-drop's index, or null. */
  readonly endIndex: number | null;
  readonly fromLane: string;
  /** Receiving lane; null when the trace never says where a dropped packet was going. */
  readonly toLane: string | null;
  readonly kind: MessageKind;
  /** True for a datagram over a loopback interface (app ↔ its stack). */
  readonly loopback: boolean;
  /** Sent over an XCF link (control signalling, or client segments the routing stack forwards). */
  readonly overXcf: boolean;
  readonly label: string;
  readonly analysis: readonly TcpAnalysis[];
  readonly status: ArrowStatus;
  readonly dropReason: DropReason | null;
  /** Row position (see LadderModel.rows) of the send. */
  readonly startRow: number;
  /** Row position of the delivery/drop, or of the current row while in flight. */
  readonly endRow: number;
  /** While in flight: the fraction of the way (by sim time) it has travelled, in [0, 1]. Else 1. */
  readonly progress: number;
  readonly sentAt: number;
  readonly arrivesAt: number | null;
  readonly conn: string | null;
  /** The current step is this arrow's send, delivery or drop. */
  readonly current: boolean;
  readonly selected: boolean;
}

/** A labelled mark on a lane: a transfer step or a TCP state change. */
export interface LadderMarker {
  readonly id: string;
  readonly eventIndex: number;
  readonly lane: string;
  readonly kind: 'transfer' | 'state';
  readonly label: string;
  /** Longer text for the tooltip. */
  readonly detail: string;
  readonly row: number;
  readonly current: boolean;
}

/** One row: a trace step. */
export interface LadderRow {
  readonly eventIndex: number;
  readonly time: number;
  /** False when the time equals the previous row's (the label is left off). */
  readonly newTime: boolean;
  readonly current: boolean;
}

/** The ladder diagram at one step. */
export interface LadderModel {
  readonly step: number;
  readonly lanes: readonly Lane[];
  /** Rows in order; an arrow's startRow/endRow index into this array. */
  readonly rows: readonly LadderRow[];
  readonly arrows: readonly LadderArrow[];
  readonly markers: readonly LadderMarker[];
  /** Position in `rows` of the current step, or null before the first step. */
  readonly currentRow: number | null;
  /** The client whose connection alone is shown, when there are too many clients; else null. */
  readonly focus: string | null;
  /** Rows before the first one drawn (left off to keep the diagram small). */
  readonly omittedRows: number;
  /** A sentence about what is left out, or null. */
  readonly note: string | null;
}

/** Options of buildLadder. */
export interface LadderOptions {
  /** The selected event: picks the focused client when there are more than MAX_CLIENT_LANES. */
  readonly selected?: number | null;
  /** Most rows to draw; older rows are left off. Default 1500. */
  readonly maxRows?: number;
}

const DEFAULT_MAX_ROWS = 1500;

function laneOfEnd(analysis: RunAnalysis, node: string, port: number | null, kind: MessageKind, loopback: boolean): string {
  if (loopback && kind === 'control' && port !== null) {
    const app = analysis.appPorts.get(`${node}|${port}`);
    if (app !== undefined && analysis.laneIds.has(`app:${node}/${app}`)) return `app:${node}/${app}`;
  }
  return `node:${node}`;
}

/** The ladder at step `step` (−1: before the first step): rows up to the step, and the arrows and markers on them. */
export function buildLadder(run: LabRun, step: number, options: LadderOptions = {}): LadderModel {
  const analysis = analyseRun(run);
  const last = Math.max(-1, Math.min(step, run.events.length - 1));
  const focus = analysis.clients.length > MAX_CLIENT_LANES ? focusClient(run, options.selected ?? null) : null;
  const lanes = focus ? analysis.lanes.filter((l) => l.role !== 'client' || l.node === focus) : analysis.lanes;
  const laneIds = new Set(lanes.map((l) => l.id));
  const concerns = (conn: string | null): boolean => focus === null || conn === null || connClient(conn, analysis.clientOf) === focus;

  const candidates = arrowCandidates(analysis, last, laneIds, focus !== null, concerns);
  const markerCandidates = markerCandidatesOf(run.events, last, laneIds, analysis, focus);

  // Rows: every step up to the current one, or (focused) the steps the focused arrows and markers use.
  let rowIndexes: number[];
  if (focus === null) rowIndexes = Array.from({ length: last + 1 }, (_, i) => i);
  else {
    const used = new Set<number>();
    for (const c of candidates) {
      used.add(c.hop.startIndex);
      if (c.hop.endIndex !== null && c.hop.endIndex <= last) used.add(c.hop.endIndex);
    }
    for (const m of markerCandidates) used.add(m.index);
    if (last >= 0) used.add(last);
    rowIndexes = [...used].sort((a, b) => a - b);
  }
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_MAX_ROWS);
  const omittedRows = Math.max(0, rowIndexes.length - maxRows);
  if (omittedRows > 0) rowIndexes = rowIndexes.slice(omittedRows);
  const firstShown = rowIndexes[0] ?? 0;
  const rowOf = new Map(rowIndexes.map((index, row) => [index, row]));
  const rows: LadderRow[] = rowIndexes.map((index, row) => {
    const time = run.events[index]?.time ?? 0;
    const previous = row > 0 ? run.events[rowIndexes[row - 1] ?? 0]?.time : undefined;
    return { eventIndex: index, time, newTime: previous !== time, current: index === last };
  });
  const currentRow = last >= 0 ? (rowOf.get(last) ?? null) : null;
  const nowTime = last >= 0 ? (run.events[last]?.time ?? 0) : 0;
  const lastRow = rows.length - 1;

  const arrows: LadderArrow[] = [];
  for (const { hop, info, fromLane, toLane } of candidates) {
    const ended = hop.endIndex !== null && hop.endIndex <= last;
    if (ended && (hop.endIndex ?? 0) < firstShown) continue;
    const status: ArrowStatus = ended ? (hop.dropped ? 'dropped' : 'delivered') : 'in-flight';
    const span = hop.endTime === null ? 0 : hop.endTime - hop.startTime;
    const progress = ended ? 1 : span > 0 ? Math.max(0, Math.min(1, (nowTime - hop.startTime) / span)) : 0;
    arrows.push({
      id: `p${hop.packetId}`,
      packetId: hop.packetId,
      eventIndex: hop.startIndex,
      endIndex: hop.endIndex,
      fromLane,
      toLane,
      kind: info.kind,
      loopback: hop.fromIface === 'lo',
      overXcf: hop.fromIface.startsWith('xcf'),
      label: info.label,
      analysis: info.analysis,
      status,
      dropReason: hop.dropReason,
      startRow: rowOf.get(hop.startIndex) ?? -0.5,
      endRow: ended ? (rowOf.get(hop.endIndex ?? -1) ?? lastRow) : lastRow,
      progress,
      sentAt: hop.startTime,
      arrivesAt: hop.endTime,
      conn: info.conn,
      current: hop.startIndex === last || hop.endIndex === last,
      selected: options.selected !== undefined && options.selected !== null && (hop.startIndex === options.selected || hop.endIndex === options.selected),
    });
  }
  const markers: LadderMarker[] = markerCandidates
    .filter((m) => rowOf.has(m.index))
    .map((m) => ({ id: `m${m.index}`, eventIndex: m.index, lane: m.lane, kind: m.kind, label: m.label, detail: m.detail, row: rowOf.get(m.index) ?? 0, current: m.index === last }));

  const notes: string[] = [];
  if (focus) notes.push(`${analysis.clients.length} clients: showing only ${focus}'s connection${options.selected !== undefined && options.selected !== null ? ' (the selected step’s client)' : ''}; select a step of another client to follow it.`);
  if (omittedRows > 0) notes.push(`The ${omittedRows} earliest rows are not drawn.`);
  return { step: last, lanes, rows, arrows, markers, currentRow, focus, omittedRows, note: notes.length > 0 ? notes.join(' ') : null };
}

interface ArrowCandidate {
  readonly hop: PacketHop;
  readonly info: PacketInfo;
  readonly fromLane: string;
  readonly toLane: string | null;
}

/** Hops sent by step `last` whose lanes are shown and that concern the focused client (or everyone). */
function arrowCandidates(analysis: RunAnalysis, last: number, laneIds: ReadonlySet<string>, focused: boolean, concerns: (conn: string | null) => boolean): ArrowCandidate[] {
  const out: ArrowCandidate[] = [];
  // XCF_ACKs name no connection: they follow the XCF_DATA they acknowledge (same sender stack and seq).
  const keptXcf = new Set<string>();
  for (const hop of analysis.hops) {
    if (hop.startIndex > last) break;
    const info = analysis.packets.get(hop.packetId);
    if (!info) continue;
    const loopback = hop.fromIface === 'lo';
    const fromLane = laneOfEnd(analysis, hop.fromNode, info.srcPort, info.kind, loopback);
    const toLane = hop.toNode === null ? null : laneOfEnd(analysis, hop.toNode, info.dstPort, info.kind, loopback);
    if (!laneIds.has(fromLane) || (toLane !== null && !laneIds.has(toLane))) continue;
    if (info.xcf?.message === 'XCF_ACK') {
      // Acknowledges the XCF_DATA that its receiver sent with this seq.
      if (focused && !keptXcf.has(`${hop.toNode ?? ''} ${info.xcf.seq}`)) continue;
    } else if (!concerns(info.conn)) continue;
    if (info.xcf?.message === 'XCF_DATA') keptXcf.add(`${hop.fromNode} ${info.xcf.seq}`);
    out.push({ hop, info, fromLane, toLane });
  }
  return out;
}

interface MarkerCandidate {
  readonly index: number;
  readonly lane: string;
  readonly kind: 'transfer' | 'state';
  readonly label: string;
  readonly detail: string;
}

/** Transfer steps on their stack's lane; TCP state changes on their node's lane. */
function markerCandidatesOf(events: readonly TraceEntry[], last: number, laneIds: ReadonlySet<string>, analysis: RunAnalysis, focus: string | null): MarkerCandidate[] {
  const out: MarkerCandidate[] = [];
  for (let i = 0; i <= last; i++) {
    const e = events[i];
    if (!e) continue;
    if (e.kind === 'transfer') {
      if (!laneIds.has(`node:${e.node}`) || (focus !== null && connClient(e.conn, analysis.clientOf) !== focus)) continue;
      out.push({ index: i, lane: `node:${e.node}`, kind: 'transfer', label: `⇄ ${e.phase} ${e.from}→${e.to}`, detail: `Transfer of ${e.conn}: ${e.phase} (${e.from} → ${e.to})${e.detail ? ` — ${e.detail}` : ''}` });
    } else if (e.kind === 'state-change' && e.machine.startsWith('tcp ')) {
      if (!laneIds.has(`node:${e.node}`)) continue;
      const conn = e.machine.slice(4);
      if (focus !== null && connClient(conn, analysis.clientOf) !== focus && e.node !== focus) continue;
      out.push({ index: i, lane: `node:${e.node}`, kind: 'state', label: e.to, detail: `${e.node} ${e.machine}: ${e.from} → ${e.to}${e.cause ? ` (${e.cause})` : ''}` });
    }
  }
  return out;
}
