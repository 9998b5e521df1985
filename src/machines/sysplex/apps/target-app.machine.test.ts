// The target app's per-connection machine, run without actors through XState's
// pure initialTransition/transition: a connection offered by a transfer waits
// for INSTALLED and then restores state, while one accepted at SYN time (z/OS
// Sysplex Distributor) serves at once, greeting first, and never restores.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { targetConnectionMachine } from './target-app.machine';

const names = (actions: readonly { type: string }[]): string[] => actions.map((a) => a.type);

describe('targetConnectionMachine', () => {
  it('SYN-time: straight to serving, greeting then serving, no offer and no restore', () => {
    const [s, actions] = initialTransition(targetConnectionMachine, { accept: true, bySyn: true });
    expect(s.value).toBe('serving');
    expect(names(actions)).toEqual(['greet', 'serve']);
    const [next, more] = transition(targetConnectionMachine, s, { type: 'BYTES' });
    expect(next.value).toBe('serving');
    expect(names(more)).toEqual(['serve']);
  });

  it('transfer: accepted, then INSTALLED restores the state and serves', () => {
    const [s, actions] = initialTransition(targetConnectionMachine, { accept: true });
    expect(s.value).toBe('accepted');
    expect(names(actions)).toEqual(['acceptOffer']);
    const [next, more] = transition(targetConnectionMachine, s, { type: 'INSTALLED' });
    expect(next.value).toBe('serving');
    expect(names(more)).toEqual(['restoreState', 'serve']);
  });

  it('a SYN-time connection closes like any other', () => {
    const [s] = initialTransition(targetConnectionMachine, { accept: true, bySyn: true });
    const [closing, actions] = transition(targetConnectionMachine, s, { type: 'PEER_CLOSED' });
    expect(closing.value).toBe('closing');
    expect(names(actions)).toEqual(['closeSocket']);
    expect(transition(targetConnectionMachine, closing, { type: 'CLOSED' })[0].value).toBe('closed');
  });
});
