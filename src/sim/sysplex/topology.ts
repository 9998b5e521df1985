/**
 * The sysplex network: clients on their own links to a router; the router on a
 * link to each stack's OSA interface; the stacks joined to each other by XCF
 * links (a full mesh, as dynamic XCF builds it), each stack with its own XCF
 * address; one DVIPA owned by the routing stack (the router routes it there)
 * and held as an internal copy by the target stacks, so they can terminate
 * connections to it. Outbound, every stack routes straight to the router.
 */
import type { Simulation } from '../core/simulation';
import type { Host } from '../net/host';
import { DEFAULT_LINK, type LinkProperties } from '../net/link';
import { Network } from '../net/network';
import { formatIpv4Address, ipv4AddressOrThrow as ip } from '../wire/ipv4-address';

/** Shape of the sysplex to build. */
export interface SysplexShape {
  /** Stack names; the first is the routing stack (owns the DVIPA). At least 3. */
  readonly stacks: readonly string[];
  readonly clients: number;
  readonly clientLink?: LinkProperties | readonly [LinkProperties, LinkProperties];
  readonly osaLink?: LinkProperties;
  readonly xcfLink?: LinkProperties;
}

/** A built sysplex. */
export interface SysplexNetwork {
  readonly network: Network;
  readonly router: Host;
  readonly clients: readonly Host[];
  readonly stacks: readonly Host[];
  readonly dvipa: number;
  /** Stack name → XCF address. */
  readonly xcf: ReadonlyMap<string, number>;
}

/** The DVIPA clients connect to. */
export const DVIPA = ip('10.10.10.10');
const CLIENT_BASE = ip('10.64.0.0');
const XCF_LINK_BASE = ip('10.8.0.0');
/**
 * XCF links carry whole transfer messages in one datagram (fragmentation is not
 * modelled); z/OS dynamic XCF over HiperSockets allows MTUs up to 56 KB and more.
 */
export const XCF_MTU = 65_535;

/** XCF address of the stack at `index` (10.9.0.1, 10.9.0.2, …). */
export function xcfAddress(index: number): number {
  return (ip('10.9.0.0') + index + 1) >>> 0;
}

/** Build the sysplex network; no apps yet. */
export function buildSysplexNetwork(sim: Simulation, shape: SysplexShape): SysplexNetwork {
  if (shape.stacks.length < 3) throw new Error(`a sysplex needs at least 3 stacks (one routing, two targets), got ${shape.stacks.length}`);
  const network = new Network(sim);
  const router = network.addHost('router', { forwarding: true });
  const stacks = shape.stacks.map((name, j) => addStack(network, router, name, j, shape.osaLink ?? DEFAULT_LINK));
  const xcf = new Map(shape.stacks.map((name, j) => [name, xcfAddress(j)] as const));
  meshXcf(network, stacks, shape.xcfLink ?? { ...DEFAULT_LINK, delayUs: 100, bandwidthBps: 10_000_000_000 });
  const [routing, ...targets] = stacks as [Host, ...Host[]];
  routing.localAddresses.add(DVIPA);
  for (const t of targets) t.localAddresses.add(DVIPA); // internal copy: terminates, never advertised
  router.routes.add({ prefix: DVIPA, prefixLength: 32, iface: router.iface(`osa-${routing.name}`), gateway: null });
  const clients = Array.from({ length: shape.clients }, (_, i) => addClient(network, router, i, shape.clientLink ?? DEFAULT_LINK));
  return { network, router, clients, stacks, dvipa: DVIPA, xcf };
}

function addStack(network: Network, router: Host, name: string, j: number, link: LinkProperties): Host {
  const host = network.addHost(name);
  const subnet = (ip('10.2.0.0') + (j << 8)) >>> 0;
  network.connect(`osa-${name}`, { host: router, iface: `osa-${name}`, address: subnet + 1, prefixLength: 30 }, { host, iface: 'osa', address: subnet + 2, prefixLength: 30 }, link);
  host.routes.add({ prefix: 0, prefixLength: 0, iface: host.iface('osa'), gateway: subnet + 1 });
  host.localAddresses.add(xcfAddress(j));
  network.addLoopback(host);
  return host;
}

function meshXcf(network: Network, stacks: readonly Host[], link: LinkProperties): void {
  let pair = 0;
  stacks.forEach((a, i) => {
    stacks.forEach((b, j) => {
      if (j <= i) return;
      const subnet = (XCF_LINK_BASE + 4 * pair++) >>> 0;
      network.connect(`xcf-${a.name}-${b.name}`, { host: a, iface: `xcf-${b.name}`, address: subnet + 1, prefixLength: 30, mtu: XCF_MTU }, { host: b, iface: `xcf-${a.name}`, address: subnet + 2, prefixLength: 30, mtu: XCF_MTU }, link);
      a.routes.add({ prefix: xcfAddress(j), prefixLength: 32, iface: a.iface(`xcf-${b.name}`), gateway: null });
      b.routes.add({ prefix: xcfAddress(i), prefixLength: 32, iface: b.iface(`xcf-${a.name}`), gateway: null });
    });
  });
}

function addClient(network: Network, router: Host, i: number, link: LinkProperties | readonly [LinkProperties, LinkProperties]): Host {
  const host = network.addHost(`client${i + 1}`);
  const subnet = (CLIENT_BASE + 4 * i) >>> 0;
  network.connect(`lan-${host.name}`, { host, iface: 'eth0', address: subnet + 1, prefixLength: 30 }, { host: router, iface: `lan-${host.name}`, address: subnet + 2, prefixLength: 30 }, link);
  host.routes.add({ prefix: 0, prefixLength: 0, iface: host.iface('eth0'), gateway: subnet + 2 });
  return host;
}

/** "10.9.0.1" for display in CRT/DPT rows. */
export const dotted = formatIpv4Address;
