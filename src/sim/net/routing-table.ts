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

/** The routes of one prefix length, with its mask computed once. */
interface LengthTable {
  readonly length: number;
  readonly mask: number;
  /** network address → first route added for it. */
  readonly routes: Map<number, Route>;
}

/** Longest-prefix-match routing table. */
export class RoutingTable {
  private readonly routes: Route[] = [];
  /** One table per distinct prefix length, longest first. */
  private tables: LengthTable[] = [];
  /** The last lookup, answered again without probing: a host often sends a burst to one destination. */
  private lastDst = Number.NaN;
  private lastRoute: Route | null = null;

  /** All routes, in the order added. */
  get entries(): readonly Route[] {
    return this.routes;
  }

  /** Add a route. */
  add(route: Route): void {
    this.routes.push(route);
    let table = this.tables.find((t) => t.length === route.prefixLength);
    if (!table) {
      table = { length: route.prefixLength, mask: prefixMask(route.prefixLength), routes: new Map() };
      this.tables = [...this.tables, table].sort((a, b) => b.length - a.length);
    }
    const network = (route.prefix & table.mask) >>> 0;
    if (!table.routes.has(network)) table.routes.set(network, route);
    this.lastDst = Number.NaN; // a new route may be more specific than the one remembered
  }

  /** The most specific route to `dst`, or null. */
  lookup(dst: number): Route | null {
    if (dst === this.lastDst) return this.lastRoute;
    let found: Route | null = null;
    const tables = this.tables;
    for (let i = 0; i < tables.length && found === null; i++) {
      const table = tables[i]!;
      found = table.routes.get((dst & table.mask) >>> 0) ?? null;
    }
    this.lastDst = dst;
    this.lastRoute = found;
    return found;
  }
}
