/**
 * The comparison workload is a pure function of the seed: the same seed gives
 * the same requests, another seed other ones; arrivals fall inside the window
 * in time order; and the paths follow the Zipf-like weights (rank 1 the most
 * asked for, about in proportion 1/r against rank 2, uniform with s = 0).
 */
import { describe, expect, it } from 'vitest';
import { buildWorkload, zipfCumulative, type WorkloadShape } from './compare-workload';

const SHAPE: WorkloadShape = { clients: 200, requestsPerClient: 5, objects: 100, zipfExponentMilli: 1000, spreadUs: 1_000_000 };

function countByRank(shape: WorkloadShape, seed: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of buildWorkload(shape, seed)) counts.set(r.rank, (counts.get(r.rank) ?? 0) + 1);
  return counts;
}

describe('buildWorkload', () => {
  it('is the same for a seed and differs between seeds', () => {
    expect(buildWorkload(SHAPE, 7)).toEqual(buildWorkload(SHAPE, 7));
    expect(buildWorkload(SHAPE, 7)).not.toEqual(buildWorkload(SHAPE, 8));
  });

  it('gives every client its requests, in time order, inside the window', () => {
    const w = buildWorkload(SHAPE, 1);
    expect(w).toHaveLength(1_000);
    for (let c = 0; c < SHAPE.clients; c++) expect(w.filter((r) => r.client === c)).toHaveLength(5);
    for (let i = 1; i < w.length; i++) expect((w[i]?.atUs ?? 0) >= (w[i - 1]?.atUs ?? 0)).toBe(true);
    expect(w.every((r) => r.atUs >= 0 && r.atUs < SHAPE.spreadUs && r.rank >= 1 && r.rank <= SHAPE.objects && r.path === `/obj/${r.rank}`)).toBe(true);
  });

  it('asks for rank 1 most, about twice as often as rank 2 with s = 1', () => {
    const counts = countByRank({ ...SHAPE, clients: 2_000 }, 3);
    const [one, two] = [counts.get(1) ?? 0, counts.get(2) ?? 0];
    expect(Math.max(...counts.values())).toBe(one);
    expect(one / two).toBeGreaterThan(1.6);
    expect(one / two).toBeLessThan(2.5);
  });

  it('is uniform with s = 0', () => {
    expect(zipfCumulative(4, 0)).toEqual([1_000_000, 2_000_000, 3_000_000, 4_000_000]);
    const counts = countByRank({ ...SHAPE, objects: 4, zipfExponentMilli: 0 }, 5);
    for (const n of counts.values()) expect(Math.abs(n - 250)).toBeLessThan(60);
  });
});
