/**
 * The built-in scenarios of z/OS around the patent, not the patent itself:
 * Sysplex Distributor's SYN-time methods (ROUNDROBIN, WEIGHTEDACTIVE,
 * HOTSTANDBY, BASEWLM, SERVERWLM) and DVIPA takeover and takeback. They run on
 * the same sysplex runner as the patent's scenarios (sysplex-scenarios.ts).
 */
import { declaredLosses } from '../sim/checkers/losses';
import { formatIpv4Address } from '../sim/wire/ipv4-address';
import { clientsDone, defineSysplexScenario, invariantsHold, type SysplexRun } from './sysplex-scenarios';
import type { SysplexParamsInput } from './sysplex-params';
import type { Expectation, ScenarioRun } from './types';

// ---- SYN-time distribution (z/OS Sysplex Distributor, not the patent) ----------

/** The distributor's choice entries: one per SYN it routed (or could not). */
export function synChoices(r: ScenarioRun): { conn: string; method: string; target: string; reason: string; index: number }[] {
  const out: { conn: string; method: string; target: string; reason: string; index: number }[] = [];
  for (const e of r.sim.trace.events) {
    if (e.kind !== 'app' || e.app !== 'distributor' || !e.data) continue;
    out.push({ conn: String(e.data.conn), method: String(e.data.method), target: String(e.data.target), reason: String(e.data.reason), index: e.index });
  }
  return out;
}

/** The last VDPT numbers per target stack, from the trace. */
export function lastVdpt(r: ScenarioRun): Map<string, { totalConn: number; activeConn: number; rdy: number }> {
  const rows = new Map<string, { totalConn: number; activeConn: number; rdy: number }>();
  for (const e of r.sim.trace.events) {
    if (e.kind !== 'app' || e.app !== 'VDPT' || !e.data) continue;
    rows.set(String(e.data.stack), { totalConn: Number(e.data.totalConn), activeConn: Number(e.data.activeConn), rdy: Number(e.data.rdy) });
  }
  return rows;
}

/** SYN-time runs never use the patent's transfer, and every connection has left ActiveConn by the end. */
function synTimeClean(r: SysplexRun): Expectation[] {
  const transfers = r.sim.trace.events.filter((e) => e.kind === 'transfer').length;
  const active = [...lastVdpt(r)].map(([s, v]) => `${s} ${v.activeConn}`).join(', ');
  return [
    { name: 'no connection was transferred (SYN-time distribution only)', ok: transfers === 0, detail: `${transfers} transfer steps` },
    { name: 'ActiveConn is back to 0 on every target', ok: [...lastVdpt(r).values()].every((v) => v.activeConn === 0), detail: active },
  ];
}

const sequenceIs = (r: ScenarioRun, expected: readonly string[]): Expectation => {
  const got = synChoices(r).map((c) => c.target);
  return { name: `the distributor chose ${expected.join(', ')}`, ok: got.join(',') === expected.join(','), detail: got.join(', ') };
};

/** z/OS ROUNDROBIN: six clients alternate over two targets. */
export const synRoundRobin = defineSysplexScenario(
  'syn-roundrobin',
  'SYN-time: ROUNDROBIN',
  'z/OS Sysplex Distributor, not the patent: SYS1 picks a target on each SYN, in turn, and forwards the connection over XCF; SYS2 and SYS3 serve three clients each and answer directly.',
  [],
  { distribution: { method: 'roundrobin' }, clients: 6 },
  (r) => [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r), sequenceIs(r, ['SYS2', 'SYS3', 'SYS2', 'SYS3', 'SYS2', 'SYS3'])],
);

/** z/OS WEIGHTEDACTIVE: weights 10:20 keep the active connections at 1:2. */
export const synWeightedActive = defineSysplexScenario(
  'syn-weightedactive',
  'SYN-time: WEIGHTEDACTIVE 10:20',
  'z/OS Sysplex Distributor, not the patent: nine overlapping clients; each SYN goes to the target with the smallest (ActiveConn+1)/WEIGHT, so SYS2 (10) and SYS3 (20) hold active connections 1:2.',
  [],
  { distribution: { method: 'weightedactive', weights: { SYS2: 10, SYS3: 20 } }, clients: 9, followUps: 4 },
  (r) => [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r), sequenceIs(r, ['SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3'])],
);

/** z/OS HOTSTANDBY: the preferred target takes everything until it crashes; then the backup. */
export const synHotStandby = defineSysplexScenario(
  'syn-hotstandby',
  'SYN-time: HOTSTANDBY',
  'z/OS Sysplex Distributor, not the patent: every connection goes to the preferred SYS2 until SYS2 crashes mid-run; XCF tells SYS1, and the backup SYS3 takes the new connections.',
  [],
  { distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS3', rank: 100 }] }, clients: 4, clientSpacingUs: 200_000, crash: { stack: 'SYS2', atUs: 330_000 } },
  (r) => [...clientsDone(r), ...invariantsHold(r), sequenceIs(r, ['SYS2', 'SYS2', 'SYS3', 'SYS3'])],
);

const countOf = (targets: readonly string[], stack: string): number => targets.filter((t) => t === stack).length;

/** z/OS BASEWLM: system weights 3:1, then WLM recomputes them to 1:3. */
export const synBaseWlm = defineSysplexScenario(
  'syn-basewlm',
  'SYN-time: BASEWLM',
  'z/OS Sysplex Distributor, not the patent: WLM says SYS2 has three times SYS3’s spare capacity (48:16), so it gets 3 of the first 4 connections; at 30 ms WLM turns the weights round and SYS3 gets 3 of the next 4.',
  [],
  { distribution: { method: 'basewlm', wlm: { SYS2: { weight: 48 }, SYS3: { weight: 16 } }, changes: [{ atUs: 30_000, stack: 'SYS2', weight: 16 }, { atUs: 30_000, stack: 'SYS3', weight: 48 }] }, clients: 8, clientSpacingUs: 5_000 },
  (r) => {
    const got = synChoices(r).map((c) => c.target);
    const [before, after] = [got.slice(0, 4), got.slice(4)];
    return [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r),
      { name: 'weights 48:16 give SYS2 3 of the first 4 connections', ok: countOf(before, 'SYS2') === 3 && before.length === 4, detail: before.join(', ') },
      { name: 'weights 16:48 give SYS3 3 of the next 4', ok: countOf(after, 'SYS3') === 3 && after.length === 4, detail: after.join(', ') }];
  },
);

/** z/OS SERVERWLM: equal server weights, but one server at half health gets half as many connections. */
export const synServerWlm = defineSysplexScenario(
  'syn-serverwlm',
  'SYN-time: SERVERWLM with health',
  'z/OS Sysplex Distributor, not the patent: WEB2 and WEB3 have the same server-specific weight 40, but WEB2 reports 50 % health, so its weight counts as 20 and SYS3 takes two connections for each of SYS2’s.',
  [],
  { distribution: { method: 'serverwlm', wlm: { SYS2: { weight: 40, health: 50 }, SYS3: { weight: 40 } } }, clients: 6 },
  (r) => {
    const got = synChoices(r).map((c) => c.target);
    return [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r), { name: 'SYS2 (health 50 %) got 2 of 6 connections, SYS3 4', ok: countOf(got, 'SYS2') === 2 && countOf(got, 'SYS3') === 4, detail: got.join(', ') }];
  },
);

// ---- DVIPA takeover and takeback (z/OS around the patent, not the patent) -------------

/** The sysplex both takeover scenarios use: SYS2 is the backup (VIPABACKUP), WEB3 and WEB4 serve on SYS3 and SYS4. */
const TAKEOVER_SYSPLEX: SysplexParamsInput = {
  stacks: ['SYS1', 'SYS2', 'SYS3', 'SYS4'],
  backup: { stack: 'SYS2', rank: 100 },
  targets: [{ app: 'WEB3', stack: 'SYS3' }, { app: 'WEB4', stack: 'SYS4' }],
  policy: { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEB3'] }], fallback: ['WEB4'] },
  clients: 3,
  clientSpacingUs: 14_000,
  followUps: 2,
  decidingValues: ['/orders/42', '/catalog/7', '/orders/43'],
  // After client1's transfer to WEB3, while client2 still talks to the routing app on SYS1.
  crash: { stack: 'SYS1', atUs: 31_000 },
  xcfDetectionUs: 100_000,
  routerConvergenceUs: 50_000,
};

/** The VIPADYN statuses a stack went through, in order ('Down' while crashed). */
export function vipadynStatuses(r: ScenarioRun, stack: string): string[] {
  return r.sim.trace.events.flatMap((e) => (e.kind === 'app' && e.app === 'VIPADYN' && e.node === stack ? [String(e.data?.status)] : []));
}

/** "client:port>dvipa:port" of client i's connection. */
function clientConn(r: SysplexRun, i: number): string {
  const c = r.sysplex.clients[i]?.connection?.tcb;
  return c ? `${formatIpv4Address(c.localAddress)}:${c.localPort}>${formatIpv4Address(c.remoteAddress)}:${c.remotePort}` : '?';
}

const statusesAre = (r: ScenarioRun, stack: string, expected: readonly string[]): Expectation => {
  const got = vipadynStatuses(r, stack);
  return { name: `VIPADYN on ${stack}: ${expected.join(' → ')}`, ok: got.join(',') === expected.join(','), detail: got.join(' → ') };
};

/** What both takeover scenarios show: the transferred connection survives, the routing app’s own one is lost, a new one comes through the backup. */
function takeoverChecks(r: SysplexRun): Expectation[] {
  const [first, second, third] = [0, 1, 2].map((i) => r.sysplex.clients[i]);
  const lost = declaredLosses(r.sim.trace).byConn.get(clientConn(r, 1));
  const forwarded = r.sim.trace.events.some((e) => e.kind === 'app' && e.node === 'SYS2' && e.message === `forward ${clientConn(r, 0)} over XCF to SYS3`);
  const viaBackup = r.sim.trace.events.some((e) => e.kind === 'tcb' && e.node === 'SYS2' && e.action === 'install' && e.conn === clientConn(r, 2));
  const rebuilt = r.sim.trace.events.some((e) => e.kind === 'crt' && e.node === 'SYS2' && e.action === 'add' && (e.reason ?? '').startsWith('takeover: SYS3 reports'));
  return [
    ...invariantsHold(r),
    { name: 'client1, moved to WEB3 before the crash, finished through the backup', ok: first?.state === 'done' && forwarded, detail: `${first?.state ?? '?'}; SYS2 forwarded its segments: ${String(forwarded)}` },
    { name: 'client2, still with the routing app on SYS1, is lost: owned by crashed SYS1', ok: second?.state === 'failed' && lost?.stack === 'SYS1', detail: `${second?.state ?? '?'} (${second?.failure ?? ''}); declared lost with ${lost?.stack ?? 'nobody'}` },
    { name: 'client3 connected after the crash, through the backup’s routing app', ok: third?.state === 'done' && viaBackup, detail: `${third?.state ?? '?'}; TCB installed on SYS2: ${String(viaBackup)}` },
    { name: 'SYS2 rebuilt its CRT from SYS3’s report', ok: rebuilt, detail: String(rebuilt) },
  ];
}

/** z/OS DVIPA takeover: the backup stack takes the DVIPA and the CRT over; transferred connections survive. */
export const takeover = defineSysplexScenario(
  'takeover',
  'DVIPA takeover by the backup',
  'SYS1 crashes after moving client1 to WEB3; XCF tells SYS2, the backup, which takes the DVIPA, rebuilds the CRT from the targets’ reports and forwards client1 on; client2, still on SYS1, is lost; client3 connects through SYS2.',
  [],
  TAKEOVER_SYSPLEX,
  (r) => [...takeoverChecks(r), statusesAre(r, 'SYS2', ['Backup', 'Active'])],
);

/** z/OS DVIPA takeback: the original stack returns; the backup keeps its own connection (Moving) until it has moved on. */
export const takeback = defineSysplexScenario(
  'takeback',
  'DVIPA takeback',
  'As in takeover, then SYS1 restarts while client3 still talks to the routing app on SYS2: SYS1 takes the DVIPA back, SYS2 goes Moving and keeps client3 until it hands it to WEB3, then Backup.',
  [],
  { ...TAKEOVER_SYSPLEX, restart: { stack: 'SYS1', atUs: 1_046_000 } },
  (r) => {
    const conn = clientConn(r, 2);
    const repointed = r.sim.trace.events.some((e) => e.kind === 'crt' && e.node === 'SYS1' && e.action === 'update' && `${e.source}>${e.dest}` === conn && e.destXcf === '10.9.0.3');
    return [
      ...takeoverChecks(r),
      statusesAre(r, 'SYS1', ['Active', 'Down', 'Active']),
      statusesAre(r, 'SYS2', ['Backup', 'Active', 'Moving', 'Backup']),
      { name: 'SYS1’s CRT took client3’s row from SYS2’s report and followed it to WEB3', ok: repointed, detail: String(repointed) },
    ];
  },
);
