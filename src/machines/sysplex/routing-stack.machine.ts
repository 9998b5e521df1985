// The routing stack's lifecycle machine, apart from the stack (routing-stack.ts) so that the
// lab's state diagram can draw it from its definition without loading the TCP engine.
import { setup } from 'xstate';

/** How the routing stack's DVIPA is served: the patent's routing app, SYN-time distribution, or an L7 proxy. */
export type RoutingStackMode = 'patent' | 'synTime' | 'proxy';

/** Events of the routing stack's lifecycle. */
export type RoutingStackEvent = { type: 'ROUTING_APP_REGISTERED' } | { type: 'TARGETS_CHANGED' } | { type: 'CRASHED' } | { type: 'RESTARTED' };

/**
 * The lifecycle of the routing stack: under the patent it distributes once a
 * routing app has registered; under SYN-time distribution (Sysplex
 * Distributor) the stack picks targets itself, so it distributes from the
 * start. Behind an L7 proxy (the comparison, not the patent) the stack moves
 * no connection at all: the proxy app relays each one, so the stack is
 * proxying, not waiting for a routing app that never comes. A crash takes it
 * down; a restart begins again with empty tables.
 */
export const routingStackMachine = setup({
  types: { events: {} as RoutingStackEvent, context: {} as { mode: RoutingStackMode }, input: {} as { mode: RoutingStackMode } },
  actions: { pushTargets: () => undefined },
  guards: { distributesOnSyn: ({ context }) => context.mode === 'synTime', relaysThroughProxy: ({ context }) => context.mode === 'proxy' },
}).createMachine({
  id: 'routing-stack',
  context: ({ input }) => ({ mode: input.mode }),
  initial: 'starting',
  states: {
    // XState has no initial state chosen by input: this transient state chooses, and is never traced.
    starting: { always: [{ guard: 'distributesOnSyn', target: 'distributing' }, { guard: 'relaysThroughProxy', target: 'proxying' }, { target: 'waitingForRoutingApp' }] },
    waitingForRoutingApp: { on: { ROUTING_APP_REGISTERED: { target: 'distributing', actions: 'pushTargets' }, TARGETS_CHANGED: {}, CRASHED: 'down' } },
    distributing: { on: { TARGETS_CHANGED: { actions: 'pushTargets' }, ROUTING_APP_REGISTERED: { actions: 'pushTargets' }, CRASHED: 'down' } },
    // The proxy app reads the DPT itself when it picks a target: nothing is pushed.
    proxying: { on: { TARGETS_CHANGED: {}, CRASHED: 'down' } },
    down: { on: { RESTARTED: 'starting' } },
  },
});
