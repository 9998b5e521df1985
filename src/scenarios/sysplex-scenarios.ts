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

/** A built-in sysplex scenario: validated defaults, parameter overrides on top, and its own checks. */
export function defineSysplexScenario(id: string, title: string, description: string, claims: readonly number[], overrides: SysplexParamsInput, checks: (r: SysplexRun, p: SysplexParams) => Expectation[]): ScenarioDefinition<SysplexParams> {
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
export const httpTransfer = defineSysplexScenario(
  'http-transfer',
  'HTTP transfer',
  'Log in and a welcome page with the routing app, then GET /orders/42 moves the connection to WEB3 on SYS3, which answers as alice.',
  [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27],
  {},
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB3 for alice'), { name: 'one transfer committed', ok: transferPhases(r, 'committed') === 1, detail: `${transferPhases(r, 'committed')}` }],
);

/** Claims 6, 7, 13 with SMTP: the envelope travels as application state. */
export const smtpTransfer = defineSysplexScenario(
  'smtp-transfer',
  'SMTP transfer with envelope',
  'EHLO and MAIL FROM with the routing app; RCPT TO:<bob@sales.example> moves the session to MAIL-SALES, which resumes from the envelope.',
  [1, 3, 6, 7, 11, 12, 13, 27],
  { protocol: 'smtp', targets: [{ app: 'MAIL-HQ', stack: 'SYS2' }, { app: 'MAIL-SALES', stack: 'SYS3' }], policy: { rules: [{ name: 'sales', match: { kind: 'smtp-rcpt-domain', domain: 'sales.example' }, targets: ['MAIL-SALES'] }], fallback: ['MAIL-HQ'] }, decidingValues: ['sales.example'] },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'bye'), { name: 'the target resumed with the envelope', ok: r.sysplex.clients[0]?.replies.some((x) => x.text.includes('sender1@outside.example')) ?? false, detail: r.sysplex.clients[0]?.replies.map((x) => x.status).join(',') ?? '' }],
);

/** Claim 16: the first target refuses, the second accepts. */
export const rejectSecondTarget = defineSysplexScenario(
  'reject-second-target',
  'Refused, then a second target',
  'WEB3 refuses (overloaded); the routing app asks WEB2, which accepts and serves the client. Later WEB3 stops listening, and the routing app’s target list shrinks.',
  [4, 14, 16, 22],
  { targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS3', refuse: 'always', reason: 'overloaded', stopsAtUs: 1_000_000 }] },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB2'), targetListShrank(r), { name: 'one refusal, then a commit', ok: transferPhases(r, 'rejected') >= 1 && transferPhases(r, 'committed') === 1, detail: `${transferPhases(r, 'rejected')} rejected, ${transferPhases(r, 'committed')} committed` }],
);

/** Claim 17: every target refuses; the client gets HTTP 503 over the same connection. */
export const allReject = defineSysplexScenario(
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
export const peekedData = defineSysplexScenario(
  'peeked-data',
  'Peeked bytes travel',
  'The deciding request is a 4 kB POST the routing app only peeks at; all of it travels in the transfer message and WEB3 consumes it.',
  [11, 27],
  { decidingBodyBytes: 4_000, followUps: 0 },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEB3')],
);

/** Claim 8: every instance is the same application; the first routes. */
export const sameApplication = defineSysplexScenario(
  'same-application',
  'Same application everywhere',
  'The router and the targets are instances of one application, WEBAPP; the instance on SYS1 routes, those on SYS2 and SYS3 serve.',
  [8],
  { routingApp: 'WEBAPP', targets: [{ app: 'WEBAPP-2', stack: 'SYS2' }, { app: 'WEBAPP-3', stack: 'SYS3' }], policy: { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEBAPP-3'] }], fallback: ['WEBAPP-2'] } },
  (r) => [...clientsDone(r), ...invariantsHold(r), lastReplyMentions(r, 'WEBAPP-3')],
);

/** The freeze window: the client's retransmission arrives while frozen and is queued (or dropped). */
export const freezeWindow = defineSysplexScenario(
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
export const targetCrash = defineSysplexScenario(
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
export const reTransfer = defineSysplexScenario(
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
