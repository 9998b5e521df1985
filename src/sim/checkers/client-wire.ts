/**
 * The clients' side of the wire, decoded: every TCP segment a client sent or
 * received, as a capture on the client's own interface would show it. The
 * transparency invariant is about what the client can observe, so it reads
 * only these capture points and nothing inside the sysplex.
 */
import type { TraceEntry } from '../core/trace';
import { decodeIpv4 } from '../wire/ipv4';
import { formatIpv4Address } from '../wire/ipv4-address';
import { decodeTcp, tcpSegmentLength } from '../wire/tcp';
import { IpProtocol, TcpFlag } from '../wire/types';
import type { TcpHeader } from '../wire/types';
import type { TraceView } from './types';

/** One TCP segment seen at a client capture point. */
export interface WireSegment {
  /** Trace index of the packet-send or packet-deliver entry. */
  readonly index: number;
  /** True when the client sent it (packet-send), false when it reached the client (packet-deliver). */
  readonly fromClient: boolean;
  readonly src: number;
  readonly dst: number;
  readonly tcp: TcpHeader;
  readonly payloadLength: number;
  /** SEG.LEN: payload plus one each for SYN and FIN. */
  readonly segLen: number;
  /** When its sender built it (the first copy's creation time); the trace time if unknown. */
  readonly sentAt: number;
  /** Id of the first copy: packet ids count up as packets are built, so it orders packets built in the same microsecond. */
  readonly sentOrder: number;
}

/** A packet handed to or taken from a link at some interface. */
type PacketCrossing = Extract<TraceEntry, { kind: 'packet-send' | 'packet-deliver' }>;

/** Whether the entry is a packet crossing one of the capture points. */
function atPoint(e: TraceEntry, points: ReadonlySet<string>): e is PacketCrossing {
  return (e.kind === 'packet-send' || e.kind === 'packet-deliver') && points.has(`${e.node}/${e.iface}`);
}

/** Decodes one datagram as TCP; undefined for anything else (UDP, ICMP, bytes that do not decode). */
function decodeSegment(index: number, fromClient: boolean, bytes: Uint8Array, origin: { at: number; id: number }): WireSegment | undefined {
  const ip = decodeIpv4(bytes);
  if (!ip.ok || ip.value.header.protocol !== IpProtocol.TCP) return undefined;
  const { src, dst } = ip.value.header;
  const tcp = decodeTcp(ip.value.payload, src, dst);
  if (!tcp.ok) return undefined;
  const { header, payload } = tcp.value;
  return { index, fromClient, src, dst, tcp: header, payloadLength: payload.length, segLen: tcpSegmentLength(header, payload.length), sentAt: origin.at, sentOrder: origin.id };
}

/**
 * Every TCP segment sent (packet-send) or delivered (packet-deliver) at the given
 * capture points, in trace order. The points must be the clients' own interfaces:
 * a send there is the client talking, a delivery is the server side answering.
 */
export function clientWireSegments(trace: TraceView, clientPoints: readonly string[]): WireSegment[] {
  const points = new Set(clientPoints);
  const segments: WireSegment[] = [];
  for (const e of trace.events) {
    if (!atPoint(e, points)) continue;
    const bytes = trace.packetBytes(e.packetId);
    const segment = bytes && decodeSegment(e.index, e.kind === 'packet-send', bytes, origin(trace, e.packetId, e.time));
    if (segment) segments.push(segment);
  }
  return segments;
}

/** The client's end of the segment: source when it sent it, destination when it received it. */
export function clientEnd(s: WireSegment): { readonly address: number; readonly port: number } {
  return s.fromClient ? { address: s.src, port: s.tcp.srcPort } : { address: s.dst, port: s.tcp.dstPort };
}

/** The far end of the segment, which must always be the DVIPA. */
export function serverEnd(s: WireSegment): { readonly address: number; readonly port: number } {
  return s.fromClient ? { address: s.dst, port: s.tcp.dstPort } : { address: s.src, port: s.tcp.srcPort };
}

/** "client:port>dvipa:port", the same connection key the trace's tcb and app-bytes entries use. */
export function connKey(s: WireSegment): string {
  const c = clientEnd(s);
  const d = serverEnd(s);
  return `${formatIpv4Address(c.address)}:${String(c.port)}>${formatIpv4Address(d.address)}:${String(d.port)}`;
}

/** "10.0.0.5:80", the sender of the segment. */
export function senderText(s: WireSegment): string {
  return `${formatIpv4Address(s.src)}:${String(s.tcp.srcPort)}`;
}

/** "10.1.1.1:5000", the receiver of the segment. */
export function receiverText(s: WireSegment): string {
  return `${formatIpv4Address(s.dst)}:${String(s.tcp.dstPort)}`;
}

/** Whether a control bit is set. */
export function hasFlag(s: WireSegment, flag: number): boolean {
  return (s.tcp.flags & flag) !== 0;
}

/** The segment's timestamps option, if it carries one. */
export function timestampsOf(s: WireSegment): { readonly tsVal: number; readonly tsEcr: number } | undefined {
  for (const o of s.tcp.options) if (o.kind === 'timestamps') return o;
  return undefined;
}

/** The segment's window-scale shift, or null when it carries no window-scale option. */
export function wscaleOf(s: WireSegment): number | null {
  for (const o of s.tcp.options) if (o.kind === 'wscale') return o.shift;
  return null;
}

/** True for a SYN or SYN-ACK. */
export const isSyn = (s: WireSegment): boolean => hasFlag(s, TcpFlag.SYN);

/** Creation time and id of the packet's first copy (forwarding and duplication make new copies); the entry's own if unknown. */
function origin(trace: TraceView, packetId: number, fallbackTime: number): { at: number; id: number } {
  const table = trace.packets;
  if (!table) return { at: fallbackTime, id: packetId };
  let id = packetId;
  for (let hops = 0; hops < 64; hops++) {
    const parent = table[id]?.parentId;
    if (parent === null || parent === undefined) break;
    id = parent;
  }
  return { at: table[id]?.createdAt ?? fallbackTime, id };
}

/**
 * The segments in the order their senders built them (stable, so ties keep
 * trace order): what each side did, not what the network's reordering made of it.
 */
export function inSendOrder(segments: readonly WireSegment[]): WireSegment[] {
  return [...segments].sort((a, b) => a.sentAt - b.sentAt || a.sentOrder - b.sentOrder || a.index - b.index);
}
