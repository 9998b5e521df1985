// Proves the state diagram is drawn from the running machine's definition: it
// has the eleven RFC 9293 states and exactly the transitions the machine
// declares (self-transitions aside), so the picture cannot drift from the code.
import { describe, expect, it } from 'vitest';
import { routingStackMachine } from '../../machines/sysplex/routing-stack.machine';
import { targetStackMachine } from '../../machines/sysplex/target-stack.machine';
import { vipaStatusMachine } from '../../machines/sysplex/vipa-status.machine';
import { tcpConnectionMachine } from '../../machines/tcp-connection.machine';
import { TCP_STATES } from '../../sim/tcp/control';
import { machineDiagram, ROUTING_STACK_GRID, TARGET_STACK_GRID, VIPA_STATUS_GRID, type DiagramState } from './machine-diagram';

describe('machineDiagram', () => {
  const d = machineDiagram(tcpConnectionMachine);

  it('has the eleven RFC 9293 states, each placed', () => {
    expect(d.states.map((s) => s.id).sort()).toEqual([...TCP_STATES].sort());
    expect(new Set(d.states.map((s) => `${s.x},${s.y}`)).size).toBe(11);
  });

  it('has an arrow for every declared transition between distinct states', () => {
    const config = tcpConnectionMachine.config as { states: Record<string, { on?: Record<string, { target?: string } | string> }> };
    let declared = 0;
    for (const [from, s] of Object.entries(config.states)) for (const t of Object.values(s.on ?? {})) if ((typeof t === 'string' ? t : t.target) !== from) declared++;
    expect(d.edges).toHaveLength(declared);
    expect(d.edges).toContainEqual({ from: 'ESTABLISHED', to: 'CLOSE-WAIT', event: 'RCV_FIN' });
    expect(d.edges).toContainEqual({ from: 'FIN-WAIT-1', to: 'TIME-WAIT', event: 'RCV_FIN_ACKING_FIN' });
  });
});

// The stack lifecycle machines (routing stack, target stack, DVIPA status):
// every state their definitions declare is drawn, on its own cell of the
// machine's grid, and every declared target is an arrow — including the later
// targets of a guarded list and eventless (`always`) choices, which a reader
// of only the first target would miss.
describe('machineDiagram of the stack machines', () => {
  const machines = [
    ['routing-stack', routingStackMachine, ROUTING_STACK_GRID],
    ['target-stack', targetStackMachine, TARGET_STACK_GRID],
    ['vipa-status', vipaStatusMachine, VIPA_STATUS_GRID],
  ] as const;

  it.each(machines)('%s: one box per declared state, each on its own cell of the grid', (_, machine, grid) => {
    const d = machineDiagram(machine, grid);
    const declared = Object.keys((machine.config as { states: Record<string, unknown> }).states);
    expect(d.states.map((s) => s.id).sort()).toEqual([...declared].sort());
    expect(Object.keys(grid).sort()).toEqual([...declared].sort());
    expect(new Set(d.states.map((s) => `${s.x},${s.y}`)).size).toBe(declared.length);
  });

  it.each(machines)('%s: no arrow runs through a third box', (_, machine, grid) => {
    const d = machineDiagram(machine, grid);
    const box = new Map(d.states.map((s) => [s.id, s]));
    for (const e of d.edges) {
      const [a, b] = [box.get(e.from), box.get(e.to)];
      if (!a || !b) throw new Error(`edge ${e.from}→${e.to} has no box`);
      for (const other of d.states.filter((s) => s !== a && s !== b)) expect(crosses(a, b, other), `${e.from}→${e.to} crosses ${other.id}`).toBe(false);
    }
  });

  it('draws every DVIPA status transition, both targets of the guarded TAKEN_BACK and the start choice', () => {
    const edges = machineDiagram(vipaStatusMachine, VIPA_STATUS_GRID).edges;
    expect(edges).toContainEqual({ from: 'joining', to: 'active', event: 'always', guard: 'definesTheVipa' });
    expect(edges).toContainEqual({ from: 'joining', to: 'backup', event: 'always' });
    expect(edges).toContainEqual({ from: 'active', to: 'backup', event: 'TAKEN_BACK', guard: 'drained' });
    expect(edges).toContainEqual({ from: 'active', to: 'moving', event: 'TAKEN_BACK' });
    expect(edges).toContainEqual({ from: 'backup', to: 'active', event: 'OWNER_LEFT' });
    expect(edges).toContainEqual({ from: 'down', to: 'joining', event: 'RESTARTED' });
    expect(edges.filter((e) => e.to === 'down').map((e) => e.from).sort()).toEqual(['active', 'backup', 'moving']);
    expect(edges).toHaveLength(11);
  });

  it('draws the stacks’ crash arrows, and no arrow for a self-transition', () => {
    const routing = machineDiagram(routingStackMachine, ROUTING_STACK_GRID).edges;
    expect(routing.filter((e) => e.event === 'CRASHED').map((e) => e.from).sort()).toEqual(['distributing', 'proxying', 'waitingForRoutingApp']);
    expect(routing).toContainEqual({ from: 'starting', to: 'proxying', event: 'always', guard: 'relaysThroughProxy' });
    expect(routing).toContainEqual({ from: 'down', to: 'starting', event: 'RESTARTED' });
    expect(routing.some((e) => e.from === e.to)).toBe(false);
    const target = machineDiagram(targetStackMachine, TARGET_STACK_GRID).edges;
    expect(target.filter((e) => e.event === 'CRASHED').map((e) => e.from).sort()).toEqual(['appRegistered', 'joined', 'serving']);
    expect(target).toContainEqual({ from: 'joined', to: 'serving', event: 'APP_LISTENING' });
  });
});

const BOX_W = 120;
const BOX_H = 30;

/** Whether the segment between the centres of boxes a and b passes through box c (sampled; boxes are 120 × 30). */
function crosses(a: DiagramState, b: DiagramState, c: DiagramState): boolean {
  for (let i = 0; i <= 200; i++) {
    const x = a.x + BOX_W / 2 + ((b.x - a.x) * i) / 200;
    const y = a.y + BOX_H / 2 + ((b.y - a.y) * i) / 200;
    if (x > c.x && x < c.x + BOX_W && y > c.y && y < c.y + BOX_H) return true;
  }
  return false;
}
