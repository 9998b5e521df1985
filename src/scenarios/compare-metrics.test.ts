/**
 * The comparison's trace readers on hand-made entries, against numbers worked
 * out here: nearest-rank percentiles and histogram buckets, request latency
 * paired per client connection in order, traffic per stack with loopback left
 * out and forwarded packets counted in and out, cache hits per target.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../sim/core/trace';
import { cacheSummary, LATENCY_EDGES_US, requestLatencies, stackTraffic, summarizeLatency } from './compare-metrics';

let index = 0;
const entry = (time: number, body: Record<string, unknown>): TraceEntry => ({ index: index++, time, ...body }) as unknown as TraceEntry;
const bytes = (id: number, e: Record<string, unknown>): Record<string, unknown> => ({ kind: 'app-bytes', node: 'client1', app: 'client', conn: `c${id}`, offset: 0, length: 10, digest: 0, ...e });

describe('summarizeLatency', () => {
  it('takes nearest-rank percentiles and fills buckets by their lower edge', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) * 100); // 100 … 10 000 µs
    const s = summarizeLatency(values);
    expect([s.count, s.p50Us, s.p95Us, s.p99Us, s.maxUs, s.meanUs]).toEqual([100, 5_000, 9_500, 9_900, 10_000, 5_050]);
    // [0,1 ms): 100…900 (9 values); each later millisecond 10 values; 10 000 alone in [10 ms, 11 ms).
    expect(s.histogram.counts).toEqual([9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 1, ...Array<number>(16).fill(0)]);
    expect(s.histogram.edgesUs).toBe(LATENCY_EDGES_US);
    expect([s.percentilesUs.length, s.percentilesUs[0], s.percentilesUs[49], s.percentilesUs[99]]).toEqual([100, 100, 5_000, 10_000]);
  });

  it('is all zeros with no values', () => {
    expect(summarizeLatency([])).toMatchObject({ count: 0, p50Us: 0, p99Us: 0, meanUs: 0, maxUs: 0 });
  });
});

describe('requestLatencies', () => {
  it('pairs each request with the next response on the same connection', () => {
    const events = [
      entry(100, bytes(1, { stream: 'c2s', direction: 'out' })),
      entry(150, bytes(2, { stream: 'c2s', direction: 'out' })),
      entry(400, bytes(2, { stream: 's2c', direction: 'in' })),
      entry(900, bytes(1, { stream: 's2c', direction: 'in' })),
      entry(950, bytes(3, { stream: 'c2s', direction: 'out' })), // never answered
      entry(960, bytes(4, { app: 'WEB2', stream: 'c2s', direction: 'in' })), // not a client
    ];
    expect(requestLatencies(events)).toEqual({ issued: 3, latenciesUs: [250, 800] });
  });
});

describe('stackTraffic', () => {
  it('counts packets, bytes and TCP segments per stack, leaving out loopback', () => {
    const tcp = new Uint8Array(60);
    tcp[9] = 6;
    const udp = new Uint8Array(100);
    udp[9] = 17;
    const packets = [{ bytes: tcp }, { bytes: udp }, { bytes: tcp }];
    const events = [
      entry(1, { kind: 'packet-deliver', node: 'SYS1', iface: 'osa', packetId: 0, sentAt: 0 }),
      entry(1, { kind: 'packet-send', node: 'SYS1', iface: 'xcf-SYS2', packetId: 2, arrivesAt: 2 }),
      entry(1, { kind: 'packet-send', node: 'SYS1', iface: 'lo', packetId: 1, arrivesAt: 1 }),
      entry(2, { kind: 'packet-deliver', node: 'SYS2', iface: 'xcf-SYS1', packetId: 1, sentAt: 1 }),
      entry(2, { kind: 'packet-deliver', node: 'router', iface: 'osa-SYS1', packetId: 1, sentAt: 1 }),
    ];
    expect(stackTraffic(events, packets, ['SYS1', 'SYS2'])).toEqual({
      SYS1: { in: { packets: 1, bytes: 60, tcpSegments: 1, tcpBytes: 60 }, out: { packets: 1, bytes: 60, tcpSegments: 1, tcpBytes: 60 } },
      SYS2: { in: { packets: 1, bytes: 100, tcpSegments: 0, tcpBytes: 0 }, out: { packets: 0, bytes: 0, tcpSegments: 0, tcpBytes: 0 } },
    });
  });
});

describe('cacheSummary', () => {
  it('counts hits and misses per target and rounds the rate', () => {
    const events = ['hit', 'miss', 'hit'].map((cache, i) => entry(i, { kind: 'app', node: 'SYS2', app: i === 1 ? 'WEB3' : 'WEB2', message: '', data: { cache } }));
    events.push(entry(9, { kind: 'app', node: 'SYS1', app: 'ROUTER', message: 'no cache here' }));
    expect(cacheSummary(events)).toEqual({ hits: 2, misses: 1, hitRate: 0.6667, byTarget: { WEB2: { hits: 2, misses: 0 }, WEB3: { hits: 0, misses: 1 } } });
  });
});
