// The L7 proxy's per-connection machine, run without actors through XState's
// pure initialTransition/transition: it reads until a request decides the
// target, opens the second connection, relays on every event until both sides
// have closed, and answers 503 when there is no target or the target fails
// before the relay starts.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { proxyConnectionMachine } from './proxy-app.machine';

/** The machine's own actions, without XState's built-ins (assign). */
const names = (actions: readonly { type: string }[]): string[] => actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));

function relaying(bothClosed: boolean) {
  const machine = proxyConnectionMachine.provide({ guards: { bothClosed: () => bothClosed } });
  const [reading] = initialTransition(machine);
  const [connecting] = transition(machine, reading, { type: 'DECIDED', target: 'WEB3' });
  return { machine, connecting, state: transition(machine, connecting, { type: 'BACKEND_UP' }) };
}

describe('proxyConnectionMachine', () => {
  it('reads until a request decides, then opens the backend for that target', () => {
    const [s, actions] = initialTransition(proxyConnectionMachine);
    expect([s.value, names(actions)]).toEqual(['reading', ['readRequest']]);
    const [again, more] = transition(proxyConnectionMachine, s, { type: 'CLIENT_BYTES' });
    expect([again.value, names(more)]).toEqual(['reading', ['readRequest']]);
    const [connecting, open] = transition(proxyConnectionMachine, again, { type: 'DECIDED', target: 'WEB3' });
    expect([connecting.value, connecting.context.target, names(open)]).toEqual(['connecting', 'WEB3', ['openBackend']]);
    // Client bytes wait in the socket until the backend is up.
    expect(names(transition(proxyConnectionMachine, connecting, { type: 'CLIENT_BYTES' })[1])).toEqual([]);
  });

  it('relays on every event both ways while a side is open', () => {
    const { machine, state } = relaying(false);
    expect([state[0].value, names(state[1])]).toEqual(['relaying', ['pump']]);
    for (const type of ['CLIENT_BYTES', 'BACKEND_BYTES', 'CLIENT_FIN', 'BACKEND_FIN'] as const) {
      const [next, actions] = transition(machine, state[0], { type });
      expect([type, next.value, names(actions)]).toEqual([type, 'relaying', ['pump']]);
    }
  });

  it('ends once both sides are closed', () => {
    const { machine, connecting } = relaying(true);
    const [closed, actions] = transition(machine, connecting, { type: 'BACKEND_UP' });
    expect([closed.value, names(actions), closed.status]).toEqual(['closed', ['pump'], 'done']);
  });

  it('answers 503 with no target, or when the backend fails before relaying', () => {
    const [reading] = initialTransition(proxyConnectionMachine);
    const [none, a] = transition(proxyConnectionMachine, reading, { type: 'NO_TARGET' });
    expect([none.value, names(a)]).toEqual(['closed', ['answerError']]);
    const [connecting] = transition(proxyConnectionMachine, reading, { type: 'DECIDED', target: 'WEB2' });
    const [failed, b] = transition(proxyConnectionMachine, connecting, { type: 'BACKEND_FAILED', reason: 'refused' });
    expect([failed.value, names(b)]).toEqual(['closed', ['answerError']]);
  });

  it('closes quietly when the client leaves before a whole request', () => {
    const [reading] = initialTransition(proxyConnectionMachine);
    const [closed, actions] = transition(proxyConnectionMachine, reading, { type: 'CLIENT_FIN' });
    expect([closed.value, names(actions)]).toEqual(['closed', ['closeClient']]);
  });
});
