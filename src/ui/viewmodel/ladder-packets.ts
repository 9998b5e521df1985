/**
 * Every packet of a run decoded once for the ladder: what kind of message it
 * is (TCP, control, XCF, other UDP), its addresses and ports, and the label of
 * a sysplex control message. Pure.
 */
import type { DropReason } from '../../sim/core/trace';
import { decodeControl, connName, type ControlMessage } from '../../sim/sysplex/control-messages';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { decodeTcp } from '../../sim/wire/tcp';
import { IpProtocol, type TcpOption } from '../../sim/wire/types';
import { decodeUdp } from '../../sim/wire/udp';

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

export interface DecodedSegment {
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

export type Decoded =
  | { readonly protocol: 'tcp'; readonly src: string; readonly dst: string; readonly segment: DecodedSegment }
  | { readonly protocol: 'udp'; readonly src: string; readonly dst: string; readonly srcPort: number; readonly dstPort: number; readonly length: number; readonly control: ControlMessage | null }
  | { readonly protocol: 'other'; readonly src: string; readonly dst: string; readonly text: string };

export function decodePacket(bytes: Uint8Array | undefined): Decoded {
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
    case 'DVIPA_OWNER':
      return `DVIPA_OWNER ${m.stack}: ${m.reason}`;
    case 'CONN_REPORT':
      return `CONN_REPORT from ${m.stack}: ${m.owned.length} owned, ${m.halfOpen.length} half-open, ${m.listening.length} listening`;
  }
}

/** The connection a control message concerns (looking inside XCF_DATA), or null. */
export function controlConn(m: ControlMessage): string | null {
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
    case 'DVIPA_OWNER':
    case 'CONN_REPORT':
      return null; // a report names many connections; it belongs to no single one
  }
}

export function innerType(m: ControlMessage): string {
  if (m.type !== 'XCF_DATA') return m.type;
  const inner = decodeControl(m.inner);
  return inner.ok ? inner.message.type : m.type;
}
