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
  /** Called with `target`; a plain EventAction ignores it. */
  action: ((target: never) => void) | null;
  target: unknown;
  done: boolean;
  /** Position in the heap array; −1 once it has left the heap. */
  index: number;
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

/**
 * Binary-heap event scheduler on simulated time.
 *
 * A cancelled event leaves the heap at once (timers are re-armed on almost
 * every segment, and dead entries kept until their time would fill the heap
 * and outlive many garbage collections). Only its (time, seq) key is kept, as a
 * "ghost": runUntil() decides how a run ends — horizon, idle or event limit —
 * exactly as if the cancelled event were still queued and skipped when it
 * surfaced, and `pending` still counts it until then.
 */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private readonly ghosts = new GhostKeys();
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
    return this.heap.length + this.ghosts.size;
  }

  /** Schedule `action` at absolute time `time` (not before now). */
  at(time: SimTime, action: EventAction): EventHandle {
    return this.call(time, action, undefined);
  }

  /**
   * Schedule `action(target)` at absolute time `time` (not before now). Hot
   * callers pass one shared function and the object it acts on, instead of
   * allocating a closure (and its context) per event.
   */
  call<T>(time: SimTime, action: (target: T) => void, target: T): EventHandle {
    if (!isSimTime(time) || time < this.current) {
      throw new RangeError(`cannot schedule at ${time} µs: now is ${this.current} µs`);
    }
    const entry: Entry = { time, seq: this.nextSeq++, action, target, done: false, index: -1 };
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
    if (!entry.done && this.heap[entry.index] === entry) {
      this.removeAt(entry.index);
      this.ghosts.add(entry.time, entry.seq);
    }
    entry.done = true;
    entry.action = null;
    entry.target = undefined;
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
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.time > horizon) return this.finish(horizon, top !== undefined, events, limits);
      if (events >= limits.maxEvents) return { kind: 'event-limit', events };
      this.ghosts.passBefore(top.time, top.seq); // cancelled events due before this one surface and are skipped
      this.pop();
      if (top.done) continue; // cancelled through another scheduler
      this.current = top.time;
      top.done = true;
      const action = top.action as (target: unknown) => void;
      const target = top.target;
      top.action = null;
      top.target = undefined;
      events++;
      this.executed++;
      action(target);
      if (this.stopRequested) return { kind: 'stopped', events };
    }
  }

  /**
   * No live event is due by the horizon. Cancelled events due by then would
   * surface one by one and be skipped (unless the event limit is reached
   * first); anything still queued after that ends the run at the horizon.
   */
  private finish(horizon: SimTime, liveAfterHorizon: boolean, events: number, limits: RunLimits): RunOutcome {
    if (this.ghosts.size > 0 && this.ghosts.minTime() <= horizon) {
      if (events >= limits.maxEvents) return { kind: 'event-limit', events };
      this.ghosts.passThrough(horizon);
    }
    if (liveAfterHorizon || this.ghosts.size > 0) {
      this.current = horizon;
      return { kind: 'horizon', events };
    }
    return { kind: 'idle', events };
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
    this.siftUp(entry, this.heap.length - 1);
  }

  /**
   * Remove the top entry. The last entry, which must take its place, is
   * usually among the latest (a TIME-WAIT timer, say) and would sink back to
   * the bottom, so the hole goes down to a leaf along the earlier children
   * first and the last entry rises from there: one comparison per level
   * instead of two (Floyd's bottom-up deletion).
   */
  private pop(): void {
    const heap = this.heap;
    (heap[0] as Entry).index = -1;
    const last = heap.pop() as Entry;
    const n = heap.length;
    if (n === 0) return;
    let hole = 0;
    for (let child = 1; child < n; child = 2 * hole + 1) {
      if (child + 1 < n && before(heap[child + 1] as Entry, heap[child] as Entry)) child++;
      const c = heap[child] as Entry;
      heap[hole] = c;
      c.index = hole;
      hole = child;
    }
    this.siftUp(last, hole);
  }

  /** Remove the entry at heap position `i`, moving the last entry into its place. */
  private removeAt(i: number): void {
    const heap = this.heap;
    (heap[i] as Entry).index = -1;
    const last = heap.pop() as Entry;
    if (i === heap.length) return;
    if (i > 0 && before(last, heap[(i - 1) >> 1] as Entry)) this.siftUp(last, i);
    else this.siftDown(last, i);
  }

  /** Place `entry` at position `i` or above, moving larger parents down. */
  private siftUp(entry: Entry, from: number): void {
    const heap = this.heap;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (!before(entry, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = entry;
    entry.index = i;
  }

  /** Place `entry` at position `i` or below, moving smaller children up. */
  private siftDown(entry: Entry, from: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Entry, heap[left] as Entry)) child = right;
      const c = heap[child] as Entry;
      if (!before(c, entry)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * The (time, seq) keys of cancelled events not yet due, in a binary min-heap
 * of plain numbers: what the queue would still hold if cancelled entries
 * stayed in it, without keeping the entries (or anything they reference) alive.
 */
class GhostKeys {
  /** Key i is (keys[2i], keys[2i + 1]) = (time, seq). */
  private readonly keys: number[] = [];

  /** Keys held. */
  get size(): number {
    return this.keys.length >> 1;
  }

  /** Time of the earliest key; only when size > 0. */
  minTime(): SimTime {
    return this.time(0);
  }

  /** Hold the key of an event just cancelled. */
  add(time: SimTime, seq: number): void {
    const i = this.size;
    this.keys.push(time, seq);
    this.siftUp(i, time, seq);
  }

  /** Drop the keys ordered before (time, seq): their events would have surfaced before it. */
  passBefore(time: SimTime, seq: number): void {
    while (this.size > 0 && keyBefore(this.time(0), this.seq(0), time, seq)) this.popMin();
  }

  /** Drop the keys with time ≤ `horizon`: keep the rest and rebuild the heap from them, O(n) however many go. */
  passThrough(horizon: SimTime): void {
    const k = this.keys;
    let kept = 0;
    for (let i = 0; i < k.length; i += 2) {
      if ((k[i] as number) <= horizon) continue;
      k[kept] = k[i] as number;
      k[kept + 1] = k[i + 1] as number;
      kept += 2;
    }
    k.length = kept;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.time(i), this.seq(i));
  }

  /** Drop the earliest key, bottom-up as Scheduler.pop does. */
  private popMin(): void {
    const seq = this.keys.pop() as number;
    const time = this.keys.pop() as number;
    const n = this.size;
    if (n === 0) return;
    let hole = 0;
    for (let child = 1; child < n; child = 2 * hole + 1) {
      if (child + 1 < n && keyBefore(this.time(child + 1), this.seq(child + 1), this.time(child), this.seq(child))) child++;
      this.set(hole, this.time(child), this.seq(child));
      hole = child;
    }
    this.siftUp(hole, time, seq);
  }

  /** Place key (time, seq) at position `from` or above, moving later parents down. */
  private siftUp(from: number, time: number, seq: number): void {
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!keyBefore(time, seq, this.time(parent), this.seq(parent))) break;
      this.set(i, this.time(parent), this.seq(parent));
      i = parent;
    }
    this.set(i, time, seq);
  }

  /** Place key (time, seq) at position `from` or below, moving smaller children up. */
  private siftDown(from: number, time: number, seq: number): void {
    const n = this.size;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && keyBefore(this.time(right), this.seq(right), this.time(left), this.seq(left)) ? right : left;
      if (!keyBefore(this.time(child), this.seq(child), time, seq)) break;
      this.set(i, this.time(child), this.seq(child));
      i = child;
    }
    this.set(i, time, seq);
  }

  private time(i: number): number {
    return this.keys[2 * i] as number;
  }

  private seq(i: number): number {
    return this.keys[2 * i + 1] as number;
  }

  private set(i: number, time: number, seq: number): void {
    this.keys[2 * i] = time;
    this.keys[2 * i + 1] = seq;
  }
}

function keyBefore(t1: number, s1: number, t2: number, s2: number): boolean {
  return t1 < t2 || (t1 === t2 && s1 < s2);
}
