/**
 * Comparison mode (issue #7 part 3): one workload run three ways on the same
 * sysplex — the patent's handoff, an L7 proxy on the routing stack, and z/OS
 * Sysplex Distributor's content-blind SYN-time ROUNDROBIN — each in its own
 * simulation with the same seed, and the numbers each way produced, read from
 * its trace (compare-metrics.ts).
 *
 * The two content-aware ways pick the target by hashing the request path
 * (cache.ts `hashByPath`), so one object is always served by one target and
 * the targets' LRU caches hold different objects (LARD's locality). ROUNDROBIN
 * picks on the SYN, before any request byte exists, so it cannot.
 *
 * `npm run sim -- compare [--seed N] [--clients N] [--json]` prints the
 * report; its JSON shape is `CompareReport`:
 *
 * ```
 * { kind: 'compare', version: 1, seed, params: CompareParams,
 *   ways: [{ way: 'handoff' | 'proxy' | 'syn-roundrobin', title, contentAware,
 *            requests: { issued, completed, failed },
 *            routingStack: { stack, in: Traffic, out: Traffic },
 *            stacks: { [stack]: { in: Traffic, out: Traffic } },
 *            latency: { count, p50Us, p95Us, p99Us, meanUs, maxUs, percentilesUs: [p1 … p100], histogram: { edgesUs, counts } },
 *            cache: { hits, misses, hitRate, byTarget: { [app]: { hits, misses } } },
 *            invariants: { [name]: { ok, detail } },
 *            run: { traceHash, events, packets, simTimeUs } }] }
 * Traffic = { packets, bytes, tcpSegments, tcpBytes }  (IPv4 datagrams on the stack's network interfaces; TCP among them)
 * ```
 * Ways appear in that order; every number is an integer except hitRate (4 decimals).
 */
import * as v from 'valibot';
import { xstateTcpControl } from '../machines/tcp-control';
import { ClientApp } from '../machines/sysplex/apps/client';
import type { Responder } from '../machines/sysplex/apps/target-app';
import { buildSysplex, type SysplexConfig } from '../machines/sysplex/sysplex';
import { runAllCheckers } from '../sim/checkers';
import { Simulation } from '../sim/core/simulation';
import { CachedServer, hashByPath } from '../sim/sysplex/cache';
import { buildHttpRequest, buildHttpResponse } from '../sim/sysplex/dialogue/http';
import { TcpLayer } from '../sim/tcp/tcp-layer';
import { tcpProfile } from '../sim/tcp/profile';
import { formatIpv4Address } from '../sim/wire/ipv4-address';
import { cacheSummary, requestLatencies, stackTraffic, summarizeLatency, type CacheSummary, type LatencySummary, type StackTraffic } from './compare-metrics';
import { buildWorkload, type WorkloadRequest } from './compare-workload';

const int = (min: number, max: number, fallback: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback);

/**
 * The comparison's parameters, bounded so a run stays a few seconds long.
 * Defaults: 200 clients × 3 requests over 1 s (600 requests/s), 1,000
 * objects with Zipf s = 1, three targets with 100-object caches, a hit served
 * in 200 µs, a miss holding the target's disk for 5 ms, 4,000-byte objects.
 */
export const CompareParamsSchema = v.strictObject({
  clients: int(1, 1_000, 200),
  requestsPerClient: int(1, 20, 3),
  objects: int(1, 4_000, 1_000),
  /** Zipf exponent s in thousandths: 1000 = weight 1/r; 0 = uniform. */
  zipfExponentMilli: int(0, 2_000, 1_000),
  /** Target stacks (SYS2, SYS3, …), each running one web server (WEB2, WEB3, …). */
  targets: int(2, 8, 3),
  /** LRU cache capacity of each target, in objects. */
  cacheObjects: int(0, 4_000, 100),
  hitUs: int(0, 1_000_000, 200),
  missUs: int(0, 1_000_000, 5_000),
  /** Body bytes of every object's response. */
  objectBytes: int(0, 65_536, 4_000),
  /** Request arrivals spread uniformly over this window, µs. */
  spreadUs: int(1, 60_000_000, 1_000_000),
  profile: v.optional(v.picklist(['rfc', 'linux']), 'linux'),
});

/** Comparison parameters as parsed. */
export type CompareParams = v.InferOutput<typeof CompareParamsSchema>;

/** The three ways, in report order. */
export const COMPARE_WAYS = [
  { way: 'handoff', title: 'Patent handoff (content-aware)', contentAware: true },
  { way: 'proxy', title: 'L7 proxy (content-aware)', contentAware: true },
  { way: 'syn-roundrobin', title: 'SYN-time ROUNDROBIN (content-blind)', contentAware: false },
] as const;

/** One way's id. */
export type CompareWay = (typeof COMPARE_WAYS)[number]['way'];

/** One way's numbers. */
export interface WayReport {
  readonly way: CompareWay;
  readonly title: string;
  readonly contentAware: boolean;
  readonly requests: { readonly issued: number; readonly completed: number; readonly failed: number };
  readonly routingStack: StackTraffic & { readonly stack: string };
  readonly stacks: Readonly<Record<string, StackTraffic>>;
  readonly latency: LatencySummary;
  readonly cache: CacheSummary;
  readonly invariants: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
  readonly run: { readonly traceHash: string; readonly events: number; readonly packets: number; readonly simTimeUs: number };
}

/** The whole comparison. */
export interface CompareReport {
  readonly kind: 'compare';
  readonly version: 1;
  readonly seed: number;
  readonly params: CompareParams;
  readonly ways: readonly WayReport[];
}

/** Validate parameter overrides; the error names the field. */
export function parseCompareParams(input: unknown): { ok: true; params: CompareParams } | { ok: false; error: string } {
  const r = v.safeParse(CompareParamsSchema, input ?? {});
  if (r.success) return { ok: true, params: r.output };
  const issue = r.issues[0];
  return { ok: false, error: `${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}` };
}

/** Clients start once the targets' listening notices have crossed XCF (as runSysplex waits). */
const READY_US = 10_300;
/** After the last arrival: time for the last answers and for every TIME-WAIT (2·MSL) to end, so CRT rows go. */
const DRAIN_US = 130_000_000;

/** Run the workload three ways and report. */
export function runCompare(params: CompareParams, seed: number): CompareReport {
  const workload = buildWorkload(params, seed);
  return { kind: 'compare', version: 1, seed, params, ways: COMPARE_WAYS.map((w) => runWay(w, params, workload, seed)) };
}

/** One way alone, equal to its entry in runCompare's report (a UI can show each way as it finishes). */
export function runCompareWay(way: CompareWay, params: CompareParams, seed: number): WayReport {
  const w = COMPARE_WAYS.find((x) => x.way === way);
  if (!w) throw new RangeError(`unknown way ${way}`);
  return runWay(w, params, buildWorkload(params, seed), seed);
}

/** Stack and app names: SYS1 routes, SYS2… serve with WEB2…. */
function names(p: CompareParams): { stacks: string[]; apps: string[] } {
  const targets = Array.from({ length: p.targets }, (_, i) => i + 2);
  return { stacks: ['SYS1', ...targets.map((n) => `SYS${n}`)], apps: targets.map((n) => `WEB${n}`) };
}

/** What differs between the ways: who picks the target, and when. */
function wayConfig(way: CompareWay, stacks: readonly string[], apps: readonly string[]): Partial<SysplexConfig> {
  if (way === 'syn-roundrobin') return { distribution: { config: { method: 'roundrobin' }, stacks: stacks.slice(1), changes: [] } };
  return { select: hashByPath(apps), ...(way === 'proxy' ? { proxy: true } : {}) };
}

function runWay(w: (typeof COMPARE_WAYS)[number], p: CompareParams, workload: readonly WorkloadRequest[], seed: number): WayReport {
  const sim = new Simulation({ seed });
  const { stacks, apps } = names(p);
  const sysplex = buildSysplex(sim, {
    profile: p.profile,
    protocol: 'http',
    port: 80,
    stacks,
    targets: apps.map((app, i) => ({ app, stack: stacks[i + 1] ?? '', accept: { refuse: 'never' }, respond: cachedResponder(sim, app, stacks[i + 1] ?? '', p) })),
    policy: { rules: [], fallback: apps },
    clients: [],
    clientHosts: p.clients,
    freeze: 'queue',
    transferTimeoutMs: 2_000,
    routingAppName: w.way === 'proxy' ? 'PROXY' : 'ROUTER',
    ...wayConfig(w.way, stacks, apps),
  });
  startClients(sim, sysplex.net, workload, p);
  const lastUs = READY_US + (workload.at(-1)?.atUs ?? 0);
  sim.scheduler.runUntil(lastUs + DRAIN_US, { maxEvents: 50_000_000 });
  return report(w, sim, sysplex.net, stacks);
}

/** One ClientApp per request, on its client's host, at its time: a new connection with one GET. */
function startClients(sim: Simulation, net: ReturnType<typeof buildSysplex>['net'], workload: readonly WorkloadRequest[], p: CompareParams): void {
  const profile = tcpProfile(p.profile);
  const layers = net.clients.map((host) => new TcpLayer(host, { profile, control: xstateTcpControl }));
  for (const r of workload) {
    const tcp = layers[r.client];
    const host = net.clients[r.client];
    if (!tcp || !host) continue;
    const request = buildHttpRequest({ method: 'GET', target: r.path, headers: [['Host', 'shop.example']] });
    new ClientApp(sim, tcp, { node: host.name, protocol: 'http', requests: [request], dvipa: net.dvipa, port: 80, startAtUs: READY_US + r.atUs });
  }
}

/** A target's cache and disk: the answer comes when the cache (or the disk) has it, with a trace entry saying which. */
function cachedResponder(sim: Simulation, app: string, stack: string, p: CompareParams): Responder {
  const server = new CachedServer(sim.scheduler, p.cacheObjects, { hitUs: p.hitUs, missUs: p.missUs });
  const body = new Uint8Array(p.objectBytes).fill(0x78);
  return (path, write) =>
    server.request(path, (o) => {
      const cache = o.hit ? 'hit' : 'miss';
      const waited = o.queuedUs > 0 ? `, waited ${o.queuedUs} µs for the disk` : '';
      sim.trace.record({ kind: 'app', node: stack, app, message: `GET ${path}: cache ${cache}${waited}, served in ${o.serviceUs} µs`, data: { cache, path, queuedUs: o.queuedUs, serviceUs: o.serviceUs } });
      write(buildHttpResponse({ status: 200, reason: 'OK', headers: [['Content-Type', 'application/octet-stream'], ['X-Cache', o.hit ? 'HIT' : 'MISS'], ['X-Served-By', app]], body }));
    });
}

function report(w: (typeof COMPARE_WAYS)[number], sim: Simulation, net: ReturnType<typeof buildSysplex>['net'], stacks: readonly string[]): WayReport {
  const events = sim.trace.events;
  const traffic = stackTraffic(events, sim.trace.packets, stacks);
  const { issued, latenciesUs } = requestLatencies(events);
  const xcfOf = Object.fromEntries([...net.xcf].map(([k, a]) => [k, formatIpv4Address(a)]));
  const checks = runAllCheckers(sim.trace, { clientPoints: net.clients.map((c) => `${c.name}/eth0`), dvipa: net.dvipa, xcfOf });
  const routing = stacks[0] ?? 'SYS1';
  return {
    way: w.way,
    title: w.title,
    contentAware: w.contentAware,
    requests: { issued, completed: latenciesUs.length, failed: issued - latenciesUs.length },
    routingStack: { stack: routing, ...(traffic[routing] ?? { in: { packets: 0, bytes: 0, tcpSegments: 0, tcpBytes: 0 }, out: { packets: 0, bytes: 0, tcpSegments: 0, tcpBytes: 0 } }) },
    stacks: traffic,
    latency: summarizeLatency(latenciesUs),
    cache: cacheSummary(events),
    invariants: Object.fromEntries(checks.map((c) => [c.name, { ok: c.ok, detail: c.detail }])),
    run: { traceHash: sim.trace.hash(), events: sim.trace.length, packets: sim.trace.packetCount, simTimeUs: sim.now },
  };
}
