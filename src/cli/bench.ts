/**
 * `npm run bench -- --clients N [--servers S] [--profile rfc|linux] [--json]`
 *
 * Runs the ns-3 short-flow workload (src/scenarios/short-flows.ts) and reports
 * segments (IPv4 packets sent by all nodes, as ns-3's Ipv4L3Protocol/Tx counts
 * them), events, setup and run wall seconds, segments per run-second, and the
 * heap bytes one established connection costs (measured in a second phase that
 * holds N idle connections open; needs node --expose-gc, as the npm script gives).
 *
 * The headline (`runWallSeconds`, `segmentsPerSecond`) is the cold run: the
 * first run in a fresh process, JIT warm-up included, which is the fair
 * comparison with ns-3's ahead-of-time compiled C++. The same workload is then
 * built and run again untimed, and once more timed: `warmRunWallSeconds` and
 * `warmSegmentsPerSecond` are that third run, the engine's steady-state speed.
 * A connection is the client–server pair, two TCBs: heapBytesPerConnection
 * counts both ends, heapBytesPerEndpoint one (half of it).
 */
import { parseArgs } from 'node:util';
import { buildSysplex } from '../machines/sysplex/sysplex';
import { buildHttpRequest } from '../sim/sysplex/dialogue/http';
import { buildShortFlows } from '../scenarios/short-flows';
import { xstateTcpControl } from '../machines/tcp-control';
import { Simulation } from '../sim/core/simulation';
import { DEFAULT_LINK } from '../sim/net/link';
import { Network } from '../sim/net/network';
import type { Connection } from '../sim/tcp/connection';
import { tcpProfile } from '../sim/tcp/profile';
import { TcpLayer } from '../sim/tcp/tcp-layer';

const STOP_US = 30_000_000; // ns-3 program's --stop

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) {
    process.stderr.write(`bench: --${name} must be an integer from 1 to ${max}, got '${raw}'\n`);
    process.exit(2);
  }
  return n;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Heap bytes per established connection (both endpoints): N client–server connections held open, measured by heap delta. */
function heapPerConnection(n: number, profileName: 'rfc' | 'linux'): number | null {
  if (!(globalThis as { gc?: unknown }).gc) return null;
  const sim = new Simulation({ seed: 1, traceMode: 'off' });
  const network = new Network(sim);
  const profile = tcpProfile(profileName);
  const server = network.addHost('server');
  const serverTcp = new TcpLayer(server, { profile, control: xstateTcpControl });
  const held: Connection[] = [];
  serverTcp.listen(8080, (c) => held.push(c));
  const layers: TcpLayer[] = [];
  for (let i = 0; i < n; i++) {
    const client = network.addHost(`c${i}`);
    const subnet = (0x0a00_0000 + 4 * i) >>> 0;
    network.connect(`l${i}`, { host: client, iface: 'eth0', address: subnet + 1, prefixLength: 30 }, { host: server, iface: `eth${i}`, address: subnet + 2, prefixLength: 30 }, DEFAULT_LINK);
    layers.push(new TcpLayer(client, { profile, control: xstateTcpControl }));
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  layers.forEach((tcp, i) => held.push(tcp.connect({ dst: (0x0a00_0000 + 4 * i + 2) >>> 0, dstPort: 8080 })));
  sim.scheduler.runUntil(100_000, { maxEvents: 100 * n });
  gc();
  const after = process.memoryUsage().heapUsed;
  const established = held.filter((c) => c.tcb.state === 'ESTABLISHED').length;
  if (established !== 2 * n) throw new Error(`only ${established} of ${2 * n} endpoints established`);
  return Math.round((after - before) / n);
}

/**
 * `--handoff`: the same N one-request flows through the sysplex twice — once
 * answered by the routing app itself, once transferred to a target app first
 * (one transfer per flow) — and the cost ratio per flow.
 */
function handoffBench(clients: number, profile: 'rfc' | 'linux'): Record<string, number | string> {
  const run = (path: string): { wall: number; segments: number; events: number; done: number; transfers: number } => {
    const sim = new Simulation({ seed: 1, traceMode: 'off' });
    const request = buildHttpRequest({ method: 'POST', target: path, headers: [['Host', 'shop.example']], body: 'x'.repeat(120) });
    const sysplex = buildSysplex(sim, {
      profile,
      protocol: 'http',
      port: 80,
      stacks: ['SYS1', 'SYS2', 'SYS3'],
      targets: [{ app: 'WEB2', stack: 'SYS2', accept: { refuse: 'never' } }, { app: 'WEB3', stack: 'SYS3', accept: { refuse: 'never' } }],
      policy: { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEB3'] }], fallback: ['WEB2'] },
      clients: Array.from({ length: clients }, (_, i) => ({ startAtUs: Math.round((1 + i / clients) * 1e6), requests: [request] })),
      freeze: 'queue',
      transferTimeoutMs: 2_000,
      routingAppName: 'ROUTER',
    });
    const t0 = performance.now();
    sim.scheduler.runUntil(STOP_US, { maxEvents: 500 * clients + 10_000 });
    const wall = (performance.now() - t0) / 1000;
    const done = sysplex.clients.filter((c) => c.replies.length > 0 && c.replies.every((r) => r.status === 200)).length;
    const transfers = [...sysplex.routingStack.dpt.values()].reduce((n, d) => n + d.totalConn, 0);
    return { wall, segments: sim.trace.packetCount, events: sim.scheduler.eventCount, done, transfers };
  };
  const plain = run('/welcome');
  const handoff = run('/orders/1');
  return {
    clients,
    plainWallSeconds: plain.wall,
    plainFlowsDone: plain.done,
    plainPackets: plain.segments,
    handoffWallSeconds: handoff.wall,
    handoffFlowsDone: handoff.done,
    handoffTransfers: handoff.transfers,
    handoffPackets: handoff.segments,
    costRatio: handoff.wall / plain.wall,
    packetRatio: handoff.segments / plain.segments,
  };
}

/** Run a built workload to the ns-3 program's stop time. */
function runShortFlows(sim: Simulation, clients: number): void {
  const outcome = sim.scheduler.runUntil(STOP_US, { maxEvents: 200 * clients + 1000 });
  if (outcome.kind === 'event-limit') throw new Error('event limit reached');
}

/** Wall seconds of the workload's third run in this process: one untimed run after the cold one, then the timed one. */
function warmRun(clients: number, servers: number, profile: 'rfc' | 'linux'): number {
  runShortFlows(buildShortFlows({ clients, servers, profile }).sim, clients);
  const { sim } = buildShortFlows({ clients, servers, profile });
  const t0 = performance.now();
  runShortFlows(sim, clients);
  return (performance.now() - t0) / 1000;
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { clients: { type: 'string' }, servers: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean', default: false }, handoff: { type: 'boolean', default: false } },
  });
  const clients = positiveInt('clients', values.clients, 1000, 1_000_000);
  if (values.handoff) {
    const r = handoffBench(clients, values.profile === 'rfc' ? 'rfc' : 'linux');
    process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v)}`).join(' ')}\n`);
    return;
  }
  const servers = positiveInt('servers', values.servers, 1, clients);
  const profile = values.profile === 'linux' ? 'linux' : 'rfc';
  const t0 = performance.now();
  const { sim, counters } = buildShortFlows({ clients, servers, profile });
  const t1 = performance.now();
  runShortFlows(sim, clients);
  const t2 = performance.now();
  const segments = sim.trace.packetCount;
  const warmRunWallSeconds = warmRun(clients, servers, profile);
  const heapBytesPerConnection = heapPerConnection(Math.min(clients, 10_000), profile);
  const runWallSeconds = (t2 - t1) / 1000;
  const result = {
    clients,
    servers,
    profile,
    flowsDone: counters.flowsDone,
    serverReplies: counters.serverReplies,
    segments,
    segmentsPerFlow: segments / clients,
    events: sim.scheduler.eventCount,
    setupWallSeconds: (t1 - t0) / 1000,
    runWallSeconds,
    segmentsPerSecond: Math.round(segments / runWallSeconds),
    warmRunWallSeconds,
    warmSegmentsPerSecond: Math.round(segments / warmRunWallSeconds),
    heapBytesPerConnection,
    heapBytesPerEndpoint: heapBytesPerConnection === null ? null : Math.round(heapBytesPerConnection / 2),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${Object.entries(result).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v)}`).join(' ')}\n`);
}

main();
