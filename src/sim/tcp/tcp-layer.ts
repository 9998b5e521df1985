/**
 * The TCP layer of one host: demultiplexes arriving segments to connections
 * (RFC 9293 §3.10.7), spawns connections from listening sockets, answers
 * segments for closed ports with RST (§3.10.7.1), picks ISNs (RFC 6528) and
 * ephemeral ports from seeded streams, and offers the socket calls apps use.
 */
import type { Prng } from '../core/prng';
import type { Host, IpDelivery } from '../net/host';
import { ipv4Destination, ipv4HeaderBytes, ipv4Source, ipv4TotalLength } from '../wire/ipv4';
import { decodeTcp, encodeTcp, encodeTcpInIpv4, type TcpInput } from '../wire/tcp';
import { IpProtocol, TcpFlag } from '../wire/types';
import { Connection, type ConnectionHost, type TcpSocketHandlers } from './connection';
import type { TcpControl } from './control';
import { has, readInboundSegment, segmentLength, tcpChecksumOk, type InboundSegment } from './inbound';
import { segmentArrives } from './input';
import type { TcpProfile } from './profile';
import { seqAdd } from './seq';
import { DEFAULT_SOCKET_OPTIONS, newTcb, type Tcb, type TcpSocketOptions } from './tcb';

/** A listening socket: a connection in LISTEN that spawns one connection per SYN. */
export interface Listener {
  readonly port: number;
  readonly connection: Connection;
  close(): void;
  /**
   * Active OPEN on the listening socket (RFC 9293 §3.10.1, LISTEN state, the
   * remote socket now given): it stops listening and connects from its port,
   * the machine's LISTEN → SYN-SENT edge.
   */
  connect(request: Omit<ConnectRequest, 'srcPort'>): Connection;
}

/** Options for a TCP layer. */
export interface TcpLayerOptions {
  readonly profile: TcpProfile;
  readonly control: TcpControl;
}

/** Where and how to connect. */
export interface ConnectRequest {
  readonly dst: number;
  readonly dstPort: number;
  readonly src?: number;
  readonly srcPort?: number;
  readonly options?: Partial<TcpSocketOptions>;
  readonly handlers?: TcpSocketHandlers;
}

const EPHEMERAL_LOW = 32_768; // Linux ip_local_port_range
const EPHEMERAL_HIGH = 60_999;

/** The TCP of one host. */
export class TcpLayer implements ConnectionHost {
  readonly sim: Host['sim'];
  readonly hostName: string;
  readonly control: TcpControl;
  readonly profile: TcpProfile;
  private readonly table = new ConnectionTable();
  /** Live connections by 4-tuple key (connectionKey). */
  readonly connections: Map<string, Connection> = this.table;
  private readonly listeners = new Map<number, { onAccept: (c: Connection) => void; options: TcpSocketOptions; listener: Listener }>();
  private readonly isnSecret: number;
  /** IPv4 fields of the segment being sent, rewritten per segment: the encoder reads them at once and keeps nothing. */
  private readonly ipHeader = { src: 0, dst: 0, protocol: IpProtocol.TCP, ttl: 64, identification: 0 };
  private readonly rng: Prng;

  constructor(
    readonly host: Host,
    options: TcpLayerOptions,
  ) {
    this.sim = host.sim;
    this.hostName = host.name;
    this.control = options.control;
    this.profile = options.profile;
    this.rng = host.sim.rng.child(`tcp:${host.name}`);
    this.isnSecret = this.rng.nextU32();
    host.registerProtocol(IpProtocol.TCP, (d) => this.receive(d));
    host.onCrash(() => this.crash());
  }

  /** Listen on `port` (any local address unless `address` is given). `onAccept` runs when a connection is established. */
  listen(port: number, onAccept: (connection: Connection) => void, options: Partial<TcpSocketOptions> = {}, address = 0): Listener {
    const key = listenKey(address, port);
    if (this.listeners.has(key)) throw new Error(`TCP port ${port} already listening on ${this.hostName}`);
    const socketOptions = { ...DEFAULT_SOCKET_OPTIONS, ...options };
    const connection = this.newConnection({ localAddress: address, localPort: port, remoteAddress: 0, remotePort: 0 }, socketOptions, true);
    connection.control('OPEN_PASSIVE');
    const listener: Listener = {
      port,
      connection,
      close: () => {
        if (this.listeners.get(key)?.listener !== listener) return; // closed, aborted or turned active already
        this.listeners.delete(key);
        connection.control('CLOSE');
      },
      connect: (request) => {
        if (this.listeners.get(key)?.listener !== listener) throw new Error(`TCP port ${port} is not listening on ${this.hostName}`);
        const src = request.src ?? (address === 0 ? undefined : address);
        const active = this.open({ ...request, ...(src === undefined ? {} : { src }), srcPort: port }, { ...socketOptions, ...request.options }, 'LISTEN');
        this.listeners.delete(key);
        return active;
      },
    };
    this.listeners.set(key, { onAccept, options: socketOptions, listener });
    return listener;
  }

  /** Active open (RFC 9293 §3.10.1): sends a SYN; handlers hear of success or failure. */
  connect(request: ConnectRequest): Connection {
    return this.open(request, { ...DEFAULT_SOCKET_OPTIONS, ...request.options }, 'CLOSED');
  }

  /** OPEN_ACTIVE from CLOSED (connect) or from LISTEN (a listener's connect): a new TCB for the 4-tuple, then the SYN. */
  private open(request: ConnectRequest, options: TcpSocketOptions, from: 'CLOSED' | 'LISTEN'): Connection {
    const src = request.src ?? this.host.routes.lookup(request.dst)?.iface.address;
    if (src === undefined) throw new Error(`${this.hostName} has no route to connect to ${request.dst}`);
    const srcPort = request.srcPort ?? this.ephemeralPort(src, request.dst, request.dstPort);
    const tuple = { localAddress: src, localPort: srcPort, remoteAddress: request.dst, remotePort: request.dstPort };
    if (this.table.find(src, srcPort, request.dst, request.dstPort)) throw new Error(`connection ${srcPort}→${request.dstPort} already exists`);
    const connection = this.newConnection(tuple, options, false);
    connection.tcb.state = from; // like spawn(): the new TCB starts as a copy of the machine's snapshot
    if (request.handlers) connection.handlers = request.handlers;
    this.table.insert(connection);
    connection.control('OPEN_ACTIVE');
    connection.flush();
    return connection;
  }

  /** ConnectionHost: put a segment on the wire inside IPv4. */
  transmit(tcb: Tcb, segment: Uint8Array): number | null {
    return this.host.send({ dst: tcb.remoteAddress, src: tcb.localAddress, protocol: IpProtocol.TCP, payload: segment });
  }

  /**
   * ConnectionHost fast path: the segment and its IPv4 header written into one
   * datagram; the same bytes and effects as transmit(tcb, encodeTcp(...)).
   */
  transmitSegment(tcb: Tcb, fields: TcpInput, payload: Uint8Array): number | null {
    const ip = this.ipHeader;
    ip.src = tcb.localAddress;
    ip.dst = tcb.remoteAddress;
    ip.identification = this.host.nextIdentification();
    return this.host.sendDatagram(encodeTcpInIpv4(ip, fields, payload), tcb.remoteAddress);
  }

  /** ConnectionHost: forget a connection that reached CLOSED (or went back to LISTEN). */
  release(connection: Connection): void {
    connection.cancelAllTimers();
    this.table.remove(connection);
    // A listening socket closed or aborted through its connection stops listening too;
    // otherwise the port would go on accepting SYNs for a socket in CLOSED. Only a
    // listener's own connection has no remote end, so the others skip the search.
    if (connection.tcb.remoteAddress !== 0 || connection.tcb.remotePort !== 0) return;
    for (const [k, entry] of this.listeners) if (entry.listener.connection === connection) this.listeners.delete(k);
  }

  /** ConnectionHost: RST for a segment with no (valid) connection (RFC 9293 §3.10.7.1). */
  resetReply(seg: InboundSegment): void {
    if (has(seg, TcpFlag.RST)) return;
    const fields = has(seg, TcpFlag.ACK)
      ? { seq: seg.ack, ack: 0, flags: TcpFlag.RST } // <SEQ=SEG.ACK><CTL=RST>
      : { seq: 0, ack: seqAdd(seg.seq, segmentLength(seg)), flags: TcpFlag.RST | TcpFlag.ACK }; // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    const bytes = encodeTcp({ srcPort: seg.dstPort, dstPort: seg.srcPort, window: 0, ...fields }, new Uint8Array(0), seg.dst, seg.src);
    const id = this.host.send({ dst: seg.src, src: seg.dst, protocol: IpProtocol.TCP, payload: bytes });
    this.sim.trace.record({ kind: 'tcp', node: this.hostName, conn: `port ${seg.dstPort}`, what: 'rst-sent', ...(id === null ? {} : { packetId: id }), detail: `reply to segment #${seg.packetId}` });
  }

  /** Demultiplex one arriving datagram; the segment is read from the datagram's bytes in place. */
  receive(d: IpDelivery): void {
    const bytes = d.bytes;
    const start = ipv4HeaderBytes(bytes);
    const end = ipv4TotalLength(bytes);
    const src = ipv4Source(bytes);
    const dst = ipv4Destination(bytes);
    const seg = readInboundSegment(bytes, start, end, src, dst, d.packetId);
    if (seg === null) return void this.host.drop(d.iface, d.packetId, 'malformed', malformedReason(d));
    if (!tcpChecksumOk(bytes, start, end, src, dst)) return void this.host.drop(d.iface, d.packetId, 'bad-checksum', 'TCP checksum');
    this.deliver(seg);
  }

  /** Hand a decoded segment to its connection, a listener, or the closed-port rule. */
  deliver(seg: InboundSegment): void {
    const existing = this.table.find(seg.dst, seg.dstPort, seg.src, seg.srcPort);
    if (existing) {
      segmentArrives(existing, seg);
      existing.flush();
      return;
    }
    const listening = this.listeners.get(listenKey(seg.dst, seg.dstPort)) ?? this.listeners.get(listenKey(0, seg.dstPort));
    if (!listening) return this.resetReply(seg);
    if (has(seg, TcpFlag.RST)) return; // LISTEN: ignore RST (§3.10.7.2)
    if (has(seg, TcpFlag.ACK)) return this.resetReply(seg); // LISTEN: ACK gets <SEQ=SEG.ACK><CTL=RST>
    if (!has(seg, TcpFlag.SYN)) return;
    this.spawn(seg, listening.options, listening.onAccept);
  }

  /**
   * A SYN for a listening socket: a new connection that starts as a copy of the
   * listener's machine snapshot (LISTEN) and takes the SYN from there.
   */
  private spawn(seg: InboundSegment, options: TcpSocketOptions, onAccept: (c: Connection) => void): void {
    const tuple = { localAddress: seg.dst, localPort: seg.dstPort, remoteAddress: seg.src, remotePort: seg.srcPort };
    const child = this.newConnection(tuple, options, true);
    child.tcb.state = 'LISTEN';
    // A method, not an arrow property: a named arrow made per connection costs a name fix-up under keepNames builds.
    child.handlers = {
      onEstablished() {
        onAccept(child);
      },
    };
    this.table.insert(child);
    segmentArrives(child, seg);
    child.flush();
  }

  private newConnection(tuple: Pick<Tcb, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>, options: TcpSocketOptions, passiveOpen: boolean): Connection {
    const iss = this.isn(tuple);
    // Fields spelled out rather than spread from `tuple`: V8 builds a spread object on a slow path.
    const tcb = newTcb({
      localAddress: tuple.localAddress,
      localPort: tuple.localPort,
      remoteAddress: tuple.remoteAddress,
      remotePort: tuple.remotePort,
      iss,
      tsOffset: this.rng.nextU32(),
      profile: this.profile,
      options,
      passiveOpen,
    });
    return new Connection(this, tcb);
  }

  /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock. */
  private isn(t: Pick<Tcb, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>): number {
    return (Math.floor(this.sim.now / 4) + tupleHash(t, this.isnSecret)) >>> 0;
  }

  private ephemeralPort(src: number, dst: number, dstPort: number): number {
    for (let i = 0; i < 1000; i++) {
      const port = this.rng.between(EPHEMERAL_LOW, EPHEMERAL_HIGH);
      if (!this.table.find(src, port, dst, dstPort)) return port;
    }
    throw new Error(`${this.hostName}: no free ephemeral port`);
  }

  private crash(): void {
    for (const c of this.connections.values()) c.cancelAllTimers();
    this.connections.clear();
    this.listeners.clear();
  }
}

/** Why decodeTcp rejects a segment readInboundSegment could not read: the error the trace shows. */
function malformedReason(d: IpDelivery): string {
  const decoded = decodeTcp(d.payload, d.header.src, d.header.dst);
  if (decoded.ok) throw new Error(`readInboundSegment rejected segment #${d.packetId}, which decodeTcp accepts`);
  return decoded.error;
}

const FNV_PRIME = 0x01000193;
const DIGIT_0 = 0x30;
const COLON = 0x3a;

/** FNV-1a-32 continued over the decimal digits of a non-negative integer: the same as over String(n). */
function fnvDecimal(hash: number, n: number): number {
  let h = hash;
  let unit = 1;
  while (unit * 10 <= n) unit *= 10;
  let rest = n;
  for (; unit >= 1; unit /= 10) {
    const digit = Math.floor(rest / unit);
    rest -= digit * unit;
    h = Math.imul(h ^ (DIGIT_0 + digit), FNV_PRIME);
  }
  return h;
}

/**
 * F of RFC 6528: FNV-1a-32 of the text "local:port:remote:port" (the numbers
 * in decimal), seeded with the secret, computed from the numbers without
 * building the text.
 */
function tupleHash(t: Pick<Tcb, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>, secret: number): number {
  let h = fnvDecimal(secret >>> 0, t.localAddress);
  h = fnvDecimal(Math.imul(h ^ COLON, FNV_PRIME), t.localPort);
  h = fnvDecimal(Math.imul(h ^ COLON, FNV_PRIME), t.remoteAddress);
  h = fnvDecimal(Math.imul(h ^ COLON, FNV_PRIME), t.remotePort);
  return h >>> 0;
}

/**
 * The live connections of a layer: a Map by connectionKey (callers read and
 * write it directly, as repair.ts does) that also indexes each connection
 * stored under its own key by remote address. Every segment is demultiplexed,
 * and find() does it with one numeric probe instead of building a key string.
 */
class ConnectionTable extends Map<string, Connection> {
  /** Remote address → the indexed connections from it (usually one). */
  private readonly byRemote = new Map<number, Connection[]>();
  /** Entries whose key is not their connection's own key: find() then falls back to the key. */
  private oddKeys = 0;

  override set(key: string, connection: Connection): this {
    const previous = super.get(key);
    super.set(key, connection);
    if (previous) this.unindex(key, previous);
    this.index(key, connection);
    return this;
  }

  override delete(key: string): boolean {
    const previous = super.get(key);
    if (!super.delete(key)) return false;
    if (previous) this.unindex(key, previous);
    return true;
  }

  override clear(): void {
    super.clear();
    this.byRemote.clear();
    this.oddKeys = 0;
  }

  /** set(connectionKey(tcb), connection), as the layer stores its own connections: the key needs no check. */
  insert(connection: Connection): void {
    const key = connectionKey(connection.tcb);
    const previous = super.get(key);
    super.set(key, connection);
    if (previous) this.unindex(key, previous);
    this.addToBucket(connection);
  }

  /** Forget a connection if it is the one stored under its own key (delete(connectionKey(tcb)) when it is). */
  remove(connection: Connection): void {
    const t = connection.tcb;
    if (this.find(t.localAddress, t.localPort, t.remoteAddress, t.remotePort) !== connection) return;
    super.delete(connectionKey(t));
    this.removeFromBucket(connection);
  }

  /** The same as get(connectionKey(4-tuple)). */
  find(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): Connection | undefined {
    if (this.oddKeys > 0) return this.get(connectionKey({ localAddress, localPort, remoteAddress, remotePort }));
    const bucket = this.byRemote.get(remoteAddress);
    if (!bucket) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const c = bucket[i]!;
      const t = c.tcb;
      if (t.localPort === localPort && t.remotePort === remotePort && t.localAddress === localAddress) return c;
    }
    return undefined;
  }

  /** Index an entry stored through the Map interface (the layer itself uses insert). */
  private index(key: string, connection: Connection): void {
    if (key === connectionKey(connection.tcb)) this.addToBucket(connection);
    else this.oddKeys++;
  }

  private unindex(key: string, connection: Connection): void {
    if (key === connectionKey(connection.tcb)) this.removeFromBucket(connection);
    else this.oddKeys--;
  }

  private addToBucket(connection: Connection): void {
    const bucket = this.byRemote.get(connection.tcb.remoteAddress);
    if (bucket) bucket.push(connection);
    else this.byRemote.set(connection.tcb.remoteAddress, [connection]);
  }

  private removeFromBucket(connection: Connection): void {
    const remote = connection.tcb.remoteAddress;
    const bucket = this.byRemote.get(remote);
    if (!bucket) return;
    if (bucket.length === 1 && bucket[0] === connection) {
      this.byRemote.delete(remote); // the usual case: one connection per remote address
      return;
    }
    const rest = bucket.filter((c) => c !== connection);
    if (rest.length > 0) this.byRemote.set(remote, rest);
    else this.byRemote.delete(remote);
  }
}

/**
 * The demultiplexing key of a connection: the 4-tuple as six UTF-16 code
 * units (each address in two 16-bit halves, then its port), so one to one.
 * One builtin call, where formatting the four numbers as decimal text cost a
 * number-to-string conversion each and four concatenations, twice for every
 * connection (stored, then removed). A lookup key, never shown.
 */
export function connectionKey(t: { localAddress: number; localPort: number; remoteAddress: number; remotePort: number }): string {
  return String.fromCharCode(t.localAddress >>> 16, t.localAddress & 0xffff, t.localPort, t.remoteAddress >>> 16, t.remoteAddress & 0xffff, t.remotePort);
}

/** A listening socket's key: address and port in one number (below 2^48), so a SYN's lookup builds no string. */
function listenKey(address: number, port: number): number {
  return address * 0x1_0000 + port;
}
