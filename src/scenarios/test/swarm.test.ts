// The TCP swarm: 300 seeds, each drawing its own faults (loss, duplication,
// reordering, jitter on every link direction), sizes, buffers, pauses, Nagle
// and delayed-ACK settings and close order; faults heal at 20 s. Every run must
// deliver both streams exactly once and in order and end its connections
// cleanly, or explain why not. Failures print the command that replays them.
import { describe, expect, it } from 'vitest';
import { drawSwarm, runSwarm } from '../swarm';

const SEEDS = 300;

describe('TCP swarm', () => {
  it(`holds every invariant over ${SEEDS} seeds`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const failed = runSwarm(seed).expectations.filter((e) => !e.ok);
      if (failed.length > 0) failures.push(`seed ${seed}: ${failed.map((e) => `${e.name} (${e.detail})`).join('; ')} — reproduce: npm run sim -- swarm --seed ${seed}`);
    }
    expect(failures).toEqual([]);
  });

  it('draws varied cases, so the sweep is not vacuous', () => {
    const draws = Array.from({ length: SEEDS }, (_, i) => drawSwarm(i + 1));
    const lossy = draws.filter((d) => d.faults.some((f) => f.lossPerMille > 0)).length;
    const orders = new Set(draws.map((d) => d.closeOrder));
    const profiles = new Set(draws.map((d) => d.params.profile));
    expect(lossy).toBeGreaterThan(SEEDS / 2);
    expect(orders.size).toBe(4);
    expect(profiles.size).toBe(2);
    expect(draws.some((d) => d.params.clientReadPauseUs > 0 && d.params.clientReceiveBufferBytes < 16_384)).toBe(true);
  });

  it('replays a seed exactly', () => {
    expect(runSwarm(42).sim.trace.hash()).toBe(runSwarm(42).sim.trace.hash());
  });
});
