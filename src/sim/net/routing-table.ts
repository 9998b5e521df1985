/**
 * A host's routing table: longest-prefix match over (prefix, length) entries.
 * Routes are indexed by prefix length, so a lookup costs one map probe per
 * distinct length (a server with thousands of point-to-point links has one),
 * not one comparison per route. Among equal prefixes the route added first wins,
 * so lookups never depend on hash-map order.
 */
import { prefixMask } from '../wire/ipv4-address';
import type { Interface } from './interface';

/** One route: packets to prefix/length leave through `iface`, towards `gateway` if set. */
export interface Route {
  readonly prefix: number;
  readonly prefixLength: number;
  readonly iface: Interface;
  readonly gateway: number | null;
}

/** Longest-prefix-match routing table. */
export class RoutingTable {
  private readonly routes: Route[] = [];
  /** prefix length → (network address → first route added for it). */
  private readonly byLength = new Map<number, Map<number, Route>>();
  /** Distinct prefix lengths, longest first. */
  private lengths: number[] = [];

  /** All routes, in the order added. */
  get entries(): readonly Route[] {
    return this.routes;
  }

  /** Add a route. */
  add(route: Route): void {
    this.routes.push(route);
    let table = this.byLength.get(route.prefixLength);
    if (!table) {
      table = new Map();
      this.byLength.set(route.prefixLength, table);
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    const network = (route.prefix & prefixMask(route.prefixLength)) >>> 0;
    if (!table.has(network)) table.set(network, route);
  }

  /** The most specific route to `dst`, or null. */
  lookup(dst: number): Route | null {
    for (const length of this.lengths) {
      const route = this.byLength.get(length)?.get((dst & prefixMask(length)) >>> 0);
      if (route) return route;
    }
    return null;
  }
}
