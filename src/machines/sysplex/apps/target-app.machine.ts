/**
 * A target application's view of one offered connection (claims 4, 7, 12–14):
 * it is offered the connection with the application state, accepts or
 * refuses, and once the stack has installed the connection it restores the
 * state and carries on the dialogue as if it had served the client from the
 * start.
 */
import { setup } from 'xstate';

/** Events the host sends. */
export type TargetConnectionEvent = { type: 'OFFER' } | { type: 'INSTALLED' } | { type: 'BYTES' } | { type: 'PEER_CLOSED' } | { type: 'CLOSED' };

/** The machine; action bodies are provided by the target app. */
export const targetConnectionMachine = setup({
  types: { events: {} as TargetConnectionEvent, input: {} as { accept: boolean }, context: {} as { accept: boolean } },
  actions: { acceptOffer: () => undefined, refuseOffer: () => undefined, restoreState: () => undefined, serve: () => undefined, closeSocket: () => undefined },
  guards: { willAccept: ({ context }) => context.accept },
}).createMachine({
  id: 'target-app-connection',
  context: ({ input }) => ({ accept: input.accept }),
  initial: 'offered',
  states: {
    offered: { always: [{ guard: 'willAccept', target: 'accepted', actions: 'acceptOffer' }, { target: 'refused', actions: 'refuseOffer' }] },
    accepted: { on: { INSTALLED: { target: 'serving', actions: ['restoreState', 'serve'] } } },
    serving: { on: { BYTES: { actions: 'serve' }, PEER_CLOSED: { target: 'closing', actions: 'closeSocket' }, CLOSED: 'closed' } },
    closing: { on: { CLOSED: 'closed', BYTES: {} } },
    refused: { type: 'final' },
    closed: { type: 'final' },
  },
});
