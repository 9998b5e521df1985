/**
 * XState's clock, backed by the simulation scheduler: delayed transitions
 * (`after`) fire at simulated times, never on the wall clock.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';
import type { Scheduler, EventHandle } from '../../sim/core/scheduler';

/** XState's clock interface (not exported by name from the package root). */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** A Clock for createActor({ clock }) that schedules on the simulation. */
export function simClock(scheduler: Scheduler): Clock {
  const handles = new Map<number, EventHandle>();
  let next = 1;
  return {
    setTimeout(fn: (...args: unknown[]) => void, timeoutMs: number) {
      const id = next++;
      handles.set(id, scheduler.after(Math.max(0, Math.round(timeoutMs * 1000)), () => {
        handles.delete(id);
        fn();
      }));
      return id;
    },
    clearTimeout(id: unknown) {
      const handle = handles.get(id as number);
      if (handle) scheduler.cancel(handle);
      handles.delete(id as number);
    },
  };
}
