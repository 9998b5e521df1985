/**
 * A host's routing table: longest-prefix match over (prefix, length) entries.
 * Ties on length go to the entry added first, so lookups never depend on
 * insertion into a hash map.
 */
import { inPrefix } from '../wire/ipv4-address';
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

  /** All routes, in the order added. */
  get entries(): readonly Route[] {
    return this.routes;
  }

  /** Add a route. */
  add(route: Route): void {
    this.routes.push(route);
  }

  /** The most specific route to `dst`, or null. */
  lookup(dst: number): Route | null {
    let best: Route | null = null;
    for (const r of this.routes) {
      if (inPrefix(dst, r.prefix, r.prefixLength) && (best === null || r.prefixLength > best.prefixLength)) best = r;
    }
    return best;
  }
}
