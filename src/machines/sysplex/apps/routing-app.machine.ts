/**
 * The routing application's view of one client connection (patent claims 1,
 * 3, 9, 11, 15–17): talk with the client over several request/response
 * exchanges, stop at the deciding request without consuming it (peek), pick
 * targets by policy, ask the stack to transfer the connection to each in turn;
 * on acceptance close the socket silently, when every target refuses answer the
 * client with an application-level error.
 */
import { assign, setup } from 'xstate';

/** Events the host sends. */
export type RoutingConnectionEvent =
  | { type: 'BYTES' }
  | { type: 'DECIDED'; candidates: readonly string[]; reason: string }
  | { type: 'VERDICT'; accepted: boolean; reason: string }
  | { type: 'PEER_CLOSED' }
  | { type: 'ABORT_CONFIRMED' };

interface Context {
  candidates: readonly string[];
  attempt: number;
  lastReason: string;
}

/** The machine; action bodies are provided by the routing app. */
export const routingConnectionMachine = setup({
  types: { events: {} as RoutingConnectionEvent, context: {} as Context },
  actions: {
    converse: () => undefined,
    requestTransfer: () => undefined,
    closeSilently: () => undefined,
    abortTransfer: () => undefined,
    answerError: () => undefined,
    closeSocket: () => undefined,
  },
  guards: {
    hasCandidate: ({ context }) => context.attempt < context.candidates.length,
    accepted: ({ event }) => event.type === 'VERDICT' && event.accepted,
  },
}).createMachine({
  id: 'routing-app-connection',
  context: { candidates: [], attempt: 0, lastReason: '' },
  initial: 'dialogue',
  states: {
    dialogue: {
      entry: 'converse',
      on: {
        BYTES: { actions: 'converse' },
        DECIDED: { target: 'deciding', actions: assign({ candidates: ({ event }) => event.candidates, attempt: 0 }) },
        PEER_CLOSED: 'closing',
      },
    },
    deciding: {
      always: [{ guard: 'hasCandidate', target: 'transferring' }, { target: 'failing' }],
    },
    transferring: {
      entry: 'requestTransfer',
      on: {
        VERDICT: [
          { guard: 'accepted', target: 'handedOff' },
          { target: 'deciding', actions: assign({ attempt: ({ context }) => context.attempt + 1, lastReason: ({ event }) => event.reason }) },
        ],
      },
    },
    handedOff: { type: 'final', entry: 'closeSilently' },
    failing: { entry: 'abortTransfer', on: { ABORT_CONFIRMED: { target: 'closed', actions: 'answerError' } } },
    closing: { entry: 'closeSocket', always: 'closed' },
    closed: { type: 'final' },
  },
});
