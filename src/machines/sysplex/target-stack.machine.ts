// A target stack's lifecycle machine, apart from the stack (target-stack.ts) so that the
// lab's state diagram can draw it from its definition without loading the TCP engine.
import { setup } from 'xstate';

/** Events of a target stack's lifecycle. */
export type TargetStackEvent = { type: 'APP_REGISTERED' } | { type: 'APP_LISTENING' } | { type: 'CRASHED' };

/**
 * Lifecycle of a target stack: it serves once an app listens on the DVIPA
 * port — after registering on the control socket (the patent), or straight
 * away as a server behind Sysplex Distributor, which registers nothing. A
 * crash takes it down for good: the lab restarts only routing stacks.
 */
export const targetStackMachine = setup({
  types: { events: {} as TargetStackEvent },
}).createMachine({
  id: 'target-stack',
  initial: 'joined',
  states: {
    joined: { on: { APP_REGISTERED: 'appRegistered', APP_LISTENING: 'serving', CRASHED: 'down' } },
    appRegistered: { on: { APP_LISTENING: 'serving', CRASHED: 'down' } },
    serving: { on: { APP_LISTENING: {}, APP_REGISTERED: {}, CRASHED: 'down' } },
    // Not `type: 'final'`: XState's development build warns about any event sent to a done actor, and nothing waits for this one to finish.
    down: {},
  },
});
