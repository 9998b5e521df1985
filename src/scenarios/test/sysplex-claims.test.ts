// Runs every built-in sysplex scenario and proves that together they
// demonstrate every patent claim 1–27, each through a trace event of the kind
// that can show it (a CRT change for claim 26, a transfer step for claim 2, …),
// and that each scenario's own expectations — invariants included — hold.
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { BUILT_IN_SCENARIOS } from '../registry';
import type { AnyScenario, ScenarioRun } from '../types';

const sysplexScenarios = BUILT_IN_SCENARIOS.filter((s) => s.claims.length > 0);

function run(s: AnyScenario): ScenarioRun {
  const parsed = s.parse({});
  if (!parsed.ok) throw new Error(parsed.error);
  return s.run(parsed.params as never, 1);
}

/** Which kinds of trace event may demonstrate a claim. */
const KINDS: Record<number, readonly TraceEntry['kind'][]> = {
  2: ['transfer', 'app'],
  10: ['crt', 'transfer', 'app'],
  12: ['transfer', 'app'],
  14: ['transfer', 'app'],
  15: ['app'],
  17: ['app', 'transfer'],
  26: ['crt'],
  27: ['transfer'],
};

describe('built-in sysplex scenarios', () => {
  const runs = sysplexScenarios.map((s) => [s.id, s, run(s)] as const);

  it.each(runs)('%s: every expectation holds', (_id, _s, r) => {
    expect(r.expectations.filter((e) => !e.ok).map((e) => `${e.name}: ${e.detail}`)).toEqual([]);
  });

  it.each(runs)('%s: demonstrates the claims it names', (_id, s, r) => {
    const shown = new Set(r.sim.trace.events.flatMap((e) => e.claims ?? []));
    expect(s.claims.filter((c) => !shown.has(c))).toEqual([]);
  });

  it('together demonstrate every claim 1–27, each through an event of the right kind', () => {
    const byClaim = new Map<number, Set<string>>();
    for (const [, , r] of runs) for (const e of r.sim.trace.events) for (const c of e.claims ?? []) (byClaim.get(c) ?? byClaim.set(c, new Set()).get(c))?.add(e.kind);
    const missing = Array.from({ length: 27 }, (_, i) => i + 1).filter((c) => !byClaim.has(c));
    expect(missing).toEqual([]);
    for (const [claim, kinds] of Object.entries(KINDS)) {
      const seen = [...(byClaim.get(Number(claim)) ?? [])];
      expect(seen.some((k) => kinds.includes(k as TraceEntry['kind'])), `claim ${claim} via ${seen.join(',')}`).toBe(true);
    }
  });

  it('the default scenario moves exactly one connection and the client sees one handshake', () => {
    const r = runs.find(([id]) => id === 'http-transfer')?.[2];
    const syns = r?.sim.trace.events.filter((e) => e.kind === 'state-change' && e.node === 'client1' && e.to === 'SYN-SENT').length;
    expect(syns).toBe(1);
    expect(r?.sim.trace.events.filter((e) => e.kind === 'crt' && e.action === 'update').length).toBe(1);
  });
});
