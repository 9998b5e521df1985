// The takeover and takeback scenarios meet their own expectations; a target
// stack's crash (with a backup configured) kills only its own connections and
// names each one, with its owner, in the trace; the takeover parameters are
// checked against each other at load time, with errors that name the field;
// and the VIPADYN status machine moves only along IBM's transitions.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { vipaStatusMachine, type VipaStatusEvent, type VipaStatusInput } from '../../machines/sysplex/vipa-status.machine';
import { findScenario } from '../registry';
import { parseSysplexParams } from '../sysplex-params';
import { targetCrash, type SysplexRun } from '../sysplex-scenarios';
import { takeback, takeover, vipadynStatuses } from '../zos-scenarios';
import type { ScenarioDefinition } from '../types';

function run<P>(s: ScenarioDefinition<P>, overrides: Record<string, unknown> = {}): SysplexRun {
  const parsed = s.parse(overrides);
  if (!parsed.ok) throw new Error(parsed.error);
  return s.run(parsed.params, 1) as SysplexRun;
}

const failed = (r: SysplexRun): string[] => r.expectations.filter((e) => !e.ok).map((e) => `${e.name}: ${e.detail}`);

describe('takeover scenarios', () => {
  it.each([takeover, takeback])('$id: every expectation holds, and it claims nothing (z/OS behaviour, not the patent)', (s) => {
    expect(failed(run(s))).toEqual([]);
    expect(s.claims).toEqual([]);
    expect(findScenario(s.id)).toBe(s);
  });

  it('the backup holds nothing before the crash and routes the DVIPA only after XCF noticed it', () => {
    const r = run(takeover);
    const active = r.sim.trace.events.find((e) => e.kind === 'app' && e.app === 'VIPADYN' && e.node === 'SYS2' && e.data?.status === 'Active');
    expect(active?.time).toBe(31_000 + 100_000);
    const routed = r.sim.trace.events.find((e) => e.kind === 'app' && e.app === 'routing' && e.node === 'router');
    expect(routed?.time).toBe(31_000 + 100_000 + 50_000);
    expect(r.sim.trace.events.some((e) => e.kind === 'crt' && e.node === 'SYS2' && e.time < 131_000)).toBe(false);
  });

  it('without a restart SYS1 stays down and SYS2 Active', () => {
    const r = run(takeover);
    expect(vipadynStatuses(r, 'SYS1')).toEqual(['Active', 'Down']);
    expect(r.sysplex.takeover?.statusOf('SYS2')).toBe('Active');
    expect(r.sysplex.takeover?.owner).toBe('SYS2');
  });
});

describe('the backup crashes while it owns the DVIPA, then restarts', () => {
  it('the DVIPA is gone meanwhile; back up, the backup takes it over again (nobody else owns it) and serves the late client', () => {
    const r = run(takeover, { crashes: [{ stack: 'SYS2', atUs: 400_000 }], restart: { stack: 'SYS2', atUs: 700_000 } });
    expect(vipadynStatuses(r, 'SYS2')).toEqual(['Backup', 'Active', 'Down', 'Backup', 'Active']);
    expect(r.sim.trace.events.some((e) => e.kind === 'app' && e.app === 'XCF' && e.message.startsWith('no backup is up'))).toBe(true);
    expect(r.sysplex.clients[2]?.state).toBe('done');
    expect(r.invariants.filter((i) => !i.ok)).toEqual([]);
  });
});

describe('a target stack crash with a backup configured', () => {
  // SYS3 crashes with client1's connection on WEB3; the routing stack SYS1 lives on.
  const r = run(takeover, { crash: { stack: 'SYS3', atUs: 31_000 } });
  const conn1 = (() => {
    const tcb = r.sysplex.clients[0]?.connection?.tcb;
    return tcb ? `10.64.0.1:${tcb.localPort}>10.10.10.10:80` : '?';
  })();

  it('names each lost connection and its owner, and the DVIPA owner drops its CRT row for that reason', () => {
    const lost = r.sim.trace.events.filter((e) => e.kind === 'tcb' && e.action === 'release' && e.reason.startsWith('lost: owned by crashed SYS3'));
    expect(lost.map((e) => (e.kind === 'tcb' ? `${e.node} ${e.conn}` : ''))).toEqual([`SYS3 ${conn1}`]);
    const removed = r.sim.trace.events.find((e) => e.kind === 'crt' && e.action === 'remove' && e.node === 'SYS1' && e.reason === 'lost: owned by crashed SYS3');
    expect(removed?.time).toBe(31_000 + 100_000);
  });

  it('kills only that connection: the others finish, the invariants hold, and nobody takes the DVIPA over', () => {
    expect(r.sysplex.clients.map((c) => c.state)).toEqual(['failed', 'done', 'done']);
    expect(r.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(vipadynStatuses(r, 'SYS2')).toEqual(['Backup']);
    expect(r.sysplex.clients[2]?.replies.at(-1)?.text).toContain('WEB4');
  });
});

describe('XCF group monitoring without a backup (xcfDetectionUs alone)', () => {
  const r = run(targetCrash, { xcfDetectionUs: 50_000 });

  it('makes the target-crash scenario name its lost connection and drop the CRT row, so every invariant holds', () => {
    const lost = r.sim.trace.events.filter((e) => e.kind === 'tcb' && e.reason.startsWith('lost: owned by crashed SYS3'));
    expect(lost).toHaveLength(1);
    const removed = r.sim.trace.events.find((e) => e.kind === 'crt' && e.action === 'remove' && e.reason === 'lost: owned by crashed SYS3');
    expect(removed?.time).toBe(26_000 + 50_000);
    expect(r.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(r.sysplex.clients[0]?.state).toBe('failed');
  });

  it('leaves the run without it untouched: no VIPADYN, no loss entries', () => {
    const plain = run(targetCrash);
    expect(plain.sim.trace.events.some((e) => (e.kind === 'app' && e.app === 'VIPADYN') || (e.kind === 'tcb' && e.reason.startsWith('lost:')))).toBe(false);
    expect(plain.sysplex.takeover).toBeNull();
  });
});

describe('takeover parameters', () => {
  const base = { stacks: ['SYS1', 'SYS2', 'SYS3', 'SYS4'], targets: [{ app: 'WEB3', stack: 'SYS3' }, { app: 'WEB4', stack: 'SYS4' }], policy: { rules: [], fallback: ['WEB3'] } };
  const error = (input: Record<string, unknown>): string => {
    const r = parseSysplexParams({ ...base, ...input });
    return r.ok ? 'ok' : r.error;
  };

  it.each([
    [{ backup: { stack: 'SYS9' } }, "backup.stack: no stack named 'SYS9'"],
    [{ backup: { stack: 'SYS1' } }, "backup.stack: 'SYS1' owns the DVIPA; the backup must be another stack"],
    [{ backup: { stack: 'SYS3' } }, /^backup\.stack: 'SYS3' runs the target app WEB3/],
    [{ routerConvergenceUs: 5 }, 'routerConvergenceUs: only means something with a backup stack (set backup.stack)'],
    [{ crashes: [{ stack: 'SYS7', atUs: 1 }] }, "crashes.0.stack: no stack named 'SYS7'"],
    [{ backup: { stack: 'SYS2' }, restart: { stack: 'SYS3', atUs: 500_000 }, crash: { stack: 'SYS3', atUs: 1_000 } }, /^restart\.stack: only the routing stack 'SYS1' or the backup 'SYS2'/],
    [{ backup: { stack: 'SYS2' }, restart: { stack: 'SYS1', atUs: 500_000 } }, "restart.stack: 'SYS1' does not crash before 500000 µs"],
    [{ backup: { stack: 'SYS2' }, crash: { stack: 'SYS1', atUs: 1_000 }, restart: { stack: 'SYS1', atUs: 101_000 } }, 'restart.atUs: must come after XCF noticed the crash (101000 µs)'],
    [{ backup: { stack: 'SYS2', rank: 255 } }, /^backup\.rank: /],
  ])('%j → %s', (input, expected) => {
    if (typeof expected === 'string') expect(error(input)).toBe(expected);
    else expect(error(input)).toMatch(expected);
  });

  it('accepts a backup with a restart after the crash was noticed, and defaults the rank to 100', () => {
    const r = parseSysplexParams({ ...base, backup: { stack: 'SYS2' }, crash: { stack: 'SYS1', atUs: 1_000 }, xcfDetectionUs: 5_000, restart: { stack: 'SYS1', atUs: 6_001 } });
    expect(r.ok && r.params.backup).toEqual({ stack: 'SYS2', rank: 100 });
  });
});

describe('VIPADYN status machine', () => {
  const walk = (origin: VipaStatusInput['origin'], events: readonly VipaStatusEvent[]): string[] => {
    const actor = createActor(vipaStatusMachine, { input: { origin } }).start();
    return [String(actor.getSnapshot().value), ...events.map((e) => (actor.send(e), String(actor.getSnapshot().value)))];
  };

  it('VIPADEFINE: Active, down with the stack, Active again when it restarts (takeback)', () => {
    expect(walk('VIPADefine', [{ type: 'CRASHED' }, { type: 'RESTARTED' }])).toEqual(['active', 'down', 'active']);
  });

  it('VIPABACKUP: Backup, Active on takeover, Moving while it holds connections after a takeback, then Backup', () => {
    expect(walk('VIPABackup', [{ type: 'OWNER_LEFT' }, { type: 'TAKEN_BACK', drained: false }, { type: 'DRAINED' }])).toEqual(['backup', 'active', 'moving', 'backup']);
    expect(walk('VIPABackup', [{ type: 'OWNER_LEFT' }, { type: 'TAKEN_BACK', drained: true }])).toEqual(['backup', 'active', 'backup']);
  });

  it('ignores events a status does not allow (a backup is never drained, an active owner never "left")', () => {
    expect(walk('VIPABackup', [{ type: 'DRAINED' }, { type: 'TAKEN_BACK', drained: false }])).toEqual(['backup', 'backup', 'backup']);
    expect(walk('VIPADefine', [{ type: 'OWNER_LEFT' }, { type: 'RESTARTED' }])).toEqual(['active', 'active', 'active']);
  });
});
