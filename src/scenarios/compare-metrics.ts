/**
 * The comparison's numbers, read from one run's trace and nothing else:
 * traffic per stack from packet-send / packet-deliver entries (sizes from the
 * packet table), request latency from the clients' app-bytes entries, cache
 * hits from the target apps' cache entries. The loopback interface is left
 * out: it carries the control sockets inside one stack, not the network.
 */
import type { TraceEntry } from '../sim/core/trace';
import { IpProtocol } from '../sim/wire/types';

/** Packets and bytes (whole IPv4 datagrams) in one direction; tcpSegments and tcpBytes count the TCP ones among them (the rest is UDP: control sockets, XCF). */
export interface Traffic {
  packets: number;
  bytes: number;
  tcpSegments: number;
  tcpBytes: number;
}

/** What a stack received (`in`) and sent (`out`) on its network interfaces — forwarded packets count both ways. */
export interface StackTraffic {
  readonly in: Traffic;
  readonly out: Traffic;
}

/** A latency distribution, µs. Percentiles by nearest rank; histogram counts fall in [edgesUs[i], edgesUs[i+1]), the last bucket open. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  readonly maxUs: number;
  /** The latency at each percentile 1…100 (entry i is percentile i + 1), for drawing the distribution as a CDF. */
  readonly percentilesUs: readonly number[];
  readonly histogram: { readonly edgesUs: readonly number[]; readonly counts: readonly number[] };
}

/** Cache lookups on the targets. */
export interface CacheSummary {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), rounded to 4 decimals; 0 when there were none. */
  readonly hitRate: number;
  readonly byTarget: Readonly<Record<string, { readonly hits: number; readonly misses: number }>>;
}

/**
 * Histogram bucket edges, µs: every millisecond up to 20 ms (where the
 * comparison's requests fall: a round trip or two plus a hit or a miss), then
 * 24, 32, 48, 64, 128 and 256 ms and above.
 */
export const LATENCY_EDGES_US: readonly number[] = [...Array.from({ length: 21 }, (_, i) => i * 1_000), 24_000, 32_000, 48_000, 64_000, 128_000, 256_000];

const LOOPBACK_IFACE = 'lo';

function emptyTraffic(): Traffic {
  return { packets: 0, bytes: 0, tcpSegments: 0, tcpBytes: 0 };
}

/** Traffic per stack (by node name), from the packet entries of the trace. */
export function stackTraffic(events: readonly TraceEntry[], packets: readonly { readonly bytes: Uint8Array }[], stacks: readonly string[]): Record<string, StackTraffic> {
  const out: Record<string, StackTraffic> = {};
  for (const s of stacks) out[s] = { in: emptyTraffic(), out: emptyTraffic() };
  for (const e of events) {
    if ((e.kind !== 'packet-send' && e.kind !== 'packet-deliver') || e.iface === LOOPBACK_IFACE) continue;
    const row = out[e.node];
    const bytes = packets[e.packetId]?.bytes;
    if (!row || !bytes) continue;
    const t = e.kind === 'packet-deliver' ? row.in : row.out;
    t.packets++;
    t.bytes += bytes.byteLength;
    if (bytes[9] !== IpProtocol.TCP) continue;
    t.tcpSegments++;
    t.tcpBytes += bytes.byteLength;
  }
  return out;
}

/** Per-request latency: from the client writing its request to it consuming the whole response, per client connection. */
export function requestLatencies(events: readonly TraceEntry[]): { issued: number; latenciesUs: number[] } {
  const sentAt = new Map<string, number[]>();
  const latenciesUs: number[] = [];
  let issued = 0;
  for (const e of events) {
    if (e.kind !== 'app-bytes' || e.app !== 'client') continue;
    const key = `${e.node} ${e.conn}`;
    if (e.direction === 'out') {
      issued++;
      let times = sentAt.get(key);
      if (times === undefined) sentAt.set(key, (times = []));
      times.push(e.time);
      continue;
    }
    const start = sentAt.get(key)?.shift();
    if (start !== undefined) latenciesUs.push(e.time - start);
  }
  return { issued, latenciesUs };
}

/** Percentiles, mean, max and histogram of `values` (µs). */
export function summarizeLatency(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const counts = LATENCY_EDGES_US.map(() => 0);
  for (const v of sorted) {
    let i = LATENCY_EDGES_US.length - 1;
    while (i > 0 && v < (LATENCY_EDGES_US[i] ?? 0)) i--;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const sum = sorted.reduce((a, b) => a + b, 0);
  const percentilesUs = Array.from({ length: 100 }, (_, i) => rank(i + 1));
  return { count: sorted.length, p50Us: rank(50), p95Us: rank(95), p99Us: rank(99), meanUs: sorted.length ? Math.round(sum / sorted.length) : 0, maxUs: sorted.at(-1) ?? 0, percentilesUs, histogram: { edgesUs: LATENCY_EDGES_US, counts } };
}

/** Cache hits and misses from the target apps' `cache` entries (app entries whose data carries `cache: 'hit' | 'miss'`). */
export function cacheSummary(events: readonly TraceEntry[]): CacheSummary {
  const byTarget: Record<string, { hits: number; misses: number }> = {};
  let hits = 0;
  let misses = 0;
  for (const e of events) {
    if (e.kind !== 'app' || e.data?.cache === undefined) continue;
    const row = (byTarget[e.app] ??= { hits: 0, misses: 0 });
    if (e.data.cache === 'hit') {
      hits++;
      row.hits++;
    } else {
      misses++;
      row.misses++;
    }
  }
  const lookups = hits + misses;
  return { hits, misses, hitRate: lookups ? Math.round((hits / lookups) * 10_000) / 10_000 : 0, byTarget };
}
