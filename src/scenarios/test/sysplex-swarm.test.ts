// The sysplex swarm: 500 seeds, each a whole scenario drawn from the seed —
// protocol, 1–20 clients, random refusals and policy, loss, duplication,
// reordering and jitter on client, OSA and XCF links, sometimes a target-stack
// crash. Transparency, exactly-once and one-owner must hold, except that a
// crash excuses what it unavoidably breaks (exactly-once must hold even then).
// A failure prints the command that replays it.
import { describe, expect, it } from 'vitest';
import { drawSysplexSwarm, runSysplexSwarm } from '../sysplex-swarm';

const SEEDS = 500;

describe('sysplex swarm', () => {
  it(`holds the invariants over ${SEEDS} seeds`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const failed = runSysplexSwarm(seed).expectations.filter((e) => !e.ok);
      if (failed.length > 0) failures.push(`seed ${seed}: ${failed.map((e) => `${e.name} (${e.detail})`).join('; ')} — reproduce: npm run sim -- sysplex-swarm --seed ${seed}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('draws varied scenarios, so the sweep is not vacuous', () => {
    const draws = Array.from({ length: 200 }, (_, i) => drawSysplexSwarm(i + 1));
    expect(new Set(draws.map((d) => d.protocol)).size).toBe(2);
    expect(draws.some((d) => d.crash !== undefined)).toBe(true);
    expect(draws.some((d) => (d.xcfLink?.lossPerMille ?? 0) > 0)).toBe(true);
    expect(draws.some((d) => d.targets.some((t) => t.refuse === 'always'))).toBe(true);
    expect(Math.max(...draws.map((d) => d.clients))).toBeGreaterThan(10);
  });

  it('exercises transfers, refusals and errors across the seeds', () => {
    let committed = 0;
    let rejected = 0;
    let aborted = 0;
    for (let seed = 1; seed <= 40; seed++) {
      for (const e of runSysplexSwarm(seed).sim.trace.events) {
        if (e.kind !== 'transfer') continue;
        if (e.phase === 'committed') committed++;
        if (e.phase === 'rejected') rejected++;
        if (e.phase === 'aborted') aborted++;
      }
    }
    expect(committed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(5);
    expect(aborted).toBeGreaterThan(0);
  });
});
