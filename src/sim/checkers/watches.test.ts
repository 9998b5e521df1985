// Proves the two building blocks that let transparency tolerate the network but not
// a lost state: MonotoneWatch excuses a dip that later recovers (reordering) and
// reports one that persists, modulo 2^32; SeqGaps reports only gaps no later segment fills.
import { describe, expect, it } from 'vitest';
import { MonotoneWatch } from './monotone';
import { SeqGaps } from './seq-gaps';

/** Feeds values at indices 0, 1, 2, … and returns the indices of the breaks. */
function dips(values: readonly number[]): number[] {
  const watch = new MonotoneWatch();
  values.forEach((v, i) => watch.observe(i, v, (max) => `${String(v)} < ${String(max)}`));
  return watch.breaks().map((b) => b.index);
}

describe('MonotoneWatch', () => {
  it('passes rising and repeated values, and dips that recover', () => {
    expect(dips([1, 2, 2, 5])).toEqual([]);
    expect(dips([1, 5, 3, 5, 6])).toEqual([]);
    expect(dips([1, 5, 3, 4, 7])).toEqual([]);
  });

  it('reports a dip that never recovers, at the dip', () => {
    // Every value after the dip stays low; the last one alone would be excused as a straggler.
    expect(dips([1, 5, 3, 4])).toEqual([2]);
    expect(dips([10, 20, 30, 5, 6, 7])).toEqual([3, 4]);
  });

  it('excuses a dip on the very last value: a straggler with nothing after it', () => {
    expect(dips([1, 5, 3])).toEqual([]);
  });

  it('compares modulo 2^32', () => {
    expect(dips([0xfffffff0, 0x10, 0x20])).toEqual([]);
    expect(dips([0x10, 0xfffffff0, 0x05])).toEqual([1]);
  });
});

describe('SeqGaps', () => {
  const describeGap = (): string => 'gap';

  it('passes in-order, repeated and backward segments', () => {
    const gaps = new SeqGaps(100);
    gaps.observe(0, 101, 10, describeGap);
    gaps.observe(1, 101, 10, describeGap);
    gaps.observe(2, 111, 10, describeGap);
    gaps.observe(3, 105, 3, describeGap);
    expect(gaps.next).toBe(121);
    expect(gaps.breaks()).toEqual([]);
  });

  it('forgives a gap a later segment fills, even in pieces', () => {
    const gaps = new SeqGaps(100);
    gaps.observe(0, 131, 10, describeGap);
    gaps.observe(1, 101, 15, describeGap);
    gaps.observe(2, 116, 15, describeGap);
    expect(gaps.breaks()).toEqual([]);
  });

  it('reports a gap left partly open, at the segment that jumped', () => {
    const gaps = new SeqGaps(100);
    gaps.observe(0, 101, 10, describeGap);
    gaps.observe(1, 151, 10, describeGap);
    gaps.observe(2, 111, 20, describeGap);
    expect(gaps.breaks()).toEqual([{ index: 1, detail: 'gap' }]);
  });

  it('measures offsets across the 2^32 wrap', () => {
    const gaps = new SeqGaps(0xfffffffe);
    expect(gaps.offsetOf(0xffffffff)).toBe(0);
    gaps.observe(0, 0xffffffff, 10, describeGap);
    expect(gaps.next).toBe(9);
    expect(gaps.breaks()).toEqual([]);
  });
});
