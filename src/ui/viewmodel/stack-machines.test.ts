// The stack lifecycle machines (routing stack, target stack, DVIPA status)
// trace their states, and the state at a step is what the scenario implies:
// the takeover's crash takes SYS1's routing stack and DVIPA status down at
// once, the backup SYS2 goes Backup → Active only when XCF notices, and at
// takeback SYS1 is Active again while SYS2 goes Moving, then Backup. The
// steps are found in the trace (the crash, XCF's notice, the restart), never
// hard-coded, so the test follows the scenario rather than its step numbers.
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { runLab } from './lab-run';
import { StateFolder } from './state-at';

function run(id: string) {
  const r = runLab(id, 1);
  if (!r.ok) throw new Error(r.error);
  return r.run;
}

/** Index of the first entry that matches, or a thrown error naming what was missing. */
function stepOf(events: readonly TraceEntry[], what: string, match: (e: TraceEntry) => boolean): number {
  const e = events.find(match);
  if (!e) throw new Error(`no ${what} in the trace`);
  return e.index;
}

const fault = (host: string, kind: 'crash' | 'restart') => (e: TraceEntry) => e.kind === 'fault' && e.target === `host:${host}` && e.fault === kind;
const xcfNoticed = (host: string) => (e: TraceEntry) => e.kind === 'app' && e.app === 'XCF' && e.message.startsWith(`${host} left the sysplex group`);

/** `stack kind` → state after `step`, for the stack machines only. */
function stacksAt(folder: StateFolder, step: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of folder.at(step).machines.values()) if (/^(routing-stack|target-stack|vipa-status)$/.test(m.machine)) out[`${m.node} ${m.machine}`] = m.state;
  return out;
}

describe('stack machines at the steps of the takeover and takeback', () => {
  it('takeover: SYS1 goes down at the crash; SYS2’s DVIPA status goes backup → active when XCF notices', () => {
    const { events } = run('takeover');
    const folder = new StateFolder(events);
    const crash = stepOf(events, 'crash of SYS1', fault('SYS1', 'crash'));
    const noticed = stepOf(events, 'XCF notice', xcfNoticed('SYS1'));
    expect(stacksAt(folder, crash - 1)).toEqual({
      'SYS1 routing-stack': 'distributing',
      'SYS2 routing-stack': 'distributing',
      'SYS3 target-stack': 'serving',
      'SYS4 target-stack': 'serving',
      'SYS1 vipa-status': 'active',
      'SYS2 vipa-status': 'backup',
    });
    // The crash's own listeners run in the same instant, a few entries after the fault entry.
    const afterCrash = stacksAt(folder, noticed - 1);
    expect(afterCrash).toMatchObject({ 'SYS1 routing-stack': 'down', 'SYS1 vipa-status': 'down', 'SYS2 vipa-status': 'backup', 'SYS3 target-stack': 'serving' });
    expect(stacksAt(folder, events.length - 1)).toMatchObject({ 'SYS1 routing-stack': 'down', 'SYS1 vipa-status': 'down', 'SYS2 vipa-status': 'active', 'SYS2 routing-stack': 'distributing' });
  });

  it('takeback: SYS1 restarts, waits for its routing app, distributes and is active; SYS2 goes moving, then backup', () => {
    const { events } = run('takeback');
    const folder = new StateFolder(events);
    const restart = stepOf(events, 'restart of SYS1', fault('SYS1', 'restart'));
    expect(stacksAt(folder, restart - 1)).toMatchObject({ 'SYS1 routing-stack': 'down', 'SYS1 vipa-status': 'down', 'SYS2 vipa-status': 'active' });
    const sys1 = changesOf(events, 'SYS1', restart);
    expect(sys1).toEqual(['routing-stack:waitingForRoutingApp', 'vipa-status:active', 'routing-stack:distributing']);
    expect(changesOf(events, 'SYS2', restart)).toEqual(['vipa-status:moving', 'vipa-status:backup']);
    expect(stacksAt(folder, events.length - 1)).toMatchObject({ 'SYS1 routing-stack': 'distributing', 'SYS1 vipa-status': 'active', 'SYS2 vipa-status': 'backup' });
  });

  it('the DVIPA status machine and the VIPADYN lines agree at every step', () => {
    const { events } = run('takeback');
    const word: Readonly<Record<string, string>> = { active: 'Active', backup: 'Backup', moving: 'Moving', down: 'Down' };
    const folder = new StateFolder(events);
    let compared = 0;
    for (const e of events) {
      if (e.kind !== 'app' || e.app !== 'VIPADYN' || typeof e.data?.stack !== 'string') continue;
      const machine = folder.at(e.index).machines.get(`${e.data.stack} vipa-status`)?.state ?? '?';
      expect(word[machine], `step ${e.index} ${e.data.stack}`).toBe(e.data.status);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(7);
  });
});

describe('stack machines in the other scenarios', () => {
  it('a target stack crash shows its machine down; the other target keeps serving', () => {
    const { events } = run('target-crash');
    const folder = new StateFolder(events);
    const crash = stepOf(events, 'crash of SYS3', fault('SYS3', 'crash'));
    expect(stacksAt(folder, crash - 1)).toEqual({ 'SYS1 routing-stack': 'distributing', 'SYS2 target-stack': 'serving', 'SYS3 target-stack': 'serving' });
    expect(stacksAt(folder, events.length - 1)).toEqual({ 'SYS1 routing-stack': 'distributing', 'SYS2 target-stack': 'serving', 'SYS3 target-stack': 'down' });
  });

  it('under the patent the routing stack waits for its routing app; under Sysplex Distributor it distributes from the start', () => {
    const patent = run('http-transfer').events;
    expect(changesOf(patent, 'SYS1', -1).filter((c) => c.startsWith('routing-stack'))).toEqual(['routing-stack:waitingForRoutingApp', 'routing-stack:distributing']);
    expect(changesOf(patent, 'SYS2', -1)).toEqual(['target-stack:joined', 'target-stack:appRegistered', 'target-stack:serving']);
    const syn = run('syn-roundrobin').events;
    expect(changesOf(syn, 'SYS1', -1)).toEqual(['routing-stack:distributing']);
    // A server behind Sysplex Distributor listens without registering on a control socket.
    expect(changesOf(syn, 'SYS2', -1)).toEqual(['target-stack:joined', 'target-stack:serving']);
  });
});

/** The stack machines' state changes on `node` after step `from`, as `machine:state`. */
function changesOf(events: readonly TraceEntry[], node: string, from: number): string[] {
  return events.flatMap((e) => (e.kind === 'state-change' && e.node === node && e.index > from && /^(routing-stack|target-stack|vipa-status)$/.test(e.machine) ? [`${e.machine}:${e.to}`] : []));
}
