/**
 * The built-in sysplex scenarios, one per group of patent claims. Each builds
 * the sysplex from validated parameters, runs it, and checks its own
 * expectations plus the invariant checkers (transparency, exactly-once, one
 * owner) — except where its fault makes a break unavoidable, which it then
 * records as expected, with the reason.
 */
import { buildSysplex, type ClientConfig, type Sysplex } from '../machines/sysplex/sysplex';
import type { SynDistribution } from '../machines/sysplex/syn-routing';
import { DEFAULT_WLM } from '../sim/sysplex/distribution';
import { runAllCheckers } from '../sim/checkers';
import { declaredLosses } from '../sim/checkers/losses';
import type { CheckResult } from '../sim/checkers/types';
import { Simulation } from '../sim/core/simulation';
import { basicCredentials, buildHttpRequest } from '../sim/sysplex/dialogue/http';
import { buildSmtpCommand } from '../sim/sysplex/dialogue/smtp';
import { utf8Encode } from '../sim/sysplex/dialogue/utf8';
import { formatIpv4Address } from '../sim/wire/ipv4-address';
import { DEFAULT_LINK } from '../sim/net/link';
import { linkProperties } from './params';
import { applyScriptedFaults } from './scripted-faults';
import { parseSysplexParams, type SysplexParams, type SysplexParamsInput } from './sysplex-params';
import { scheduleTakeoverFaults, takeoverConfig } from './takeover-run';
import type { Expectation, ScenarioDefinition, ScenarioRun } from './types';

/** What a sysplex scenario adds to a run. */
export interface SysplexRun extends ScenarioRun {
  readonly sysplex: Sysplex;
  readonly invariants: readonly CheckResult[];
}

function httpRequests(p: SysplexParams, i: number): Uint8Array[] {
  const user = i === 0 ? 'alice' : `user${i}`;
  const host: [string, string] = ['Host', 'shop.example'];
  const path = p.decidingValues[i % p.decidingValues.length] ?? '/orders/1';
  const deciding = p.decidingBodyBytes > 0
    ? buildHttpRequest({ method: 'POST', target: path, headers: [host, ['Content-Type', 'text/plain']], body: 'x'.repeat(p.decidingBodyBytes) })
    : buildHttpRequest({ method: 'GET', target: path, headers: [host] });
  return [
    buildHttpRequest({ method: 'POST', target: '/login', headers: [host, ['Authorization', basicCredentials(user, 'secret')]] }),
    buildHttpRequest({ method: 'GET', target: '/welcome', headers: [host, ['Cookie', `session=${user}`]] }),
    deciding,
    ...(p.followUpPaths ?? Array.from({ length: p.followUps }, (_, k) => `${path}?page=${k + 2}`)).map((target) => buildHttpRequest({ method: 'GET', target, headers: [host] })),
  ];
}

function smtpRequests(p: SysplexParams, i: number): Uint8Array[] {
  const domain = p.decidingValues[i % p.decidingValues.length] ?? 'example.com';
  return [
    buildSmtpCommand(`EHLO client${i + 1}.outside.example`),
    buildSmtpCommand(`MAIL FROM:<sender${i + 1}@outside.example>`),
    buildSmtpCommand(`RCPT TO:<bob@${domain}>`),
    buildSmtpCommand('DATA'),
    utf8Encode(`Subject: hello ${i + 1}\r\n\r\nA message through the sysplex.\r\n.\r\n`),
    buildSmtpCommand('QUIT'),
  ];
}

/** The routing stack's SYN-time settings for a scenario, the proxy, or nothing for the patent's handoff. */
function synDistribution(p: SysplexParams): { distribution: SynDistribution } | { proxy: true } | Record<string, never> {
  const d = p.distribution;
  if (d === undefined || d.method === 'patent-handoff') return {};
  if (d.method === 'proxy') return { proxy: true };
  const stacks = p.targets.map((t) => t.stack);
  if (d.method === 'basewlm') {
    const wlm = Object.fromEntries(Object.entries(d.wlm).map(([k, w]) => [k, { ...DEFAULT_WLM, ...w }]));
    return { distribution: { config: { method: d.method, wlm }, stacks, changes: d.changes } };
  }
  if (d.method === 'serverwlm') return { distribution: { config: { method: d.method, wlm: d.wlm }, stacks, changes: d.changes } };
  return { distribution: { config: d, stacks, changes: [] } };
}

/** Build and run a sysplex scenario. */
export function runSysplex(p: SysplexParams, seed: number, checks: (r: SysplexRun, p: SysplexParams) => Expectation[]): SysplexRun {
  const sim = new Simulation({ seed });
  // Clients start once the targets' listening notices have crossed XCF and reached the routing app.
  const readyUs = 10_000 + 3 * p.xcfDelayUs;
  const pipeline = p.pipelineDelayUs > 0 && p.protocol === 'http' ? { pipeline: { afterStep: 2, delayUs: p.pipelineDelayUs } } : {};
  const spacingUs = p.clientSpacingUs ?? 2_000;
  const clients: ClientConfig[] = Array.from({ length: p.clients }, (_, i) => ({ startAtUs: readyUs + spacingUs * i, requests: p.protocol === 'http' ? httpRequests(p, i) : smtpRequests(p, i), ...pipeline }));
  const sysplex = buildSysplex(sim, {
    profile: p.profile,
    protocol: p.protocol,
    port: p.protocol === 'http' ? 80 : 25,
    stacks: p.stacks,
    targets: p.targets.map((t) => ({ app: t.app, stack: t.stack, accept: { refuse: t.refuse, reason: t.reason }, ...(t.serves ? { serves: t.serves } : {}) })),
    policy: p.policy,
    clients,
    freeze: p.freeze,
    transferTimeoutMs: p.transferTimeoutMs,
    clientLink: linkProperties(p.clientLink),
    xcfLink: p.xcfLink ? linkProperties(p.xcfLink) : { ...DEFAULT_LINK, delayUs: p.xcfDelayUs, bandwidthBps: 10_000_000_000 },
    osaLink: linkProperties(p.osaLink),
    routingAppName: p.routingApp,
    ...synDistribution(p),
    ...takeoverConfig(p),
  });
  applyScriptedFaults(sysplex.net.network, p.faults);
  p.targets.forEach((t, i) => {
    const app = sysplex.targetApps[i];
    if (t.stopsAtUs !== undefined && app) sim.scheduler.at(t.stopsAtUs, () => app.stopListening());
    if (t.listensAgainAtUs !== undefined && app) sim.scheduler.at(t.listensAgainAtUs, () => app.listenAgain());
  });
  const crash = p.crash;
  if (crash) sim.scheduler.at(crash.atUs, () => sysplex.net.stacks.find((h) => h.name === crash.stack)?.crash());
  scheduleTakeoverFaults(sim, sysplex, p);
  sim.scheduler.runUntil(p.horizonUs, { maxEvents: 20_000_000 });
  const xcfOf = Object.fromEntries([...sysplex.net.xcf].map(([k, a]) => [k, formatIpv4Address(a)]));
  const invariants = runAllCheckers(sim.trace, { clientPoints: sysplex.net.clients.map((c) => `${c.name}/eth0`), dvipa: sysplex.net.dvipa, xcfOf });
  const base = { sim, connections: [], clientCapture: 'client1/eth0' as const, expectations: [], sysplex, invariants };
  return { ...base, expectations: checks(base, p) };
}

/** Every client finished its dialogue, with the replies it expected. */
export function clientsDone(r: SysplexRun): Expectation[] {
  return r.sysplex.clients.map((c, i) => ({ name: `client${i + 1} completed its dialogue`, ok: c.state === 'done', detail: `${c.state}${c.failure ? ` (${c.failure})` : ''}, ${c.replies.length} replies` }));
}

/** The invariant checkers hold. */
export function invariantsHold(r: SysplexRun): Expectation[] {
  return r.invariants.map((c) => ({ name: `invariant: ${c.name}`, ok: c.ok, detail: c.ok ? 'holds' : `${c.detail} (event ${c.firstFailingIndex ?? '?'})` }));
}

/** Claim 22: after an app stopped listening, the routing app's list no longer names it. */
function targetListShrank(r: SysplexRun): Expectation {
  const learned = r.sim.trace.events.filter((e) => e.kind === 'app' && e.app === r.sysplex.routingApp?.name && e.message.startsWith('learns the targets')).map((e) => (e.kind === 'app' ? e.message : ''));
  const last = learned.at(-1) ?? '';
  return { name: 'the routing app learned that WEB3 stopped listening', ok: learned.length >= 3 && !last.includes('WEB3'), detail: last };
}

/** The transfer steps of a phase, by the stack that recorded them. */
export function transferPhases(r: ScenarioRun, phase: string): number {
  return r.sim.trace.events.filter((e) => e.kind === 'transfer' && e.phase === phase).length;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function define(id: string, title: string, description: string, claims: readonly number[], overrides: SysplexParamsInput, checks: (r: SysplexRun, p: SysplexParams) => Expectation[]): ScenarioDefinition<SysplexParams> {
  const base = parseSysplexParams(overrides);
  if (!base.ok) throw new Error(`built-in scenario ${id} has bad defaults: ${base.error}`);
  return {
    id,
    title,
    description,
    claims,
    defaults: base.params,
    parse: (input) => (isPlainObject(input) ? parseSysplexParams({ ...overrides, ...input }) : { ok: false, error: '(top level): expected an object of parameter overrides' }),
    run: (params, seed) => runSysplex(params, seed, checks),
  };
}

const lastReplyMentions = (r: SysplexRun, text: string): Expectation => {
  const reply = r.sysplex.clients[0]?.replies.at(-1);
  return { name: `the last reply mentions "${text}"`, ok: reply?.text.includes(text) ?? false, detail: reply ? `${reply.status} ${reply.text.slice(0, 80)}` : 'no reply' };
};

/** Claims 1–7, 9, 11–15, 18–27: the default HTTP transfer. */
export const httpTransfer = define(
  'http-transfer',
  'HTTP transfer',
  'Log in and a welcome page with the routing app, then GET /orders/42 moves the connection to WEB3 on SYS3, which answers as alice.',
  [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27],
  {},
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB3 for alice'), { name: 'one transfer committed', ok: transferPhases(r, 'committed') === 1, detail: `${transferPhases(r, 'committed')}` }],
);

/** Claims 6, 7, 13 with SMTP: the envelope travels as application state. */
export const smtpTransfer = define(
  'smtp-transfer',
  'SMTP transfer with envelope',
  'EHLO and MAIL FROM with the routing app; RCPT TO:<bob@sales.example> moves the session to MAIL-SALES, which resumes from the envelope.',
  [1, 3, 6, 7, 11, 12, 13, 27],
  { protocol: 'smtp', targets: [{ app: 'MAIL-HQ', stack: 'SYS2' }, { app: 'MAIL-SALES', stack: 'SYS3' }], policy: { rules: [{ name: 'sales', match: { kind: 'smtp-rcpt-domain', domain: 'sales.example' }, targets: ['MAIL-SALES'] }], fallback: ['MAIL-HQ'] }, decidingValues: ['sales.example'] },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'bye'), { name: 'the target resumed with the envelope', ok: r.sysplex.clients[0]?.replies.some((x) => x.text.includes('sender1@outside.example')) ?? false, detail: r.sysplex.clients[0]?.replies.map((x) => x.status).join(',') ?? '' }],
);

/** Claim 16: the first target refuses, the second accepts. */
export const rejectSecondTarget = define(
  'reject-second-target',
  'Refused, then a second target',
  'WEB3 refuses (overloaded); the routing app asks WEB2, which accepts and serves the client. Later WEB3 stops listening, and the routing app’s target list shrinks.',
  [4, 14, 16, 22],
  { targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS3', refuse: 'always', reason: 'overloaded', stopsAtUs: 1_000_000 }] },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB2'), targetListShrank(r), { name: 'one refusal, then a commit', ok: transferPhases(r, 'rejected') >= 1 && transferPhases(r, 'committed') === 1, detail: `${transferPhases(r, 'rejected')} rejected, ${transferPhases(r, 'committed')} committed` }],
);

/** Claim 17: every target refuses; the client gets HTTP 503 over the same connection. */
export const allReject = define(
  'all-reject',
  'Every target refuses',
  'Both targets refuse; the routing app takes the connection back and answers HTTP 503 Service Unavailable.',
  [16, 17],
  { targets: [{ app: 'WEB2', stack: 'SYS2', refuse: 'always', reason: 'unknown user' }, { app: 'WEB3', stack: 'SYS3', refuse: 'always', reason: 'overloaded' }], followUps: 0 },
  (r) => {
    const replies = r.sysplex.clients[0]?.replies ?? [];
    return [...invariantsHold(r), { name: 'the client got 503', ok: replies.at(-1)?.status === 503, detail: replies.map((x) => x.status).join(',') }, { name: 'nothing committed', ok: transferPhases(r, 'committed') === 0, detail: `${transferPhases(r, 'aborted')} aborted` }];
  },
);

/** Claims 11 and 27: a large peeked request travels inside the transfer message. */
export const peekedData = define(
  'peeked-data',
  'Peeked bytes travel',
  'The deciding request is a 4 kB POST the routing app only peeks at; all of it travels in the transfer message and WEB3 consumes it.',
  [11, 27],
  { decidingBodyBytes: 4_000, followUps: 0 },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB3')],
);

/** Claim 8: every instance is the same application; the first routes. */
export const sameApplication = define(
  'same-application',
  'Same application everywhere',
  'The router and the targets are instances of one application, WEBAPP; the instance on SYS1 routes, those on SYS2 and SYS3 serve.',
  [8],
  { routingApp: 'WEBAPP', targets: [{ app: 'WEBAPP-2', stack: 'SYS2' }, { app: 'WEBAPP-3', stack: 'SYS3' }], policy: { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEBAPP-3'] }], fallback: ['WEBAPP-2'] } },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEBAPP-3')],
);

/** The freeze window: the client's retransmission arrives while frozen and is queued (or dropped). */
export const freezeWindow = define(
  'freeze-window',
  'Segments during the freeze',
  'XCF is slow (300 ms each way) and the client pipelines its next request 10 ms later, so it arrives while the connection is frozen: queued by default, dropped with freeze: "drop" (the client then retransmits).',
  [2, 12],
  { xcfDelayUs: 300_000, followUps: 1, transferTimeoutMs: 5_000, pipelineDelayUs: 10_000 },
  (r) => {
    const held = r.sim.trace.events.filter((e) => e.kind === 'app' && e.app === 'CRT' && e.message.startsWith('hold')).length;
    const dropped = r.sim.trace.events.filter((e) => e.kind === 'packet-drop' && e.reason === 'fault' && (e.detail ?? '').includes('frozen')).length;
    return [...clientsDone(r), ...invariantsHold(r), { name: 'segments arrived during the freeze', ok: held + dropped > 0, detail: `${held} held, ${dropped} dropped` }];
  },
);

/** A target stack crashes after taking the connection: the break is shown, expected. */
export const targetCrash = define(
  'target-crash',
  'Target stack crashes',
  'SYS3 crashes right after it took the connection over; the client’s requests go unanswered and it gives up — the lab shows what breaks.',
  [2, 12],
  { crash: { stack: 'SYS3', atUs: 26_000 }, followUps: 2, profile: 'linux', horizonUs: 1_200_000_000 },
  (r) => {
    const client = r.sysplex.clients[0];
    return [
      { name: 'the client did not complete (expected: the owning stack crashed)', ok: client?.state === 'failed', detail: `${client?.state ?? '?'} (${client?.failure ?? ''})` },
      { name: 'exactly-once still holds for the bytes that were delivered', ok: r.invariants.find((c) => c.name === 'exactly-once')?.ok ?? false, detail: 'no byte consumed twice' },
    ];
  },
);

/** Claim 10: the connection moves a second time, from the first target to another. */
export const reTransfer = define(
  're-transfer',
  'Moved again',
  'GET /orders/42 moves the connection to WEB2; a later GET /catalog/7 on the same connection moves it on to WEB3, and the CRT follows.',
  [10, 26],
  {
    targets: [{ app: 'WEB2', stack: 'SYS2', serves: ['/orders'] }, { app: 'WEB3', stack: 'SYS3', serves: ['/catalog'] }],
    policy: { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEB2'] }, { name: 'catalog', match: { kind: 'http-path-prefix', prefix: '/catalog' }, targets: ['WEB3'] }], fallback: [] },
    followUpPaths: ['/catalog/7', '/catalog/8'],
  },
  (r) => {
    const updates = r.sim.trace.events.filter((e) => e.kind === 'crt' && e.action === 'update').map((e) => (e.kind === 'crt' ? e.destXcf : ''));
    return [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB3'), { name: 'the CRT followed both moves', ok: updates.join(',') === '10.9.0.2,10.9.0.3', detail: updates.join(' → ') }];
  },
);

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
export const synRoundRobin = define(
  'syn-roundrobin',
  'SYN-time: ROUNDROBIN',
  'z/OS Sysplex Distributor, not the patent: SYS1 picks a target on each SYN, in turn, and forwards the connection over XCF; SYS2 and SYS3 serve three clients each and answer directly.',
  [],
  { distribution: { method: 'roundrobin' }, clients: 6 },
  (r) => [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r), sequenceIs(r, ['SYS2', 'SYS3', 'SYS2', 'SYS3', 'SYS2', 'SYS3'])],
);

/** z/OS WEIGHTEDACTIVE: weights 10:20 keep the active connections at 1:2. */
export const synWeightedActive = define(
  'syn-weightedactive',
  'SYN-time: WEIGHTEDACTIVE 10:20',
  'z/OS Sysplex Distributor, not the patent: nine overlapping clients; each SYN goes to the target with the smallest (ActiveConn+1)/WEIGHT, so SYS2 (10) and SYS3 (20) hold active connections 1:2.',
  [],
  { distribution: { method: 'weightedactive', weights: { SYS2: 10, SYS3: 20 } }, clients: 9, followUps: 4 },
  (r) => [...clientsDone(r), ...invariantsHold(r), ...synTimeClean(r), sequenceIs(r, ['SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3'])],
);

/** z/OS HOTSTANDBY: the preferred target takes everything until it crashes; then the backup. */
export const synHotStandby = define(
  'syn-hotstandby',
  'SYN-time: HOTSTANDBY',
  'z/OS Sysplex Distributor, not the patent: every connection goes to the preferred SYS2 until SYS2 crashes mid-run; XCF tells SYS1, and the backup SYS3 takes the new connections.',
  [],
  { distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS3', rank: 100 }] }, clients: 4, clientSpacingUs: 200_000, crash: { stack: 'SYS2', atUs: 330_000 } },
  (r) => [...clientsDone(r), ...invariantsHold(r), sequenceIs(r, ['SYS2', 'SYS2', 'SYS3', 'SYS3'])],
);

const countOf = (targets: readonly string[], stack: string): number => targets.filter((t) => t === stack).length;

/** z/OS BASEWLM: system weights 3:1, then WLM recomputes them to 1:3. */
export const synBaseWlm = define(
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
export const synServerWlm = define(
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
export const takeover = define(
  'takeover',
  'DVIPA takeover by the backup',
  'SYS1 crashes after moving client1 to WEB3; XCF tells SYS2, the backup, which takes the DVIPA, rebuilds the CRT from the targets’ reports and forwards client1 on; client2, still on SYS1, is lost; client3 connects through SYS2.',
  [],
  TAKEOVER_SYSPLEX,
  (r) => [...takeoverChecks(r), statusesAre(r, 'SYS2', ['Backup', 'Active'])],
);

/** z/OS DVIPA takeback: the original stack returns; the backup keeps its own connection (Moving) until it has moved on. */
export const takeback = define(
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
