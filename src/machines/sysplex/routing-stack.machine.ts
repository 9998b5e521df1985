// The routing stack's lifecycle machine, apart from the stack (routing-stack.ts) so that the
// lab's state diagram can draw it from its definition without loading the TCP engine.
import { setup } from 'xstate';

/** Events of the routing stack's lifecycle. */
export type RoutingStackEvent = { type: 'ROUTING_APP_REGISTERED' } | { type: 'TARGETS_CHANGED' } | { type: 'CRASHED' } | { type: 'RESTARTED' };

/**
 * The lifecycle of the routing stack: under the patent it distributes once a
 * routing app has registered; under SYN-time distribution (Sysplex
 * Distributor) the stack picks targets itself, so it distributes from the
 * start. A crash takes it down; a restart begins again with empty tables.
 */
export const routingStackMachine = setup({
  types: { events: {} as RoutingStackEvent, context: {} as { synTime: boolean }, input: {} as { synTime: boolean } },
  actions: { pushTargets: () => undefined },
  guards: { distributesOnSyn: ({ context }) => context.synTime },
}).createMachine({
  id: 'routing-stack',
  context: ({ input }) => ({ synTime: input.synTime }),
  initial: 'starting',
  states: {
    // XState has no initial state chosen by input: this transient state chooses, and is never traced.
    starting: { always: [{ guard: 'distributesOnSyn', target: 'distributing' }, { target: 'waitingForRoutingApp' }] },
    waitingForRoutingApp: { on: { ROUTING_APP_REGISTERED: { target: 'distributing', actions: 'pushTargets' }, TARGETS_CHANGED: {}, CRASHED: 'down' } },
    distributing: { on: { TARGETS_CHANGED: { actions: 'pushTargets' }, ROUTING_APP_REGISTERED: { actions: 'pushTargets' }, CRASHED: 'down' } },
    down: { on: { RESTARTED: 'starting' } },
  },
});
