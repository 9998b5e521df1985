/**
 * Runs one transfer machine on the simulation: the host supplies the four
 * actions, and this arms the verdict timeout on the scheduler right after the
 * transfer message is sent and disarms it when the transfer ends either way.
 * Shared by the routing stack (first transfers) and target stacks (claim 10).
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { traceStates, type TracedMachine } from './trace-states';
import type { EventHandle, Scheduler } from '../../sim/core/scheduler';
import { transferMachine } from './transfer.machine';

/** What the host does at each step of the transfer. */
export interface TransferActions {
  readonly freezeAndExport: () => void;
  readonly sendTransferMessage: () => void;
  readonly commit: () => void;
  readonly reportRejected: (reason: string) => void;
}

/** Create and start a transfer; it begins with START. */
export function startTransfer(scheduler: Scheduler, timeoutMs: number, a: TransferActions, traced?: TracedMachine): ActorRefFrom<typeof transferMachine> {
  let timer: EventHandle | null = null;
  const disarm = (): void => {
    if (timer) scheduler.cancel(timer);
    timer = null;
  };
  const actor = createActor(
    transferMachine.provide({
      actions: {
        freezeAndExport: () => a.freezeAndExport(),
        sendTransferMessage: () => {
          a.sendTransferMessage();
          timer = scheduler.after(Math.round(timeoutMs * 1000), () => {
            timer = null;
            actor.send({ type: 'VERDICT_TIMEOUT' });
          });
        },
        commit: () => {
          disarm();
          a.commit();
        },
        reportRejected: ({ context }) => {
          disarm();
          a.reportRejected(context.reason);
        },
      },
    }),
  );
  if (traced) traceStates(actor, traced);
  actor.start();
  actor.send({ type: 'START' });
  return actor;
}
