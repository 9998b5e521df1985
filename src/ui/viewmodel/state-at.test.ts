import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { runLab } from './lab-run';
import { StateFolder } from './state-at';

function run(id: string, seed = 1) {
  const r = runLab(id, seed);
  if (!r.ok) throw new Error(r.error);
  return r.run;
}

describe('VDPT counters at a step', () => {
  it('are the routing stack’s own reports when it makes them (SYN-time distribution), at every step', () => {
    const lab = run('syn-weightedactive');
    const folder = new StateFolder(lab.events);
    const latest = new Map<string, Readonly<Record<string, unknown>>>();
    let checked = 0;
    for (const e of lab.events) {
      if (e.kind === 'app' && e.app === 'VDPT' && e.data && typeof e.data.destXcf === 'string') latest.set(e.data.destXcf, e.data);
      if (e.index % 25 !== 0) continue;
      const dpt = folder.at(e.index).dpt;
      for (const [xcf, data] of latest) {
        expect(dpt.get(xcf), `step ${e.index} ${xcf}`).toMatchObject({ totalConn: data.totalConn, activeConn: data.activeConn, reported: { rdy: data.rdy, weight: data.weight } });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('are counted from CRT changes when there are no reports (the patent’s transfer)', () => {
    const lab = run('http-transfer');
    expect(lab.events.some((e) => e.kind === 'app' && e.app === 'VDPT')).toBe(false);
    const end = new StateFolder(lab.events).at(lab.events.length - 1);
    const crtAdds = lab.events.filter((e) => e.kind === 'crt' && e.action !== 'remove').length;
    const total = [...end.dpt.values()].reduce((n, d) => n + d.totalConn, 0);
    expect(total).toBe(crtAdds);
    expect([...end.dpt.values()].every((d) => d.reported === undefined)).toBe(true);
  });
});

describe('the sysplex machines at a step', () => {
  it('follow their traced state changes, and every traced state is a state of the machine’s definition', async () => {
    const { routingConnectionMachine } = await import('../../machines/sysplex/apps/routing-app.machine');
    const { targetConnectionMachine } = await import('../../machines/sysplex/apps/target-app.machine');
    const { transferMachine } = await import('../../machines/sysplex/transfer.machine');
    const { routingStackMachine } = await import('../../machines/sysplex/routing-stack.machine');
    const { targetStackMachine } = await import('../../machines/sysplex/target-stack.machine');
    const { vipaStatusMachine } = await import('../../machines/sysplex/vipa-status.machine');
    const definitions: Record<string, AnyStateMachine> = { 'routing-app': routingConnectionMachine, transfer: transferMachine, 'target-app': targetConnectionMachine, 'routing-stack': routingStackMachine, 'target-stack': targetStackMachine, 'vipa-status': vipaStatusMachine };
    for (const id of ['http-transfer', 'reject-second-target', 're-transfer', 'all-reject', 'takeback', 'target-crash', 'syn-roundrobin']) {
      const lab = run(id);
      const changes = lab.events.filter((e) => e.kind === 'state-change' && !e.machine.startsWith('tcp '));
      expect(changes.length, id).toBeGreaterThan(0);
      for (const e of changes) {
        if (e.kind !== 'state-change') continue;
        const kind = e.machine.split(' ')[0] ?? '';
        expect(Object.keys(definitions[kind]?.config.states ?? {}), `${id} ${e.machine}`).toContain(e.to);
      }
      const end = new StateFolder(lab.events).at(lab.events.length - 1);
      expect([...end.tcp.values()].every((t) => t.machine.startsWith('tcp ')), id).toBe(true);
      const last = changes.at(-1);
      if (last?.kind === 'state-change') expect(end.machines.get(`${last.node} ${last.machine}`)?.state).toBe(last.to);
    }
    const transfer = new StateFolder(run('http-transfer').events);
    const states = [...transfer.at(run('http-transfer').events.length - 1).machines.values()].map((m) => `${m.machine.split(' ')[0]}:${m.state}`).sort();
    expect(states).toEqual(['routing-app:handedOff', 'routing-stack:distributing', 'target-app:closed', 'target-stack:serving', 'target-stack:serving', 'transfer:committed']);
  });
});
