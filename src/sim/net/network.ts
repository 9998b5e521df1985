/**
 * The network: hosts joined by point-to-point links. It builds interfaces with
 * addresses, wires each link's arrivals to the receiving host, and adds the
 * directly connected routes so a small topology needs only default routes.
 */
import type { Simulation } from '../core/simulation';
import { prefixMask } from '../wire/ipv4-address';
import { Host } from './host';
import type { Interface } from './interface';
import { DEFAULT_LINK, Link, NO_FAULTS, type LinkProperties } from './link';

/** 127.0.0.1 */
export const LOOPBACK = 0x7f00_0001;

/** One end of a link to create. */
export interface LinkEnd {
  readonly host: Host;
  readonly iface: string;
  readonly address: number;
  readonly prefixLength: number;
  readonly mtu?: number;
}

/** A set of hosts and links sharing one simulation. */
export class Network {
  readonly hosts = new Map<string, Host>();
  readonly links = new Map<string, Link>();

  constructor(readonly sim: Simulation) {}

  /** Add a host; `forwarding` makes it a router. Names must be unique. */
  addHost(name: string, options: { forwarding?: boolean } = {}): Host {
    if (this.hosts.has(name)) throw new Error(`duplicate host name ${name}`);
    const host = new Host(this.sim, name, options.forwarding ?? false);
    this.hosts.set(name, host);
    return host;
  }

  /** The host named `name`. */
  host(name: string): Host {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host named ${name}`);
    return host;
  }

  /**
   * Give a host a loopback interface "lo" (127.0.0.1/8, MTU 65535): datagrams
   * sent to it come back to the same host 1 µs later and show in the "host/lo"
   * capture, as local control traffic does on a real system.
   */
  addLoopback(host: Host): Interface {
    const lo = addInterface({ host, iface: 'lo', address: LOOPBACK, prefixLength: 8, mtu: 65_535 });
    const props = { delayUs: 0, bandwidthBps: 1e15, queueLimitPackets: 100_000, faults: NO_FAULTS };
    const link = new Link(this.sim, `${host.name}-lo`, [lo, lo], [props, props], (iface, packetId, bytes, sentAt) => iface.host.receive(iface, packetId, bytes, sentAt));
    lo.link = link;
    this.links.set(link.name, link);
    return lo;
  }

  /**
   * Join two hosts with a link. `props` applies to both directions unless a
   * pair is given (a→b, b→a). Each end gets a connected route to its subnet.
   */
  connect(name: string, a: LinkEnd, b: LinkEnd, props: LinkProperties | readonly [LinkProperties, LinkProperties] = DEFAULT_LINK): Link {
    if (this.links.has(name)) throw new Error(`duplicate link name ${name}`);
    const ia = addInterface(a);
    const ib = addInterface(b);
    const pair = isPair(props) ? props : ([props, props] as const);
    const link = new Link(this.sim, name, [ia, ib], pair, (iface, packetId, bytes, sentAt) =>
      iface.host.receive(iface, packetId, bytes, sentAt),
    );
    ia.link = link;
    ib.link = link;
    this.links.set(name, link);
    return link;
  }
}

function isPair(p: LinkProperties | readonly [LinkProperties, LinkProperties]): p is readonly [LinkProperties, LinkProperties] {
  return Array.isArray(p);
}

function addInterface(end: LinkEnd): Interface {
  if (end.host.interfaces.some((i) => i.name === end.iface)) {
    throw new Error(`host ${end.host.name} already has an interface ${end.iface}`);
  }
  const iface: Interface = {
    host: end.host,
    name: end.iface,
    address: end.address >>> 0,
    prefixLength: end.prefixLength,
    mtu: end.mtu ?? 1500,
    link: null,
  };
  end.host.interfaces.push(iface);
  end.host.localAddresses.add(iface.address);
  const prefix = (end.address & prefixMask(end.prefixLength)) >>> 0;
  end.host.routes.add({ prefix, prefixLength: end.prefixLength, iface, gateway: null });
  return iface;
}
