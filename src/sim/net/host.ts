/**
 * A host (or router) of the simulated network. It owns interfaces and a routing
 * table, sends IPv4 datagrams as real bytes, decodes what arrives (a decode
 * error is traced, never thrown), delivers local datagrams to protocol handlers
 * and, when forwarding is on, routes the rest with TTL − 1.
 */
import type { Simulation } from '../core/simulation';
import type { DropReason } from '../core/trace';
import { internetChecksum } from '../wire/checksum';
import { encodeIpv4, ipv4Destination, ipv4HeaderBytes, ipv4LengthProblem, ipv4Protocol, ipv4TotalLength, readIpv4Header } from '../wire/ipv4';
import { formatIpv4Address } from '../wire/ipv4-address';
import type { Ipv4Header } from '../wire/types';
import type { Interface } from './interface';
import { RoutingTable } from './routing-table';

/** A datagram handed to a protocol handler on the receiving host. */
export interface IpDelivery {
  readonly header: Ipv4Header;
  readonly payload: Uint8Array;
  readonly packetId: number;
  readonly iface: Interface;
  /** The whole datagram as it arrived (for hooks that forward it unchanged). */
  readonly bytes: Uint8Array;
}

/** Handles datagrams of one IP protocol on a host. */
export type ProtocolHandler = (delivery: IpDelivery) => void;

/**
 * Sees every datagram that arrives at a host before normal processing. Returns
 * true when it consumed the datagram (e.g. a sysplex routing stack forwarding
 * it to another stack), false to let the host go on.
 */
export type IngressHook = (delivery: IpDelivery) => boolean;

/** What to send: the host fills in the source address from the route when absent. */
export interface SendRequest {
  readonly dst: number;
  readonly protocol: number;
  readonly payload: Uint8Array;
  readonly src?: number;
  readonly ttl?: number;
}

/** A node of the network. */
export class Host {
  readonly interfaces: Interface[] = [];
  readonly routes = new RoutingTable();
  /** Addresses this host accepts as its own: its interfaces', plus extras such as a VIPA. */
  readonly localAddresses = new Set<number>();
  private readonly protocols = new Map<number, ProtocolHandler>();
  private readonly crashListeners: (() => void)[] = [];
  private ipId = 0;
  /** False after a crash: the host neither sends nor receives. */
  up = true;
  ingressHook: IngressHook | null = null;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    /** Routers forward datagrams not addressed to them; end hosts drop them. */
    readonly forwarding: boolean,
  ) {}

  /** The interface named `name`. */
  iface(name: string): Interface {
    const found = this.interfaces.find((i) => i.name === name);
    if (!found) throw new Error(`host ${this.name} has no interface ${name}`);
    return found;
  }

  /** True when `address` is one of this host's addresses (interface addresses are added to localAddresses). */
  owns(address: number): boolean {
    return this.localAddresses.has(address);
  }

  /** Register the handler for an IP protocol number. */
  registerProtocol(protocol: number, handler: ProtocolHandler): void {
    this.protocols.set(protocol, handler);
  }

  /** Call `listener` when the host crashes (sockets and timers die with it). */
  onCrash(listener: () => void): void {
    this.crashListeners.push(listener);
  }

  /** Crash the host: it stops sending and receiving; listeners drop their state. */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.sim.trace.record({ kind: 'fault', target: `host:${this.name}`, fault: 'crash' });
    for (const listener of this.crashListeners) listener();
  }

  /** Restart a crashed host with empty protocol state. */
  restart(): void {
    if (this.up) return;
    this.up = true;
    this.sim.trace.record({ kind: 'fault', target: `host:${this.name}`, fault: 'restart' });
  }

  /** Build an IPv4 datagram and route it. Returns the packet id, or null if it was dropped here. */
  send(request: SendRequest): number | null {
    const src = request.src ?? this.routes.lookup(request.dst)?.iface.address ?? 0;
    const bytes = encodeIpv4(
      { src, dst: request.dst, protocol: request.protocol, ttl: request.ttl ?? 64, identification: this.nextIdentification() },
      request.payload,
    );
    return this.sendDatagram(bytes, request.dst);
  }

  /**
   * Register and route a datagram the caller built in full (as send() would:
   * identification from nextIdentification()). Lets a protocol write its
   * header and the IPv4 header into one array. Returns the packet id, or null
   * if it was dropped here.
   */
  sendDatagram(bytes: Uint8Array, dst: number): number | null {
    const packetId = this.sim.trace.registerPacket(bytes, this.name);
    return this.route(packetId, bytes, dst) ? packetId : null;
  }

  /** The IPv4 identification for the next datagram this host builds (consumes it). */
  nextIdentification(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Route an already-built datagram out of the right interface. */
  route(packetId: number, bytes: Uint8Array, dst: number): boolean {
    if (!this.up) return this.drop(null, packetId, 'host-down');
    const route = this.routes.lookup(dst);
    if (!route) return this.drop(null, packetId, 'no-route', `no route to ${formatIpv4Address(dst)}`);
    const { iface } = route;
    if (bytes.length > iface.mtu) return this.drop(iface, packetId, 'too-big', `${bytes.length} > MTU ${iface.mtu}`);
    if (!iface.link) return this.drop(iface, packetId, 'link-down', 'interface not attached');
    iface.link.transmit(iface, packetId, bytes);
    return true;
  }

  /** Called by a link when a datagram arrives at one of this host's interfaces. */
  receive(iface: Interface, packetId: number, bytes: Uint8Array, sentAt: number): void {
    const trace = this.sim.trace;
    if (!this.up) {
      this.drop(iface, packetId, 'host-down');
      return;
    }
    if (trace.on) trace.record({ kind: 'packet-deliver', node: this.name, iface: iface.name, packetId, sentAt });
    const problem = ipv4LengthProblem(bytes);
    if (problem !== undefined) {
      this.drop(iface, packetId, 'malformed', problem.error);
      return;
    }
    if (internetChecksum(bytes, 0, ipv4HeaderBytes(bytes)) !== 0) {
      this.drop(iface, packetId, 'bad-checksum', 'IPv4 header checksum');
      return;
    }
    const delivery = new ReceivedDatagram(packetId, iface, bytes);
    if (this.ingressHook?.(delivery)) return;
    const dst = ipv4Destination(bytes);
    if (this.owns(dst)) this.deliverLocal(delivery);
    else if (this.forwarding) this.forward(delivery, bytes);
    else this.drop(iface, packetId, 'not-for-us', `to ${formatIpv4Address(dst)}`);
  }

  /** Hand a datagram to the protocol handler for its protocol number. */
  deliverLocal(delivery: IpDelivery): void {
    const protocol = ipv4Protocol(delivery.bytes);
    const handler = this.protocols.get(protocol);
    if (!handler) {
      this.drop(delivery.iface, delivery.packetId, 'no-listener', `protocol ${protocol}`);
      return;
    }
    handler(delivery);
  }

  /**
   * Send a datagram that arrived here on towards `nextHop` (e.g. a stack's XCF
   * address) whatever its destination address says, TTL − 1. Returns false if dropped.
   */
  forwardVia(delivery: IpDelivery, nextHop: number): boolean {
    if (delivery.header.ttl <= 1) return this.drop(delivery.iface, delivery.packetId, 'ttl-expired');
    const copy = withTtl(delivery.bytes, delivery.header.ttl - 1);
    const id = this.sim.trace.registerPacket(copy, this.name, delivery.packetId);
    return this.route(id, copy, nextHop);
  }

  /** Forward a datagram with its TTL decremented: new bytes, so a new packet id. */
  forward(delivery: IpDelivery, bytes: Uint8Array): void {
    const { header } = delivery;
    if (header.ttl <= 1) {
      this.drop(delivery.iface, delivery.packetId, 'ttl-expired');
      return;
    }
    const copy = withTtl(bytes, header.ttl - 1);
    const id = this.sim.trace.registerPacket(copy, this.name, delivery.packetId);
    this.route(id, copy, header.dst);
  }

  /** Record a drop at this host; returns false so callers can `return this.drop(...)`. */
  drop(iface: Interface | null, packetId: number, reason: DropReason, detail?: string): false {
    const body = { kind: 'packet-drop', node: this.name, iface: iface?.name ?? null, packetId, reason } as const;
    this.sim.trace.record(detail === undefined ? body : { ...body, detail });
    return false;
  }
}

/**
 * An arriving datagram as hooks and protocol handlers see it. Header and
 * payload view are built on first use: TCP reads its segment straight from
 * `bytes`, so most datagrams never need either.
 */
class ReceivedDatagram implements IpDelivery {
  private headerFields: Ipv4Header | null = null;
  private payloadView: Uint8Array | null = null;

  constructor(
    readonly packetId: number,
    readonly iface: Interface,
    readonly bytes: Uint8Array,
  ) {}

  get header(): Ipv4Header {
    this.headerFields ??= readIpv4Header(this.bytes);
    return this.headerFields;
  }

  get payload(): Uint8Array {
    this.payloadView ??= this.bytes.subarray(ipv4HeaderBytes(this.bytes), ipv4TotalLength(this.bytes));
    return this.payloadView;
  }
}

/** A copy of an IPv4 datagram with a new TTL and its header checksum updated (RFC 1624). */
export function withTtl(bytes: Uint8Array, ttl: number): Uint8Array {
  const copy = bytes.slice();
  const old = (copy[8] as number) << 8 | (copy[9] as number);
  const updated = (ttl << 8) | (copy[9] as number);
  copy[8] = ttl;
  // Incremental update: HC' = ~(~HC + ~m + m') (RFC 1624, eqn. 3).
  const hc = (copy[10] as number) << 8 | (copy[11] as number);
  let sum = (~hc & 0xffff) + (~old & 0xffff) + updated;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const result = ~sum & 0xffff;
  copy[10] = result >>> 8;
  copy[11] = result & 0xff;
  return copy;
}
