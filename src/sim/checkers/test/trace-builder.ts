/**
 * Builds small synthetic traces for the checkers' tests: typed entries with
 * increasing index and time, and real IPv4/TCP bytes (made with the wire
 * encoders) registered as packets, so the transparency checker decodes genuine
 * segments exactly as it would in a run.
 */
import type { TraceEntry, TraceEventBody } from '../../core/trace';
import { encodeIpv4 } from '../../wire/ipv4';
import { ipv4AddressOrThrow } from '../../wire/ipv4-address';
import { encodeTcp } from '../../wire/tcp';
import { IpProtocol, TcpFlag } from '../../wire/types';
import type { TcpOption } from '../../wire/types';
import type { TraceView } from '../types';

/** A hand-built trace; satisfies the checkers' TraceView. */
export class TraceBuilder implements TraceView {
  readonly events: TraceEntry[] = [];
  private readonly bytesById: Uint8Array[] = [];
  private time = 0;

  /** Appends an entry 10 µs after the previous one and returns its index. */
  add(body: TraceEventBody): number {
    const index = this.events.length;
    this.time += 10;
    this.events.push({ index, time: this.time, ...body });
    return index;
  }

  /** Registers a packet's bytes and returns its id. */
  packet(bytes: Uint8Array): number {
    this.bytesById.push(bytes);
    return this.bytesById.length - 1;
  }

  /** The bytes of packet `id`. */
  packetBytes(id: number): Uint8Array | undefined {
    return this.bytesById[id];
  }
}

/** One segment to put on the client's wire. */
export interface SegmentSpec {
  readonly seq: number;
  readonly ack?: number;
  /** TcpFlag bits; default ACK. */
  readonly flags?: number;
  /** Payload length in bytes; default 0. */
  readonly data?: number;
  readonly tsVal?: number;
  readonly wscale?: number;
  /** Overrides the server side's address (to fake a stack answering from its own address). */
  readonly serverAddress?: string;
}

/** The client's interface, the capture point every test passes to checkTransparency. */
export const CLIENT_POINT = 'client/eth0';
/** The test client's address and port. */
export const CLIENT = '192.0.2.10';
export const CLIENT_PORT = 40000;
/** The DVIPA and the port the server side listens on. */
export const DVIPA = '10.10.10.1';
export const SERVER_PORT = 80;
/** The connection key the trace's tcb and app-bytes entries use for this 4-tuple. */
export const CONN = `${CLIENT}:${String(CLIENT_PORT)}>${DVIPA}:${String(SERVER_PORT)}`;

/** Options of a segment: timestamps and window scale when the spec asks for them. */
function optionsOf(spec: SegmentSpec): TcpOption[] {
  const options: TcpOption[] = [];
  if (spec.wscale !== undefined) options.push({ kind: 'nop' }, { kind: 'wscale', shift: spec.wscale });
  if (spec.tsVal !== undefined) options.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal: spec.tsVal, tsEcr: 0 });
  return options;
}

/** A real datagram carrying the segment between the two addresses. */
function datagram(spec: SegmentSpec, src: number, dst: number, srcPort: number, dstPort: number): Uint8Array {
  // Sequence space wraps at 2^32, so tests may write ISS + n past the top.
  const fields = { srcPort, dstPort, seq: spec.seq >>> 0, ack: (spec.ack ?? 0) >>> 0, flags: spec.flags ?? TcpFlag.ACK, window: 65535, options: optionsOf(spec) };
  const tcp = encodeTcp(fields, new Uint8Array(spec.data ?? 0), src, dst);
  return encodeIpv4({ src, dst, protocol: IpProtocol.TCP }, tcp);
}

/** Writes one client's TCP conversation with the DVIPA into a TraceBuilder, as its own interface sees it. */
export class ClientWire {
  constructor(
    readonly trace: TraceBuilder,
    private readonly client = CLIENT,
    private readonly clientPort = CLIENT_PORT,
  ) {}

  /** The client sends a segment to the DVIPA (packet-send at its interface); returns the entry index. */
  send(spec: SegmentSpec): number {
    const dst = ipv4AddressOrThrow(spec.serverAddress ?? DVIPA);
    const id = this.trace.packet(datagram(spec, ipv4AddressOrThrow(this.client), dst, this.clientPort, SERVER_PORT));
    return this.trace.add({ kind: 'packet-send', node: 'client', iface: 'eth0', packetId: id, arrivesAt: null });
  }

  /** A segment from the server side reaches the client (packet-deliver at its interface); returns the entry index. */
  receive(spec: SegmentSpec): number {
    const src = ipv4AddressOrThrow(spec.serverAddress ?? DVIPA);
    const id = this.trace.packet(datagram(spec, src, ipv4AddressOrThrow(this.client), SERVER_PORT, this.clientPort));
    return this.trace.add({ kind: 'packet-deliver', node: 'client', iface: 'eth0', packetId: id, sentAt: 0 });
  }
}
