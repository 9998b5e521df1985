/**
 * `npm run sim -- compare [--seed N] [--clients N] [--json]`: the comparison
 * (src/scenarios/compare.ts) — one workload run as the patent's handoff, an L7
 * proxy and SYN-time ROUNDROBIN — printed as JSON (`CompareReport`, shape
 * documented there) or as a table. Every number comes from the runs' traces.
 */
import { parseSeed } from '../scenarios/load';
import { COMPARE_WAYS, parseCompareParams, runCompare, type CompareReport, type WayReport } from '../scenarios/compare';

/** What the compare command reads from the command line. */
export interface CompareArgs {
  readonly seed?: string | undefined;
  readonly clients?: string | undefined;
  readonly json: boolean;
}

/** Run it; returns the exit code, or the error for a bad argument. */
export function compareCommand(args: CompareArgs): { ok: true; code: number; output: string } | { ok: false; error: string } {
  const seed = args.seed === undefined ? { ok: true as const, seed: 1 } : parseSeed(args.seed, '--seed');
  if (!seed.ok) return seed;
  const clients = args.clients === undefined ? undefined : Number(args.clients);
  if (args.clients !== undefined && !/^\d+$/.test(args.clients)) return { ok: false, error: `--clients: expected a whole number, got '${args.clients}'` };
  const params = parseCompareParams(clients === undefined ? {} : { clients });
  if (!params.ok) return { ok: false, error: params.error.replace(/^clients:/, '--clients:') };
  const report = runCompare(params.params, seed.seed);
  const failed = report.ways.some((w) => w.requests.failed > 0 || Object.values(w.invariants).some((i) => !i.ok));
  return { ok: true, code: failed ? 1 : 0, output: args.json ? `${JSON.stringify(report, null, 2)}\n` : formatCompareTable(report) };
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;

/** The rows of the table: a label and how to read it from one way. */
const ROWS: readonly (readonly [string, (w: WayReport) => string])[] = [
  ['requests completed', (w) => `${w.requests.completed}/${w.requests.issued}`],
  ['routing stack bytes in (of them TCP)', (w) => `${kb(w.routingStack.in.bytes)} (${kb(w.routingStack.in.tcpBytes)})`],
  ['routing stack bytes out (of them TCP)', (w) => `${kb(w.routingStack.out.bytes)} (${kb(w.routingStack.out.tcpBytes)})`],
  ['routing stack TCP segments in', (w) => String(w.routingStack.in.tcpSegments)],
  ['routing stack TCP segments out', (w) => String(w.routingStack.out.tcpSegments)],
  ['latency p50', (w) => ms(w.latency.p50Us)],
  ['latency p95', (w) => ms(w.latency.p95Us)],
  ['latency p99', (w) => ms(w.latency.p99Us)],
  ['latency mean', (w) => ms(w.latency.meanUs)],
  ['cache hit rate', (w) => `${(w.cache.hitRate * 100).toFixed(1)} %`],
  ['invariants', (w) => (Object.values(w.invariants).every((i) => i.ok) ? 'hold' : Object.entries(w.invariants).filter(([, i]) => !i.ok).map(([n]) => `${n} FAILS`).join(', '))],
];

/** A plain-text table, one column per way, then segments processed per stack. */
export function formatCompareTable(r: CompareReport): string {
  const p = r.params;
  const head = `compare seed=${r.seed}: ${p.clients} clients × ${p.requestsPerClient} requests, ${p.objects} objects (Zipf s=${p.zipfExponentMilli / 1000}), ${p.targets} targets with ${p.cacheObjects}-object caches, hit ${p.hitUs} µs, miss ${p.missUs} µs, ${p.objectBytes}-byte objects`;
  const ways = COMPARE_WAYS.map((c) => r.ways.find((w) => w.way === c.way)).filter((w): w is WayReport => w !== undefined);
  const rows: string[][] = [['', ...ways.map((w) => w.title)], ...ROWS.map(([label, read]) => [label, ...ways.map(read)])];
  const stacks = Object.keys(ways[0]?.stacks ?? {});
  for (const s of stacks) rows.push([`${s} TCP segments in/out`, ...ways.map((w) => `${w.stacks[s]?.in.tcpSegments ?? 0}/${w.stacks[s]?.out.tcpSegments ?? 0}`)]);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
  return `${head}\n${lines.join('\n')}\nEvery number is read from the simulation’s trace; handoff is the patent’s method, not a z/OS function.\n`;
}
