/**
 * The trace: an append-only, typed log of everything observable in a run —
 * packets sent, delivered, dropped and duplicated, state changes, timers and
 * application events — each with its simulated time and a monotonically
 * increasing index. Views, checkers, pcap export and goldens all read it.
 *
 * The trace hash chains FNV-1a-64 over a canonical encoding of every entry
 * (JSON in construction order, which code fixes) and over every packet's bytes,
 * so equal hashes mean equal runs.
 */
import { Fnv64 } from './hash';
import type { SimTime } from './time';

/** Why a packet did not reach its destination. */
export type DropReason =
  | 'loss' // random loss configured on the link
  | 'queue-full' // the transmit queue was at its limit
  | 'link-down'
  | 'host-down'
  | 'no-route'
  | 'ttl-expired'
  | 'too-big' // larger than the interface MTU, and fragmentation is not modelled
  | 'malformed' // the bytes did not decode; the error is in `detail`
  | 'bad-checksum'
  | 'no-listener' // no socket or protocol handler for it
  | 'not-for-us'
  | 'fault'; // dropped on purpose by a scripted fault

/** Fields every trace entry has. */
export interface TraceBase {
  /** Position in the trace, from 0. */
  readonly index: number;
  readonly time: SimTime;
  /** Patent claims this event demonstrates, if any. */
  readonly claims?: readonly number[];
}

/** The payload of a trace entry, discriminated by `kind`. */
export type TraceEventBody =
  | { readonly kind: 'packet-send'; readonly node: string; readonly iface: string; readonly packetId: number; readonly arrivesAt: SimTime | null }
  | { readonly kind: 'packet-deliver'; readonly node: string; readonly iface: string; readonly packetId: number; readonly sentAt: SimTime }
  | { readonly kind: 'packet-drop'; readonly node: string; readonly iface: string | null; readonly packetId: number; readonly reason: DropReason; readonly detail?: string }
  | { readonly kind: 'packet-duplicate'; readonly node: string; readonly iface: string; readonly packetId: number; readonly copyId: number }
  | { readonly kind: 'state-change'; readonly node: string; readonly machine: string; readonly from: string; readonly to: string; readonly cause?: string }
  | { readonly kind: 'timer'; readonly node: string; readonly name: string; readonly action: 'set' | 'fire' | 'cancel'; readonly at?: SimTime }
  | { readonly kind: 'app'; readonly node: string; readonly app: string; readonly message: string; readonly data?: Readonly<Record<string, string | number | boolean>> }
  | { readonly kind: 'fault'; readonly target: string; readonly fault: string; readonly detail?: string }
  | { readonly kind: 'tcp'; readonly node: string; readonly conn: string; readonly what: TcpTraceWhat; readonly packetId?: number; readonly detail?: string }
  | CrtEvent
  | TcbEvent
  | AppBytesEvent
  | TransferEvent;

/**
 * A change to a routing stack's connection routing table (like `netstat VCRT`:
 * Dest = DVIPA..port, Source = client..port, DestXCF = owning stack's XCF address).
 */
export interface CrtEvent {
  readonly kind: 'crt';
  readonly node: string;
  readonly action: 'add' | 'update' | 'remove';
  /** "dvipa:port" */
  readonly dest: string;
  /** "client:port" */
  readonly source: string;
  /** XCF address (dotted) of the stack that owns the connection. */
  readonly destXcf: string;
  readonly reason?: string;
}

/**
 * Ownership of a connection's TCB on a stack: installed (by handshake or by a
 * transfer), exported (frozen for a transfer), released (closed or silently
 * detached after a transfer). `conn` is the client's 4-tuple,
 * "client:port>dvipa:port", the same on every stack.
 */
export interface TcbEvent {
  readonly kind: 'tcb';
  readonly node: string;
  readonly conn: string;
  readonly action: 'install' | 'export' | 'release';
  readonly reason: string;
}

/**
 * Application bytes crossing the socket boundary: `in` = the app consumed
 * bytes [offset, offset+length) of the stream it receives, `out` = it wrote
 * them to the stream it sends. Offsets count from the first data byte of each
 * direction of the connection, so they stay valid across transfers. Peeked
 * bytes are not consumed. `stream` names the direction: "c2s" or "s2c".
 */
export interface AppBytesEvent {
  readonly kind: 'app-bytes';
  readonly node: string;
  readonly app: string;
  readonly conn: string;
  readonly stream: 'c2s' | 's2c';
  readonly direction: 'in' | 'out';
  readonly offset: number;
  readonly length: number;
  /** FNV-1a-32 of the bytes, so the checker can tell equal ranges with different content. */
  readonly digest: number;
}

/** One step of a connection transfer between stacks (patent claims 2, 4, 12–16, 26). */
export interface TransferEvent {
  readonly kind: 'transfer';
  readonly node: string;
  readonly conn: string;
  readonly phase: 'select' | 'notify-stack' | 'freeze' | 'message-sent' | 'message-received' | 'offer-app' | 'accepted' | 'rejected' | 'restored' | 'committed' | 'aborted' | 'app-error';
  /** Stack names. */
  readonly from: string;
  readonly to: string;
  readonly detail?: string;
}

/** Notable TCP happenings the trace marks beyond state changes. */
export type TcpTraceWhat =
  | 'retransmit' // a segment sent again after an RTO
  | 'fast-retransmit' // sent again after three duplicate ACKs or a partial ACK
  | 'sack-retransmit' // a hole the peer's SACK blocks revealed, filled during recovery
  | 'window-probe' // a zero-window probe
  | 'challenge-ack' // RFC 5961 challenge ACK
  | 'rst-sent'
  | 'segment-dropped' // an arriving segment discarded by the rules (detail says which)
  | 'illegal-transition' // the engine asked the machine for an event the state does not allow
  | 'gave-up'; // retransmission limit reached

/** One entry of the trace. */
export type TraceEntry = TraceBase & TraceEventBody;

/** The kinds of trace entry. */
export type TraceKind = TraceEventBody['kind'];

/** Where a packet came from and what it carries. Bytes are never mutated after registration. */
export interface PacketRecord {
  readonly id: number;
  /** The full IPv4 datagram. It may be a view into a larger buffer (see allocBytes): use byteOffset/byteLength with `.buffer`. */
  readonly bytes: Uint8Array;
  /** Node that built these bytes. */
  readonly origin: string;
  readonly createdAt: SimTime;
  /** The packet this one was derived from (forwarded with TTL−1, or duplicated), if any. */
  readonly parentId: number | null;
}

/** Whether entries are kept. Benchmarks turn recording off; counters still run. */
export type TraceMode = 'full' | 'off';

/** Append-only trace of one run. */
export class Trace {
  private readonly entries: TraceEntry[] = [];
  private readonly packetTable: PacketRecord[] = [];
  private readonly hasher = new Fnv64();
  private count = 0;
  private registeredPackets = 0;

  constructor(
    private readonly clock: () => SimTime,
    readonly mode: TraceMode = 'full',
  ) {}

  /** True when entries are kept; hot paths skip building entries when it is false. */
  get on(): boolean {
    return this.mode === 'full';
  }

  /** All entries, in order. */
  get events(): readonly TraceEntry[] {
    return this.entries;
  }

  /** All packets, by id. */
  get packets(): readonly PacketRecord[] {
    return this.packetTable;
  }

  /** Packets registered: every IPv4 datagram built or copied, counted even when mode is 'off'. */
  get packetCount(): number {
    return this.registeredPackets;
  }

  /** Number of entries recorded (counted even when mode is 'off'). */
  get length(): number {
    return this.count;
  }

  /** Append an event at the current simulated time. */
  record(body: TraceEventBody, claims?: readonly number[]): void {
    const index = this.count++;
    if (this.mode === 'off') return;
    const entry = (claims && claims.length > 0
      ? { index, time: this.clock(), claims, ...body }
      : { index, time: this.clock(), ...body }) as TraceEntry;
    this.entries.push(entry);
    this.hasher.text(JSON.stringify(entry));
  }

  /**
   * Count an entry without building it, exactly what record() does when mode is
   * 'off'. Hot paths test `on` and call this instead of building an entry
   * (its strings included) that would be thrown away.
   */
  tally(): void {
    this.count++;
  }

  /** Register a packet's bytes and return its id. */
  registerPacket(bytes: Uint8Array, origin: string, parentId: number | null = null): number {
    const id = this.registeredPackets++;
    if (this.mode === 'off') return id;
    this.packetTable.push({ id, bytes, origin, createdAt: this.clock(), parentId });
    this.hasher.text(`P${id}:${origin}:${parentId ?? ''}:`);
    this.hasher.bytes(bytes);
    return id;
  }

  /** The bytes of packet `id`, or undefined when not recorded. */
  packetBytes(id: number): Uint8Array | undefined {
    return this.packetTable[id]?.bytes;
  }

  /** The stable hash of the run so far: 16 hex digits. */
  hash(): string {
    return this.hasher.hex();
  }
}
