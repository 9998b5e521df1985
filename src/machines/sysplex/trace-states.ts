/**
 * The sysplex's machines — per connection (routing app, transfer, target app)
 * and per stack (routing stack, target stack, DVIPA status) — leave their
 * state changes in the trace, as the TCP machine does, so the lab can draw
 * each machine from its XState definition with the state it is in at any
 * step. One `state-change` entry per change: `from` is '(start)' for the
 * state a machine starts in. Transient states (left at once by an `always`
 * transition) never reach a snapshot, so they are never traced.
 */
import type { AnyActorRef } from 'xstate';
import type { Trace } from '../../sim/core/trace';

/** Where a traced machine belongs: its lane (node) and its name, e.g. `routing-app 10.64.0.1:40109>10.10.10.10:80`, or `routing-stack` on its stack's lane. */
export interface TracedMachine {
  readonly trace: Trace;
  readonly node: string;
  readonly machine: string;
}

/** A state value as one name: `a`, or `a.b` for a nested state. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', undefined];
    return child === undefined || (typeof child === 'object' && child !== null && Object.keys(child).length === 0) ? key : `${key}.${stateName(child)}`;
  }
  return String(value);
}

/** Trace the actor's start state and every change after it. Call before `actor.start()`. */
export function traceStates(actor: AnyActorRef, where: TracedMachine): void {
  let last = '(start)';
  const note = (value: unknown): void => {
    const to = stateName(value);
    if (to === last || !where.trace.on) return;
    where.trace.record({ kind: 'state-change', node: where.node, machine: where.machine, from: last, to });
    last = to;
  };
  actor.subscribe((snapshot: { value?: unknown }) => note(snapshot.value));
  note((actor.getSnapshot() as { value?: unknown }).value);
}
