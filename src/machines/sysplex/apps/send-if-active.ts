/**
 * Socket callbacks can outlive an app's machine (a peer's FIN arriving after
 * the dialogue finished): events for a machine that has reached its final
 * state are dropped here instead of being sent to a stopped actor.
 */
import type { AnyActorRef, EventFrom } from 'xstate';

/** Send `event` only while the actor is running. */
export function sendIfActive<A extends AnyActorRef>(actor: A, event: EventFrom<A>): void {
  const snapshot: { readonly status: string } = actor.getSnapshot() as { readonly status: string };
  if (snapshot.status === 'active') actor.send(event);
}
