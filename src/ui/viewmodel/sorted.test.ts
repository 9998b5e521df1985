import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asNumber, countUpTo, neighbours } from './sorted';

describe('countUpTo', () => {
  it('equals a linear count of the items ≤ value, for any ascending list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (raw, value) => {
        const sorted = [...raw].sort((a, b) => a - b);
        expect(countUpTo(sorted, value, asNumber)).toBe(sorted.filter((x) => x <= value).length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('neighbours', () => {
  it('are the last integer below and the first above the value, as linear searches find them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (raw, value) => {
        const sorted = [...raw].sort((a, b) => a - b);
        expect(neighbours(sorted, value)).toEqual({ before: [...sorted].reverse().find((s) => s < value), after: sorted.find((s) => s > value) });
      }),
      { numRuns: 1000 },
    );
  });
});
