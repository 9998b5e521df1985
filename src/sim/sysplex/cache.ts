/**
 * Content locality for the comparison workload, after LARD (Pai et al.,
 * ASPLOS 1998; docs/domain.md §2.1): each target server keeps the objects it
 * served last in an LRU cache of a fixed number of objects. A request for a
 * cached object is served from memory; a miss reads the object from the
 * server's one disk. Sending each path to the same server (content-aware
 * distribution) lets the servers' caches hold different objects, so together
 * they cache more; spreading paths blindly makes every cache hold the same hot
 * objects.
 *
 * Assumptions, named so the numbers can be judged:
 * - a cache counts objects, not bytes (every object the same size);
 * - hits run in parallel (many server threads, memory is not the bottleneck)
 *   and each takes `hitUs`;
 * - misses queue first-come first-served for the server's single disk and
 *   each holds it for `missUs` — the disk is where load shows up as latency;
 * - the cache is updated when the request arrives (LRU order = arrival order).
 * Time is the scheduler's; nothing here reads a clock.
 */
import { fnv1a32 } from '../core/prng';
import type { Scheduler } from '../core/scheduler';
import type { Facts, Selection } from './dialogue/policy';

/** A least-recently-used set of object keys with a fixed capacity. */
export class LruCache {
  /** Keys in recency order: Map iteration is insertion order, oldest first. */
  private readonly keys = new Map<string, true>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
  }

  /** Objects cached now. */
  get size(): number {
    return this.keys.size;
  }

  /** Whether `key` is cached, without touching its recency. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Look `key` up: true on a hit (it becomes the most recent); on a miss it is added and the oldest evicted. */
  access(key: string): boolean {
    const hit = this.keys.delete(key);
    if (this.capacity === 0) return false;
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    return hit;
  }
}

/** Service times of a cached server, in µs. */
export interface ServiceTimes {
  /** One request served from the cache (memory). */
  readonly hitUs: number;
  /** One miss's hold on the disk (read the object, then serve it). */
  readonly missUs: number;
}

/** How one request was served. */
export interface ServiceOutcome {
  readonly hit: boolean;
  /** Time spent waiting for the disk before the miss's read began (0 for a hit). */
  readonly queuedUs: number;
  /** Time the request itself took: hitUs or missUs. */
  readonly serviceUs: number;
}

/** One target server's cache and disk, on the simulation's scheduler. */
export class CachedServer {
  readonly cache: LruCache;
  /** When the disk finishes the misses queued so far. */
  private diskFreeAtUs = 0;

  constructor(
    private readonly scheduler: Scheduler,
    capacity: number,
    private readonly times: ServiceTimes,
  ) {
    this.cache = new LruCache(capacity);
  }

  /** Serve a request for `path`; `done` runs on the scheduler when the answer is ready. */
  request(path: string, done: (outcome: ServiceOutcome) => void): void {
    const now = this.scheduler.now;
    if (this.cache.access(path)) {
      const outcome = { hit: true, queuedUs: 0, serviceUs: this.times.hitUs };
      this.scheduler.at(now + this.times.hitUs, () => done(outcome));
      return;
    }
    const startUs = Math.max(now, this.diskFreeAtUs);
    this.diskFreeAtUs = startUs + this.times.missUs;
    const outcome = { hit: false, queuedUs: startUs - now, serviceUs: this.times.missUs };
    this.scheduler.at(this.diskFreeAtUs, () => done(outcome));
  }
}

/**
 * A content-aware selection that sends every request for one path to the same
 * target: the path's FNV-1a hash picks the first candidate, the others follow
 * in order (so a refusal moves to the next, as the policy's lists do). A
 * static partition — LARD's locality without its load balancing.
 */
export function hashByPath(targets: readonly string[]): (facts: Facts) => Selection {
  return (facts) => {
    const path = facts.path ?? '';
    if (targets.length === 0) return { rule: 'hash-by-path', candidates: [], reason: 'no targets to hash onto' };
    const first = fnv1a32(path) % targets.length;
    const candidates = targets.map((_, i) => targets[(first + i) % targets.length] ?? '');
    return { rule: 'hash-by-path', candidates, reason: `path ${path} hashes to ${candidates[0] ?? '?'}` };
  };
}
