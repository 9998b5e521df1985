/**
 * A client of the lab: connects to the DVIPA, runs its dialogue — send a
 * request, wait for the whole response, next — and closes. It knows nothing
 * of transfers: to it there is one server, one connection (claim 1's
 * transparency is judged on its wire).
 */
import { assign, setup } from 'xstate';

/** Events the host sends. */
export type ClientEvent = { type: 'CONNECTED' } | { type: 'RESPONSE' } | { type: 'FAILED'; reason: string } | { type: 'PEER_CLOSED' } | { type: 'CLOSED' };

/** The machine; action bodies are provided by the client app. */
export const clientMachine = setup({
  types: { events: {} as ClientEvent, context: {} as { step: number; steps: number; failure: string | null }, input: {} as { steps: number; awaitGreeting: boolean } },
  actions: { sendRequest: () => undefined, closeSocket: () => undefined },
  guards: { moreSteps: ({ context }) => context.step < context.steps },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ step: input.awaitGreeting ? -1 : 0, steps: input.steps, failure: null }),
  initial: 'connecting',
  states: {
    connecting: { on: { CONNECTED: 'next', FAILED: { target: 'failed', actions: assign({ failure: ({ event }) => event.reason }) }, CLOSED: { target: 'failed', actions: assign({ failure: 'connection closed' }) } } },
    next: { always: [{ guard: ({ context }) => context.step < 0, target: 'awaitingResponse' }, { guard: 'moreSteps', target: 'awaitingResponse', actions: 'sendRequest' }, { target: 'closing' }] },
    awaitingResponse: {
      on: {
        RESPONSE: { target: 'next', actions: assign({ step: ({ context }) => context.step + 1 }) },
        FAILED: { target: 'failed', actions: assign({ failure: ({ event }) => event.reason }) },
        PEER_CLOSED: { target: 'failed', actions: [assign({ failure: 'server closed early' }), 'closeSocket'] },
        CLOSED: { target: 'failed', actions: assign({ failure: 'connection ended early' }) },
      },
    },
    closing: { entry: 'closeSocket', on: { CLOSED: 'done', PEER_CLOSED: {}, RESPONSE: {} } },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});
