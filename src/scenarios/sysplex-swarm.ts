/**
 * The sysplex swarm: each seed draws a whole scenario — HTTP or SMTP, 1–20
 * clients, 2–3 target apps with random refusals, a random policy, loss,
 * duplication, reordering and jitter on every link (XCF included), sometimes a
 * target-stack crash — and checks the invariants. Some seeds (about 2 in 5)
 * also draw a z/OS SYN-time distribution method instead of the patent's
 * handoff, from their own PRNG stream, so the other seeds draw exactly what
 * they drew before. A crash of a stack that owns
 * connections makes some breaks unavoidable; then those breaks are recorded as
 * expected, with the reason, and only exactly-once must still hold.
 * `npm run sim -- sysplex-swarm --seed N` replays seed N.
 */
import * as v from 'valibot';
import { Prng } from '../sim/core/prng';
import { parseWith } from './params';
import { parseSysplexParams, type DistributionParams, type SysplexParams, type SysplexParamsInput } from './sysplex-params';
import { runSysplex, type SysplexRun } from './sysplex-scenarios';
import type { Expectation, ScenarioDefinition } from './types';

function faults(r: Prng): Record<string, number> {
  const pick = (max: number): number => (r.chancePerMille(400) ? r.between(0, max) : 0);
  return { lossPerMille: pick(80), duplicatePerMille: pick(50), reorderPerMille: pick(100), reorderDelayUs: r.between(0, 3_000), jitterUs: pick(2_000) };
}

const SYN_METHODS = ['roundrobin', 'weightedactive', 'basewlm', 'serverwlm', 'hotstandby'] as const;

/** A SYN-time distribution method over the target stacks, or null for the patent's handoff. */
export function drawDistribution(seed: number, stacks: readonly string[]): DistributionParams | null {
  const r = new Prng(seed).child('sysplex-swarm-distribution');
  if (!r.chancePerMille(400)) return null;
  const method = SYN_METHODS[r.below(SYN_METHODS.length)] ?? 'roundrobin';
  const perStack = <T>(draw: () => T): Record<string, T> => Object.fromEntries(stacks.map((s) => [s, draw()]));
  const changes = (draw: () => Record<string, number>) => (r.chancePerMille(500) ? [{ atUs: r.between(10_000, 120_000), stack: stacks[r.below(stacks.length)] ?? 'SYS2', ...draw() }] : []);
  switch (method) {
    case 'roundrobin':
      return { method };
    case 'weightedactive':
      return { method, weights: perStack(() => r.between(1, 99)) };
    case 'basewlm':
      return { method, wlm: perStack(() => ({ weight: r.between(0, 64), tsr: r.between(50, 100) })), changes: changes(() => ({ weight: r.between(0, 64) })) };
    case 'serverwlm':
      return { method, wlm: perStack(() => ({ weight: r.between(0, 64), tsr: r.between(50, 100), health: r.between(0, 100), abnorm: r.between(0, 500) })), changes: changes(() => ({ health: r.between(0, 100) })) };
    case 'hotstandby': {
      const preferred = stacks[r.below(stacks.length)] ?? 'SYS2';
      const backups = stacks.filter((s) => s !== preferred).map((stack, i) => ({ stack, rank: 10 * (i + 1) + r.below(10) }));
      return { method, preferred, backups, autoSwitchback: r.chancePerMille(500) };
    }
  }
}

/** Draw a sysplex scenario from a seed. */
export function drawSysplexSwarm(seed: number): SysplexParams {
  const r = new Prng(seed).child('sysplex-swarm-case');
  const protocol = r.chancePerMille(650) ? 'http' : 'smtp';
  const stacks = r.chancePerMille(500) ? ['SYS1', 'SYS2', 'SYS3'] : ['SYS1', 'SYS2', 'SYS3', 'SYS4'];
  const apps = stacks.slice(1).map((stack, i) => ({ app: `APP${i + 2}`, stack, refuse: (['never', 'never', 'never', 'first', 'always'] as const)[r.below(5)] ?? 'never', reason: 'overloaded' }));
  const values = protocol === 'http' ? ['/orders/1', '/catalog/2', '/cart/3', '/other/4'] : ['sales.example', 'hq.example', 'eu.example'];
  const pickApp = (): string => apps[r.below(apps.length)]?.app ?? 'APP2';
  const rules = values.slice(0, 2 + r.below(values.length - 1)).map((value, i) => ({
    name: `rule${i}`,
    match: protocol === 'http' ? { kind: 'http-path-prefix' as const, prefix: `/${value.split('/')[1] ?? 'x'}` } : { kind: 'smtp-rcpt-domain' as const, domain: value },
    targets: [pickApp()],
  }));
  const fallback = r.chancePerMille(700) ? [pickApp()] : [];
  const input: SysplexParamsInput = {
    profile: r.chancePerMille(500) ? 'linux' : 'rfc',
    protocol,
    stacks,
    targets: apps,
    policy: { rules: rules.map((x) => ({ ...x, targets: [...new Set(x.targets)] })), fallback },
    clients: 1 + r.below(20),
    decidingValues: values,
    followUps: r.below(3),
    decidingBodyBytes: protocol === 'http' && r.chancePerMille(300) ? r.between(1, 6_000) : 0,
    freeze: r.chancePerMille(700) ? 'queue' : 'drop',
    clientLink: faults(r),
    osaLink: faults(r),
    xcfLink: { delayUs: r.between(20, 2_000), bandwidthBps: 10_000_000_000, ...faults(r) },
    ...(r.chancePerMille(120) ? { crash: { stack: stacks[1 + r.below(stacks.length - 1)] ?? 'SYS2', atUs: r.between(10_000, 200_000) } } : {}),
    horizonUs: 900_000_000,
  };
  const distribution = drawDistribution(seed, apps.map((a) => a.stack));
  // Refusals answer transfer offers; SYN-time distribution makes none.
  const parsed = parseSysplexParams(distribution ? { ...input, distribution, targets: apps.map((a) => ({ ...a, refuse: 'never' as const })) } : input);
  if (!parsed.ok) throw new Error(`swarm seed ${seed} drew an invalid scenario: ${parsed.error}`);
  return parsed.params;
}

function swarmChecks(r: SysplexRun, p: SysplexParams): Expectation[] {
  const crashed = p.crash?.stack;
  const out: Expectation[] = [];
  for (const inv of r.invariants) {
    const excused = crashed !== undefined && inv.name !== 'exactly-once';
    out.push({ name: `invariant: ${inv.name}${excused ? ` (a break is expected: ${crashed} crashed)` : ''}`, ok: inv.ok || excused, detail: inv.ok ? 'holds' : `${inv.detail} (event ${inv.firstFailingIndex ?? '?'})` });
  }
  r.sysplex.clients.forEach((c, i) => {
    const last = c.replies.at(-1);
    const refused = last !== undefined && (last.status === 503 || last.status === 451);
    const ok = c.state === 'done' || refused || crashed !== undefined;
    out.push({ name: `client${i + 1} finished, or was told no server would take it${crashed ? ' (or lost its server in the crash)' : ''}`, ok, detail: `${c.state}${c.failure ? ` (${c.failure})` : ''}, last ${last?.status ?? 'none'}` });
  });
  return out;
}

/** Run one swarm case. */
export function runSysplexSwarm(seed: number): SysplexRun {
  return runSysplex(drawSysplexSwarm(seed), seed, swarmChecks);
}

/** The sysplex swarm as a built-in scenario: the seed decides everything. */
export const sysplexSwarmScenario: ScenarioDefinition<Record<string, never>> = {
  id: 'sysplex-swarm',
  title: 'Sysplex swarm case',
  description: 'A whole sysplex scenario drawn from the seed: protocol, clients, refusals, policy, faults on every link, sometimes a crash, sometimes z/OS SYN-time distribution instead of the patent’s handoff.',
  claims: [],
  defaults: {},
  parse: (input) => parseWith(v.strictObject({}), input),
  run: (_params, seed) => runSysplexSwarm(seed),
};
