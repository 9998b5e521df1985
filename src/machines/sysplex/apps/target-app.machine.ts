/**
 * A target application's view of one offered connection (claims 4, 7, 12–14):
 * it is offered the connection with the application state, accepts or
 * refuses, and once the stack has installed the connection it restores the
 * state and carries on the dialogue as if it had served the client from the
 * start. A later request that belongs to another application moves the
 * connection on again (claim 10). Under SYN-time distribution (z/OS Sysplex
 * Distributor) there is no offer: the app accepted the connection itself, so
 * it greets and serves from the start.
 */
import { setup } from 'xstate';

/** Events the host sends. */
export type TargetConnectionEvent =
  | { type: 'OFFER' }
  | { type: 'INSTALLED' }
  | { type: 'BYTES' }
  | { type: 'PEER_CLOSED' }
  | { type: 'CLOSED' }
  | { type: 'MOVE_ON' }
  | { type: 'VERDICT'; accepted: boolean };

/** The machine; action bodies are provided by the target app. */
export const targetConnectionMachine = setup({
  types: { events: {} as TargetConnectionEvent, input: {} as { accept: boolean; bySyn?: boolean }, context: {} as { accept: boolean; bySyn: boolean } },
  actions: { greet: () => undefined, acceptOffer: () => undefined, refuseOffer: () => undefined, restoreState: () => undefined, serve: () => undefined, closeSocket: () => undefined, requestRetransfer: () => undefined, serveItself: () => undefined, closeSilently: () => undefined },
  guards: { arrivedBySyn: ({ context }) => context.bySyn, willAccept: ({ context }) => context.accept, accepted: ({ event }) => event.type === 'VERDICT' && event.accepted },
}).createMachine({
  id: 'target-app-connection',
  context: ({ input }) => ({ accept: input.accept, bySyn: input.bySyn ?? false }),
  initial: 'offered',
  states: {
    offered: { always: [{ guard: 'arrivedBySyn', target: 'serving', actions: ['greet', 'serve'] }, { guard: 'willAccept', target: 'accepted', actions: 'acceptOffer' }, { target: 'refused', actions: 'refuseOffer' }] },
    accepted: { on: { INSTALLED: { target: 'serving', actions: ['restoreState', 'serve'] } } },
    serving: { on: { BYTES: { actions: 'serve' }, PEER_CLOSED: { target: 'closing', actions: 'closeSocket' }, CLOSED: 'closed', MOVE_ON: 'movingOn' } },
    // Claim 10: a later request belongs elsewhere; the connection moves again.
    movingOn: {
      entry: 'requestRetransfer',
      on: { VERDICT: [{ guard: 'accepted', target: 'handedOff' }, { target: 'serving', actions: 'serveItself' }], BYTES: {}, PEER_CLOSED: {} },
    },
    handedOff: { type: 'final', entry: 'closeSilently' },
    closing: { on: { CLOSED: 'closed', BYTES: {} } },
    refused: { type: 'final' },
    closed: { type: 'final' },
  },
});
