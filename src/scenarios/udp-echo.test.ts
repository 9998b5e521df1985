// The first end-to-end proof: the UDP request/response scenario runs through
// router and links, every request is answered, and a seed reproduces a run
// exactly (same trace hash across runs) while another seed with faults does not.
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../sim/net/link';
import { runUdpEcho } from './udp-echo';

const lossy = { ...NO_FAULTS, lossPerMille: 200, jitterUs: 500, duplicatePerMille: 50 };

describe('UDP echo scenario', () => {
  it('answers every request when the links are clean', () => {
    const { sim } = runUdpEcho({ seed: 1, requests: 5 });
    const received = sim.trace.events.filter((e) => e.kind === 'app' && e.node === 'client' && e.message.startsWith('received'));
    expect(received.map((e) => (e.kind === 'app' ? e.message : ''))).toEqual([0, 1, 2, 3, 4].map((i) => `received "PONG ${i}"`));
    expect(sim.trace.events.some((e) => e.kind === 'packet-drop')).toBe(false);
  });

  it('gives the same trace hash for the same seed, three times', () => {
    const hashes = [1, 2, 3].map(() => runUdpEcho({ seed: 77, requests: 20, faults: lossy }).sim.trace.hash());
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives a different hash for a different seed when faults are on', () => {
    const a = runUdpEcho({ seed: 77, requests: 20, faults: lossy }).sim.trace.hash();
    const b = runUdpEcho({ seed: 78, requests: 20, faults: lossy }).sim.trace.hash();
    expect(a).not.toBe(b);
  });

  it('records entries with increasing index and non-decreasing time', () => {
    const { sim } = runUdpEcho({ seed: 3, requests: 10, faults: lossy });
    const events = sim.trace.events;
    expect(events.length).toBeGreaterThan(50);
    events.forEach((e, i) => {
      expect(e.index).toBe(i);
      if (i > 0) expect(e.time).toBeGreaterThanOrEqual((events[i - 1] as { time: number }).time);
    });
  });

  it('forwards through the router with TTL decremented and a valid new packet', () => {
    const { sim } = runUdpEcho({ seed: 1, requests: 1 });
    const forwarded = sim.trace.packets.filter((p) => p.origin === 'router');
    expect(forwarded.length).toBe(2);
    for (const p of forwarded) {
      const parent = sim.trace.packets[p.parentId ?? -1];
      expect(p.bytes[8]).toBe((parent?.bytes[8] ?? 0) - 1);
    }
  });
});
