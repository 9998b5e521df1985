// Proves the scheduler runs events in (time, insertion) order, honours
// cancellation and the horizon, and refuses to run past its event limit.
// Random schedules from fast-check are compared with a stable sort.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('runs events in time order, ties in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const s = new Scheduler();
        const ran: number[] = [];
        times.forEach((t, i) => s.at(t, () => ran.push(i)));
        s.runUntil(1_000, { maxEvents: 10_000 });
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
        expect(ran).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('lets events schedule events and advances now', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    s.at(10, () => {
      seen.push(s.now);
      s.after(5, () => seen.push(s.now));
    });
    expect(s.runUntil(100, { maxEvents: 10 })).toEqual({ kind: 'idle', events: 2 });
    expect(seen).toEqual([10, 15]);
  });

  it('skips cancelled events', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    const h = s.at(5, () => seen.push('cancelled'));
    s.at(6, () => seen.push('kept'));
    s.cancel(h);
    s.runUntil(100, { maxEvents: 10 });
    expect(seen).toEqual(['kept']);
    expect(h.done).toBe(true);
  });

  it('stops at the horizon and leaves later events queued', () => {
    const s = new Scheduler();
    s.at(5, () => undefined);
    s.at(50, () => undefined);
    expect(s.runUntil(20, { maxEvents: 10 })).toEqual({ kind: 'horizon', events: 1 });
    expect(s.now).toBe(20);
    expect(s.pending).toBe(1);
  });

  it('refuses to loop forever', () => {
    const s = new Scheduler();
    const again = (): void => void s.after(0, again);
    s.at(0, again);
    expect(s.runUntil(10, { maxEvents: 1_000 })).toEqual({ kind: 'event-limit', events: 1_000 });
  });

  it('rejects scheduling in the past or at a non-integer time', () => {
    const s = new Scheduler();
    s.at(10, () => undefined);
    s.runUntil(10, { maxEvents: 10 });
    expect(() => s.at(5, () => undefined)).toThrow(/cannot schedule at 5/);
    expect(() => s.at(10.5, () => undefined)).toThrow(RangeError);
  });
});
