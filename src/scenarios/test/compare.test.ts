/**
 * Comparison mode on a fixed seed (1) with 100 clients × 3 requests: every
 * request completes in all three ways and the invariant checkers hold; then
 * the directions issue #7 asks for — the patent's handoff moves far fewer
 * bytes and segments through the routing stack than the L7 proxy, and both
 * content-aware ways hit the targets' caches more often than content-blind
 * ROUNDROBIN — plus structural facts that follow from how each way routes
 * (the proxy carries every response byte in and out; handoff and SYN-time
 * do not carry responses at all; ROUNDROBIN deals connections out evenly).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCompareParams, runCompare, runCompareWay, type CompareReport, type WayReport } from '../compare';

const CLIENTS = 100;
let report: CompareReport;

function way(name: WayReport['way']): WayReport {
  const w = report.ways.find((x) => x.way === name);
  if (!w) throw new Error(`no way ${name}`);
  return w;
}

const through = (w: WayReport): number => w.routingStack.in.bytes + w.routingStack.out.bytes;

beforeAll(() => {
  const parsed = parseCompareParams({ clients: CLIENTS });
  if (!parsed.ok) throw new Error(parsed.error);
  report = runCompare(parsed.params, 1);
}, 120_000);

describe('compare, seed 1', () => {
  it('runs the three ways in order', () => {
    expect(report.ways.map((w) => w.way)).toEqual(['handoff', 'proxy', 'syn-roundrobin']);
  });

  it('completes every request in every way, and the checkers hold', () => {
    for (const w of report.ways) {
      expect(w.requests, w.way).toEqual({ issued: CLIENTS * 3, completed: CLIENTS * 3, failed: 0 });
      for (const [name, c] of Object.entries(w.invariants)) expect(c.ok, `${w.way} ${name}: ${c.detail}`).toBe(true);
      expect(w.latency.histogram.counts.reduce((a, b) => a + b, 0), w.way).toBe(w.requests.completed);
    }
  });

  it('handoff moves fewer bytes and segments through the routing stack than the proxy', () => {
    const [handoff, proxy] = [way('handoff'), way('proxy')];
    expect(through(handoff) * 3).toBeLessThan(through(proxy));
    expect(handoff.routingStack.in.tcpSegments + handoff.routingStack.out.tcpSegments).toBeLessThan(proxy.routingStack.in.tcpSegments + proxy.routingStack.out.tcpSegments);
  });

  it('the proxy carries every response byte in and out; handoff and SYN-time send responses past it', () => {
    const responseBytes = CLIENTS * 3 * report.params.objectBytes;
    expect(way('proxy').routingStack.in.bytes).toBeGreaterThan(responseBytes);
    expect(way('proxy').routingStack.out.bytes).toBeGreaterThan(responseBytes);
    expect(way('handoff').routingStack.out.bytes).toBeLessThan(responseBytes);
    expect(way('syn-roundrobin').routingStack.out.bytes).toBeLessThan(responseBytes);
  });

  it('content-aware ways hit the caches more often than content-blind ROUNDROBIN', () => {
    const blind = way('syn-roundrobin').cache.hitRate;
    expect(way('handoff').cache.hitRate).toBeGreaterThan(blind + 0.05);
    expect(way('proxy').cache.hitRate).toBeGreaterThan(blind + 0.05);
  });

  it('ROUNDROBIN deals the connections out evenly; every lookup is one request', () => {
    const byTarget = Object.values(way('syn-roundrobin').cache.byTarget).map((t) => t.hits + t.misses);
    expect(byTarget).toEqual([CLIENTS, CLIENTS, CLIENTS]);
    for (const w of report.ways) expect(w.cache.hits + w.cache.misses, w.way).toBe(w.requests.completed);
  });

  it('reports ordered percentiles', () => {
    for (const w of report.ways) {
      const l = w.latency;
      expect(l.p50Us <= l.p95Us && l.p95Us <= l.p99Us && l.p99Us <= l.maxUs, `${w.way} ${JSON.stringify(l)}`).toBe(true);
    }
  });
});

describe('one way alone', () => {
  it('equals its entry in the whole report', () => {
    const parsed = parseCompareParams({ clients: 10, requestsPerClient: 2 });
    if (!parsed.ok) throw new Error(parsed.error);
    const whole = runCompare(parsed.params, 9);
    expect(runCompareWay('proxy', parsed.params, 9)).toEqual(whole.ways[1]);
  }, 60_000);
});

describe('compare parameters', () => {
  it('are bounded, and errors name the field', () => {
    expect(parseCompareParams({ clients: 0 })).toEqual({ ok: false, error: expect.stringMatching(/^clients: /) as unknown });
    expect(parseCompareParams({ clients: 1_001 }).ok).toBe(false);
    expect(parseCompareParams({ tragets: 3 }).ok).toBe(false);
    expect(parseCompareParams({}).ok && parseCompareParams({}).ok).toBe(true);
  });
});
