/**
 * The comparison's cache model against its definition: the LRU cache evicts
 * the least recently used object (a hit refreshes it), hits are answered after
 * hitUs without queueing while misses queue first-come first-served for the
 * one disk, and hash-by-path sends one path to one target every time while
 * spreading many paths over all of them.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../core/scheduler';
import { CachedServer, hashByPath, LruCache, type ServiceOutcome } from './cache';

describe('LruCache', () => {
  it('misses first, hits after, and evicts the least recently used', () => {
    const c = new LruCache(2);
    expect([c.access('a'), c.access('b'), c.access('a')]).toEqual([false, false, true]);
    // 'b' is now the oldest: adding 'c' evicts it, not 'a'.
    expect(c.access('c')).toBe(false);
    expect([c.has('a'), c.has('b'), c.has('c'), c.size]).toEqual([true, false, true, 2]);
  });

  it('caches nothing with capacity 0', () => {
    const c = new LruCache(0);
    expect([c.access('a'), c.access('a'), c.size]).toEqual([false, false, 0]);
  });

  it('rejects a negative or fractional capacity', () => {
    expect(() => new LruCache(-1)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});

describe('CachedServer', () => {
  /** Requests at t = 0 for these paths; when each was answered and how. */
  function serve(paths: readonly string[], capacity = 10): { path: string; atUs: number; outcome: ServiceOutcome }[] {
    const scheduler = new Scheduler();
    const server = new CachedServer(scheduler, capacity, { hitUs: 100, missUs: 1_000 });
    const answers: { path: string; atUs: number; outcome: ServiceOutcome }[] = [];
    for (const path of paths) server.request(path, (outcome) => answers.push({ path, atUs: scheduler.now, outcome }));
    scheduler.runUntil(1_000_000, { maxEvents: 1_000 });
    return answers;
  }

  it('queues misses for the disk one after another', () => {
    const got = serve(['/a', '/b', '/c']);
    expect(got.map((a) => [a.path, a.atUs, a.outcome.queuedUs])).toEqual([['/a', 1_000, 0], ['/b', 2_000, 1_000], ['/c', 3_000, 2_000]]);
  });

  it('answers a hit after hitUs even while the disk is busy', () => {
    const scheduler = new Scheduler();
    const server = new CachedServer(scheduler, 10, { hitUs: 100, missUs: 1_000 });
    const answers: string[] = [];
    server.request('/a', () => answers.push(`/a@${scheduler.now}`));
    scheduler.runUntil(1_000, { maxEvents: 10 });
    server.request('/b', () => answers.push(`/b@${scheduler.now}`)); // a miss: the disk until 2 000
    server.request('/a', (o) => answers.push(`/a@${scheduler.now} hit=${String(o.hit)}`)); // cached: 1 100
    scheduler.runUntil(10_000, { maxEvents: 10 });
    expect(answers).toEqual(['/a@1000', '/a@1100 hit=true', '/b@2000']);
  });
});

describe('hashByPath', () => {
  const select = hashByPath(['WEB2', 'WEB3', 'WEB4']);

  it('sends a path to the same target every time, the others following as fallbacks', () => {
    const first = select({ protocol: 'http', path: '/obj/7' });
    expect(select({ protocol: 'http', path: '/obj/7' })).toEqual(first);
    expect([...first.candidates].sort()).toEqual(['WEB2', 'WEB3', 'WEB4']);
    expect(first.reason).toBe(`path /obj/7 hashes to ${first.candidates[0] ?? ''}`);
  });

  it('spreads many paths over every target', () => {
    const counts = new Map<string, number>();
    for (let i = 1; i <= 300; i++) {
      const t = select({ protocol: 'http', path: `/obj/${i}` }).candidates[0] ?? '';
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['WEB2', 'WEB3', 'WEB4']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(60);
  });

  it('has no candidates without targets', () => {
    expect(hashByPath([])({ protocol: 'http', path: '/x' }).candidates).toEqual([]);
  });
});
