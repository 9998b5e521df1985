/**
 * Small topologies shared by scenarios: a client and a server on two subnets
 * joined by a router, with default routes, so scenarios only add apps.
 */
import type { Simulation } from '../sim/core/simulation';
import type { Host } from '../sim/net/host';
import { DEFAULT_LINK, type LinkProperties } from '../sim/net/link';
import { Network } from '../sim/net/network';
import { ipv4AddressOrThrow as ip } from '../sim/wire/ipv4-address';

/** Addresses of the client–router–server topology. */
export const PAIR_ADDRESSES = {
  client: ip('10.0.1.2'),
  routerClientSide: ip('10.0.1.1'),
  routerServerSide: ip('10.0.2.1'),
  server: ip('10.0.2.2'),
} as const;

/** The built topology. */
export interface ClientRouterServer {
  readonly network: Network;
  readonly client: Host;
  readonly router: Host;
  readonly server: Host;
}

/**
 * client (10.0.1.2) — router — server (10.0.2.2). `clientSide` and
 * `serverSide` give each link's properties; a pair gives each direction
 * (towards the router first).
 */
export function clientRouterServer(
  sim: Simulation,
  clientSide: LinkProperties | readonly [LinkProperties, LinkProperties] = DEFAULT_LINK,
  serverSide: LinkProperties | readonly [LinkProperties, LinkProperties] = DEFAULT_LINK,
): ClientRouterServer {
  const a = PAIR_ADDRESSES;
  const network = new Network(sim);
  const client = network.addHost('client');
  const router = network.addHost('router', { forwarding: true });
  const server = network.addHost('server');
  network.connect('client-router', { host: client, iface: 'eth0', address: a.client, prefixLength: 24 }, { host: router, iface: 'eth0', address: a.routerClientSide, prefixLength: 24 }, clientSide);
  network.connect('router-server', { host: router, iface: 'eth1', address: a.routerServerSide, prefixLength: 24 }, { host: server, iface: 'eth0', address: a.server, prefixLength: 24 }, reverse(serverSide));
  client.routes.add({ prefix: 0, prefixLength: 0, iface: client.iface('eth0'), gateway: a.routerClientSide });
  server.routes.add({ prefix: 0, prefixLength: 0, iface: server.iface('eth0'), gateway: a.routerServerSide });
  return { network, client, router, server };
}

/** The server-side link is created router-first, so a (towards-router, away) pair is swapped. */
function reverse(p: LinkProperties | readonly [LinkProperties, LinkProperties]): LinkProperties | readonly [LinkProperties, LinkProperties] {
  return Array.isArray(p) ? ([p[1], p[0]] as const) : p;
}
