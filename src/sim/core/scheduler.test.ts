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

  it('calls a shared action with the target it was scheduled for, in order with plain events', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    const record = (target: { name: string }): void => void seen.push(`${target.name}@${s.now}`);
    s.call(7, record, { name: 'b' });
    s.at(7, () => seen.push(`plain@${s.now}`));
    s.call(3, record, { name: 'a' });
    s.cancel(s.call(5, record, { name: 'cancelled' }));
    s.runUntil(100, { maxEvents: 10 });
    expect(seen).toEqual(['a@3', 'b@7', 'plain@7']);
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

/**
 * The scheduler as specified, written naively: every entry, cancelled or not,
 * stays queued until it surfaces, and each loop step takes the earliest.
 */
class ReferenceScheduler {
  private readonly queue: { time: number; seq: number; action: (() => void) | null; done: boolean }[] = [];
  private nextSeq = 0;
  now = 0;
  eventCount = 0;
  get pending(): number {
    return this.queue.length;
  }
  at(time: number, action: () => void): { done: boolean } {
    const entry = { time, seq: this.nextSeq++, action, done: false };
    this.queue.push(entry);
    return entry;
  }
  cancel(handle: { done: boolean }): void {
    const entry = handle as (typeof this.queue)[number];
    entry.done = true;
    entry.action = null;
  }
  runUntil(horizon: number, maxEvents: number): { kind: string; events: number } {
    let events = 0;
    for (;;) {
      this.queue.sort((a, b) => a.time - b.time || a.seq - b.seq);
      const top = this.queue[0];
      if (!top) return { kind: 'idle', events };
      if (top.time > horizon) {
        this.now = horizon;
        return { kind: 'horizon', events };
      }
      if (events >= maxEvents) return { kind: 'event-limit', events };
      this.queue.shift();
      if (top.done) continue;
      this.now = top.time;
      top.done = true;
      const action = top.action as () => void;
      top.action = null;
      events++;
      this.eventCount++;
      action();
    }
  }
}

type Step = { op: 'at'; delay: number } | { op: 'cancel'; which: number } | { op: 'run'; ahead: number; maxEvents: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('at' as const), delay: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ op: fc.constant('cancel' as const), which: fc.nat() }),
  fc.record({ op: fc.constant('run' as const), ahead: fc.integer({ min: 0, max: 40 }), maxEvents: fc.integer({ min: 0, max: 8 }) }),
);

describe('Scheduler cancellation', () => {
  it('ends runs, counts pending events and runs actions exactly as if cancelled events stayed queued', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 120 }), (steps) => {
        const real = new Scheduler();
        const ref = new ReferenceScheduler();
        const realLog: string[] = [];
        const refLog: string[] = [];
        const realHandles: ReturnType<Scheduler['at']>[] = [];
        const refHandles: { done: boolean }[] = [];
        for (const [i, step] of steps.entries()) {
          if (step.op === 'at') {
            realHandles.push(real.at(real.now + step.delay, () => realLog.push(`${i}@${real.now}`)));
            refHandles.push(ref.at(ref.now + step.delay, () => refLog.push(`${i}@${ref.now}`)));
          } else if (step.op === 'cancel' && realHandles.length > 0) {
            const k = step.which % realHandles.length;
            real.cancel(realHandles[k] as ReturnType<Scheduler['at']>);
            ref.cancel(refHandles[k] as { done: boolean });
          } else if (step.op === 'run') {
            realLog.push(JSON.stringify(real.runUntil(real.now + step.ahead, { maxEvents: step.maxEvents })));
            refLog.push(JSON.stringify(ref.runUntil(ref.now + step.ahead, step.maxEvents)));
          }
          realLog.push(`now=${real.now} pending=${real.pending} count=${real.eventCount}`);
          refLog.push(`now=${ref.now} pending=${ref.pending} count=${ref.eventCount}`);
        }
        expect(realLog).toEqual(refLog);
      }),
      { numRuns: 2000 },
    );
  });
});
