/**
 * The discrete-event scheduler: a binary min-heap of callbacks ordered by
 * (time, insertion sequence). Insertion sequence breaks ties, so two events at
 * the same instant always run in the order they were scheduled — the run never
 * depends on heap layout or object identity.
 */
import { isSimTime, type SimTime } from './time';

/** What a scheduled event runs. It may schedule further events. */
export type EventAction = () => void;

/** A handle to cancel an event that has not run yet. */
export interface EventHandle {
  readonly time: SimTime;
  readonly seq: number;
  /** True once the event has run or been cancelled. */
  readonly done: boolean;
}

interface Entry {
  time: SimTime;
  seq: number;
  action: EventAction | null;
  done: boolean;
}

/** Limits for one run; every loop in the simulation is bounded. */
export interface RunLimits {
  /** Stop with an error after this many events (guards against livelock). */
  readonly maxEvents: number;
}

/** How a call to runUntil ended. */
export type RunOutcome =
  | { readonly kind: 'idle'; readonly events: number } // queue empty before the horizon
  | { readonly kind: 'horizon'; readonly events: number } // stopped at the horizon
  | { readonly kind: 'stopped'; readonly events: number } // stop() was called
  | { readonly kind: 'event-limit'; readonly events: number }; // maxEvents reached

/** Binary-heap event scheduler on simulated time. */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private nextSeq = 0;
  private current: SimTime = 0;
  private executed = 0;
  private stopRequested = false;

  /** The current simulated time. */
  get now(): SimTime {
    return this.current;
  }

  /** Events executed since the scheduler was created. */
  get eventCount(): number {
    return this.executed;
  }

  /** Events waiting to run (cancelled ones included until they surface). */
  get pending(): number {
    return this.heap.length;
  }

  /** Schedule `action` at absolute time `time` (not before now). */
  at(time: SimTime, action: EventAction): EventHandle {
    if (!isSimTime(time) || time < this.current) {
      throw new RangeError(`cannot schedule at ${time} µs: now is ${this.current} µs`);
    }
    const entry: Entry = { time, seq: this.nextSeq++, action, done: false };
    this.push(entry);
    return entry;
  }

  /** Schedule `action` after `delay` microseconds. */
  after(delay: SimTime, action: EventAction): EventHandle {
    return this.at(this.current + delay, action);
  }

  /** Cancel a pending event; cancelling a finished one does nothing. */
  cancel(handle: EventHandle): void {
    const entry = handle as Entry;
    entry.done = true;
    entry.action = null;
  }

  /** Ask the running loop to stop after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Run events with time ≤ `horizon`. Leaves `now` at the horizon when the queue
   * outlives it, or at the last event when the queue drains first.
   */
  runUntil(horizon: SimTime, limits: RunLimits): RunOutcome {
    this.stopRequested = false;
    let events = 0;
    while (this.heap.length > 0) {
      const top = this.heap[0] as Entry;
      if (top.time > horizon) {
        this.current = horizon;
        return { kind: 'horizon', events };
      }
      if (events >= limits.maxEvents) return { kind: 'event-limit', events };
      this.pop();
      if (top.done) continue;
      this.current = top.time;
      top.done = true;
      const action = top.action as EventAction;
      top.action = null;
      events++;
      this.executed++;
      action();
      if (this.stopRequested) return { kind: 'stopped', events };
    }
    return { kind: 'idle', events };
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as Entry;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Entry, heap[left] as Entry)) child = right;
      const c = heap[child] as Entry;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
