// The sysplex swarm also draws z/OS SYN-time distribution: this proves the
// draw is not vacuous (every method appears, with and without a crash, and the
// patent's handoff stays the majority) and that seeds which drew a method really
// ran it — the distributor chose a target for every connection and nothing was
// transferred — with every swarm check holding.
import { describe, expect, it } from 'vitest';
import { drawSysplexSwarm, runSysplexSwarm } from '../sysplex-swarm';
import { synChoices } from '../zos-scenarios';

describe('sysplex swarm with SYN-time distribution', () => {
  const draws = Array.from({ length: 300 }, (_, i) => ({ seed: i + 1, params: drawSysplexSwarm(i + 1) }));
  const methodOf = (d: (typeof draws)[number]): string => d.params.distribution?.method ?? 'patent-handoff';

  it('draws every method, and the patent’s handoff for most seeds', () => {
    const counts = new Map<string, number>();
    for (const d of draws) counts.set(methodOf(d), (counts.get(methodOf(d)) ?? 0) + 1);
    for (const m of ['roundrobin', 'weightedactive', 'basewlm', 'serverwlm', 'hotstandby']) expect(counts.get(m) ?? 0, m).toBeGreaterThan(5);
    expect(counts.get('patent-handoff') ?? 0).toBeGreaterThan(150);
    expect(draws.some((d) => d.params.distribution !== undefined && d.params.crash !== undefined)).toBe(true);
  });

  it('a seed that drew a method routes every connection at SYN time and passes its checks', () => {
    const failures: string[] = [];
    for (const d of draws.filter((x) => x.params.distribution !== undefined).slice(0, 25)) {
      const r = runSysplexSwarm(d.seed);
      const routed = new Set(synChoices(r).filter((c) => c.target !== '').map((c) => c.conn)).size;
      const transfers = r.sim.trace.events.filter((e) => e.kind === 'transfer').length;
      const failed = r.expectations.filter((e) => !e.ok).map((e) => `${e.name} (${e.detail})`);
      if (routed < d.params.clients || transfers > 0 || failed.length > 0) failures.push(`seed ${d.seed} (${methodOf(d)}): ${routed}/${d.params.clients} routed, ${transfers} transfer steps; ${failed.join('; ')} — reproduce: npm run sim -- sysplex-swarm --seed ${d.seed}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
