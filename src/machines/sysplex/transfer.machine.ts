/**
 * One connection transfer, as the routing stack runs it (patent claims 2, 4,
 * 12, 14–16, 26): freeze the connection and export its TCB, send the
 * connection transfer message over XCF, wait for the target's verdict (or a
 * timeout), then commit — re-point the CRT, detach the original silently,
 * forward the segments queued during the freeze — or report the rejection to
 * the routing app, which may try a second target.
 *
 * The verdict timeout is an event (VERDICT_TIMEOUT) that the host schedules on
 * the simulation clock (transfer-actor.ts), not an XState `after` delay, so no
 * actor ever needs a timer clock.
 */
import { assign, setup } from 'xstate';

/** Events of a transfer. */
export type TransferEvent = { type: 'START' } | { type: 'VERDICT'; accepted: boolean; reason: string } | { type: 'VERDICT_TIMEOUT' };

/** Milliseconds a transfer waits for the target's verdict: longer than XCF's retransmission budget both ways, so only an unreachable target times out. */
export const TRANSFER_TIMEOUT_MS = 2_000;

/** The transfer machine; action bodies are provided by the routing stack. */
export const transferMachine = setup({
  types: { events: {} as TransferEvent, context: {} as { reason: string } },
  actions: {
    freezeAndExport: () => undefined,
    sendTransferMessage: () => undefined,
    commit: () => undefined,
    reportRejected: () => undefined,
  },
}).createMachine({
  id: 'transfer',
  context: { reason: '' },
  initial: 'idle',
  states: {
    idle: { on: { START: 'frozen' } },
    frozen: { entry: 'freezeAndExport', always: 'awaitingVerdict' },
    awaitingVerdict: {
      entry: 'sendTransferMessage',
      on: {
        VERDICT: [
          { guard: ({ event }) => event.accepted, target: 'committed' },
          { target: 'rejected', actions: assign({ reason: ({ event }) => event.reason }) },
        ],
        VERDICT_TIMEOUT: { target: 'rejected', actions: assign({ reason: 'timeout: no verdict from the target stack' }) },
      },
    },
    committed: { type: 'final', entry: 'commit' },
    rejected: { type: 'final', entry: 'reportRejected' },
  },
});
