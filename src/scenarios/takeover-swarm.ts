/**
 * The takeover swarm: each seed draws a sysplex with a backup stack (SYS2),
 * two or three target stacks, HTTP or SMTP, 1–15 clients started at random
 * spacings, random refusals, loss, duplication, reordering and jitter on every
 * link, sometimes z/OS SYN-time distribution — and crashes the routing stack at
 * a random moment, sometimes a target stack too, sometimes restarting the
 * routing stack later (takeback), with random XCF detection and router
 * convergence delays. It checks that the invariants hold for every connection
 * not declared lost, that every client either finished (or was told no server
 * would take it) or had its connection declared lost with a stack that really
 * crashed. `npm run sim -- takeover-swarm --seed N` replays seed N.
 */
import * as v from 'valibot';
import { Prng } from '../sim/core/prng';
import { declaredLosses } from '../sim/checkers/losses';
import type { TraceView } from '../sim/checkers/types';
import { formatIpv4Address } from '../sim/wire/ipv4-address';
import { parseWith } from './params';
import { parseSysplexParams, type SysplexParams, type SysplexParamsInput } from './sysplex-params';
import { runSysplex, type SysplexRun } from './sysplex-scenarios';
import { drawDistribution } from './sysplex-swarm';
import type { Expectation, ScenarioDefinition } from './types';

function faults(r: Prng): Record<string, number> {
  const pick = (max: number): number => (r.chancePerMille(300) ? r.between(0, max) : 0);
  return { lossPerMille: pick(50), duplicatePerMille: pick(50), reorderPerMille: pick(100), reorderDelayUs: r.between(0, 3_000), jitterUs: pick(2_000) };
}

/** The crashes, restart and delays of one seed: the routing stack always crashes. */
function drawFaults(r: Prng, targets: readonly string[]): SysplexParamsInput {
  const crashUs = r.between(10_000, 200_000);
  const detectionUs = r.between(0, 200_000);
  const targetCrash = r.chancePerMille(250) ? [{ stack: targets[r.below(targets.length)] ?? 'SYS3', atUs: r.between(10_000, 400_000) }] : [];
  const restart = r.chancePerMille(400) ? { restart: { stack: 'SYS1', atUs: crashUs + detectionUs + r.between(1, 400_000) } } : {};
  return { crash: { stack: 'SYS1', atUs: crashUs }, crashes: targetCrash, xcfDetectionUs: detectionUs, routerConvergenceUs: r.between(0, 200_000), ...restart };
}

/** Draw a takeover case from a seed. */
export function drawTakeoverSwarm(seed: number): SysplexParams {
  const r = new Prng(seed).child('takeover-swarm-case');
  const protocol = r.chancePerMille(650) ? 'http' : 'smtp';
  const stacks = r.chancePerMille(500) ? ['SYS1', 'SYS2', 'SYS3', 'SYS4'] : ['SYS1', 'SYS2', 'SYS3', 'SYS4', 'SYS5'];
  const targetStacks = stacks.slice(2);
  const apps = targetStacks.map((stack, i) => ({ app: `APP${i + 3}`, stack, refuse: (['never', 'never', 'never', 'first', 'always'] as const)[r.below(5)] ?? 'never', reason: 'overloaded' }));
  const values = protocol === 'http' ? ['/orders/1', '/catalog/2', '/cart/3'] : ['sales.example', 'hq.example'];
  const pickApp = (): string => apps[r.below(apps.length)]?.app ?? 'APP3';
  const rules = values.map((value, i) => ({
    name: `rule${i}`,
    match: protocol === 'http' ? { kind: 'http-path-prefix' as const, prefix: `/${value.split('/')[1] ?? 'x'}` } : { kind: 'smtp-rcpt-domain' as const, domain: value },
    targets: [pickApp()],
  }));
  const input: SysplexParamsInput = {
    profile: r.chancePerMille(500) ? 'linux' : 'rfc',
    protocol,
    stacks,
    backup: { stack: 'SYS2', rank: r.between(1, 254) },
    targets: apps,
    policy: { rules, fallback: r.chancePerMille(700) ? [pickApp()] : [] },
    clients: 1 + r.below(15),
    clientSpacingUs: r.between(0, 40_000),
    decidingValues: values,
    followUps: r.below(3),
    freeze: r.chancePerMille(700) ? 'queue' : 'drop',
    clientLink: faults(r),
    osaLink: faults(r),
    xcfLink: { delayUs: r.between(20, 2_000), bandwidthBps: 10_000_000_000, ...faults(r) },
    ...drawFaults(r, targetStacks),
    horizonUs: 900_000_000,
  };
  const distribution = drawDistribution(seed, targetStacks);
  // Refusals answer transfer offers; SYN-time distribution makes none.
  const parsed = parseSysplexParams(distribution ? { ...input, distribution, targets: apps.map((a) => ({ ...a, refuse: 'never' as const })) } : input);
  if (!parsed.ok) throw new Error(`takeover swarm seed ${seed} drew an invalid scenario: ${parsed.error}`);
  return parsed.params;
}

/** Stacks that crashed during the run, from the trace's fault entries. */
function crashedStacks(trace: TraceView): Set<string> {
  const out = new Set<string>();
  for (const e of trace.events) if (e.kind === 'fault' && e.fault === 'crash' && e.target.startsWith('host:')) out.add(e.target.slice('host:'.length));
  return out;
}

/** A client finished, was refused by every server, or lost its connection with a stack that crashed — nothing else. */
function clientOutcome(r: SysplexRun, i: number, losses: ReturnType<typeof declaredLosses>['byConn'], crashed: ReadonlySet<string>): Expectation {
  const client = r.sysplex.clients[i];
  const last = client?.replies.at(-1);
  const refused = last !== undefined && (last.status === 503 || last.status === 451);
  const tcb = client?.connection?.tcb;
  const conn = tcb ? `${formatIpv4Address(tcb.localAddress)}:${tcb.localPort}>${formatIpv4Address(tcb.remoteAddress)}:${tcb.remotePort}` : '(never opened)';
  const loss = losses.get(conn);
  const lostHonestly = loss !== undefined && crashed.has(loss.stack);
  const ok = client?.state === 'done' || refused || lostHonestly;
  const why = loss ? `declared lost with ${loss.stack} (${crashed.has(loss.stack) ? 'crashed' : 'did NOT crash'})` : 'not declared lost';
  return { name: `client${i + 1} finished, was refused, or lost its connection with a crashed owner`, ok, detail: `${client?.state ?? '?'}${client?.failure ? ` (${client.failure})` : ''}, last ${last?.status ?? 'none'}, ${conn} ${why}` };
}

function takeoverSwarmChecks(r: SysplexRun): Expectation[] {
  const losses = declaredLosses(r.sim.trace);
  const crashed = crashedStacks(r.sim.trace);
  const out: Expectation[] = r.invariants.map((inv) => ({ name: `invariant: ${inv.name}`, ok: inv.ok, detail: inv.ok ? 'holds' : `${inv.detail} (event ${inv.firstFailingIndex ?? '?'})` }));
  out.push({ name: 'every declared loss names a stack that crashed', ok: [...losses.byConn.values()].every((l) => crashed.has(l.stack)) && losses.bogus.length === 0, detail: `${losses.byConn.size} lost, crashed: ${[...crashed].join(', ')}` });
  r.sysplex.clients.forEach((_, i) => out.push(clientOutcome(r, i, losses.byConn, crashed)));
  return out;
}

/** Run one takeover swarm case. */
export function runTakeoverSwarm(seed: number): SysplexRun {
  return runSysplex(drawTakeoverSwarm(seed), seed, takeoverSwarmChecks);
}

/** The takeover swarm as a built-in scenario: the seed decides everything. */
export const takeoverSwarmScenario: ScenarioDefinition<Record<string, never>> = {
  id: 'takeover-swarm',
  title: 'Takeover swarm case',
  description: 'A sysplex with a backup stack drawn from the seed: the routing stack crashes at a random moment (sometimes a target too, sometimes the routing stack returns), faults on every link; only connections of crashed stacks may be lost.',
  claims: [],
  defaults: {},
  parse: (input) => parseWith(v.strictObject({}), input),
  run: (_params, seed) => runTakeoverSwarm(seed),
};

