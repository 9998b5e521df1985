// Proves the state diagram is drawn from the running machine's definition: it
// has the eleven RFC 9293 states and exactly the transitions the machine
// declares (self-transitions aside), so the picture cannot drift from the code.
import { describe, expect, it } from 'vitest';
import { tcpConnectionMachine } from '../../machines/tcp-connection.machine';
import { TCP_STATES } from '../../sim/tcp/control';
import { machineDiagram } from './machine-diagram';

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
