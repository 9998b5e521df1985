/**
 * An L7 proxy's view of one client connection — the alternative the patent's
 * handoff is measured against (docs/domain.md §2.4, §2.5: Prism and Yoda
 * compare with a proxy). The proxy keeps the client's connection for its whole
 * life: it reads the request, picks a target by its content, opens a second
 * TCP connection to that target over XCF and relays every byte both ways until
 * both sides have closed. Nothing moves between stacks; no patent claim.
 */
import { assign, setup } from 'xstate';

/** Events the host sends. */
export type ProxyConnectionEvent =
  | { type: 'CLIENT_BYTES' }
  | { type: 'DECIDED'; target: string }
  | { type: 'NO_TARGET' }
  | { type: 'BACKEND_UP' }
  | { type: 'BACKEND_BYTES' }
  | { type: 'BACKEND_FAILED'; reason: string }
  | { type: 'CLIENT_FIN' }
  | { type: 'BACKEND_FIN' };

/** The machine; action bodies and the closed-both-ways guard are provided by the proxy app. */
export const proxyConnectionMachine = setup({
  types: { events: {} as ProxyConnectionEvent, context: {} as { target: string } },
  actions: {
    readRequest: () => undefined,
    openBackend: () => undefined,
    pump: () => undefined,
    answerError: () => undefined,
    closeClient: () => undefined,
  },
  guards: { bothClosed: () => false },
}).createMachine({
  id: 'proxy-connection',
  context: { target: '' },
  initial: 'reading',
  states: {
    // Wait for a whole request: its content picks the target.
    reading: {
      entry: 'readRequest',
      on: {
        CLIENT_BYTES: { actions: 'readRequest' },
        DECIDED: { target: 'connecting', actions: assign({ target: ({ event }) => event.target }) },
        NO_TARGET: 'failing',
        CLIENT_FIN: { target: 'closed', actions: 'closeClient' },
      },
    },
    // The second connection's handshake; client bytes wait in the client socket.
    connecting: {
      entry: 'openBackend',
      on: { BACKEND_UP: 'relaying', BACKEND_FAILED: 'failing', CLIENT_BYTES: {}, CLIENT_FIN: {} },
    },
    // Every byte both ways; a FIN on one side is passed on once its bytes have been.
    relaying: {
      entry: 'pump',
      always: { guard: 'bothClosed', target: 'closed' },
      on: { CLIENT_BYTES: { actions: 'pump' }, BACKEND_BYTES: { actions: 'pump' }, CLIENT_FIN: { actions: 'pump' }, BACKEND_FIN: { actions: 'pump' }, BACKEND_FAILED: { actions: 'closeClient', target: 'closed' } },
    },
    failing: { entry: 'answerError', always: 'closed' },
    closed: { type: 'final' },
  },
});
