import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runLab } from './lab-run';
import { CHECKPOINT_EVERY, StateFolder, type StateAt } from './state-at';

function events(id: string) {
  const r = runLab(id, 1);
  if (!r.ok) throw new Error(r.error);
  return r.run.events;
}

/** A state as plain data, copied (DPT rows included): what it showed when it was answered. */
const snapshot = (s: StateAt) => ({
  index: s.index,
  time: s.time,
  lastTransfer: s.lastTransfer?.index ?? null,
  ...Object.fromEntries((['machines', 'vipadyn', 'tcp', 'crt', 'owners', 'dpt'] as const).map((k) => [k, [...s[k]].map(([key, v]) => [key, typeof v === 'object' ? { ...v } : v])])),
});

/** Steps a person takes: mostly forward, sometimes back, sometimes a jump or the same step again. */
const walk = (last: number) =>
  fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, fc.constant(-1), fc.constant(0), fc.integer({ min: -last, max: last }).map((n) => ({ jump: n }))), { minLength: 1, maxLength: 40 });

// sysplex-swarm spans several checkpoints; syn-weightedactive has VDPT reports, takeback VIPADYN lines.
describe.each(['sysplex-swarm', 'syn-weightedactive', 'takeback'])('the state fold of %s, asked step after step', (id) => {
  const trace = events(id);
  const last = trace.length - 1;
  const expected = new Map<number, ReturnType<typeof snapshot>>();
  // A new folder per step has no earlier answer to fold from: the state from the nearest checkpoint.
  const reference = (n: number) => expected.get(n) ?? expected.set(n, snapshot(new StateFolder(trace).at(n))).get(n);

  it('answers what a fresh fold answers, and never changes a state it answered before', () => {
    expect(last).toBeGreaterThan(CHECKPOINT_EVERY);
    fc.assert(
      fc.property(fc.integer({ min: -1, max: last }), walk(last), (start, moves) => {
        const folder = new StateFolder(trace);
        const answered: [StateAt, ReturnType<typeof snapshot>][] = [];
        let n = start;
        for (const m of [0, ...moves]) {
          n = Math.max(-1, Math.min(last, typeof m === 'number' ? n + m : m.jump));
          const s = folder.at(n);
          expect(snapshot(s)).toEqual(reference(n));
          answered.push([s, snapshot(s)]);
        }
        for (const [s, then] of answered) expect(snapshot(s)).toEqual(then);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a step forward', () => {
  it('keeps the tables the step did not change (the same maps), and copies the one it changed', () => {
    const trace = events('sysplex-swarm');
    const folder = new StateFolder(trace);
    const change = trace.findIndex((e, i) => i > 10 && e.kind === 'state-change' && e.machine.startsWith('tcp '));
    const before = folder.at(change - 1);
    const after = folder.at(change);
    expect(after.tcp).not.toBe(before.tcp);
    expect(after.crt).toBe(before.crt);
    expect(after.owners).toBe(before.owners);
    const quiet = trace.findIndex((e, i) => i > change && e.kind !== 'state-change' && e.kind !== 'crt' && e.kind !== 'tcb' && e.kind !== 'app' && e.kind !== 'transfer');
    const a = folder.at(quiet - 1);
    const b = folder.at(quiet);
    expect(b).not.toBe(a);
    for (const k of ['machines', 'vipadyn', 'tcp', 'crt', 'owners', 'dpt'] as const) expect(b[k], k).toBe(a[k]);
  });
});
