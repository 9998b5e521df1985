// Proves the link model's timing and loss: without faults a packet arrives
// exactly delay + size·8/bandwidth after it is sent; with loss p the observed
// loss over 10,000 packets lies within 3 standard deviations of p.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../core/simulation';
import { DEFAULT_LINK, NO_FAULTS, serialisationUs, type LinkProperties } from '../net/link';
import { Network } from '../net/network';
import { IpProtocol } from '../wire/types';

function pair(seed: number, props: LinkProperties) {
  const sim = new Simulation({ seed });
  const net = new Network(sim);
  const a = net.addHost('a');
  const b = net.addHost('b');
  net.connect('ab', { host: a, iface: 'eth0', address: 0x0a000001, prefixLength: 30 }, { host: b, iface: 'eth0', address: 0x0a000002, prefixLength: 30 }, props);
  b.registerProtocol(IpProtocol.UDP, () => undefined);
  return { sim, a };
}

describe('link model', () => {
  it('delivers after exactly delay + serialisation when there are no faults', () => {
    const props: LinkProperties = { ...DEFAULT_LINK, delayUs: 1_234, bandwidthBps: 8_000_000 }; // 1 byte per µs
    const { sim, a } = pair(1, props);
    const sizes = [20, 28, 100, 1500];
    sizes.forEach((payloadBytes, i) => {
      sim.scheduler.at(10_000 * i, () => a.send({ dst: 0x0a000002, protocol: IpProtocol.UDP, payload: new Uint8Array(payloadBytes - 20) }));
    });
    sim.scheduler.runUntil(1_000_000, { maxEvents: 1_000 });
    const sends = sim.trace.events.filter((e) => e.kind === 'packet-send');
    const delivers = sim.trace.events.filter((e) => e.kind === 'packet-deliver');
    expect(delivers).toHaveLength(sizes.length);
    delivers.forEach((d, i) => {
      const sent = sends[i];
      expect(d.time - (sent?.time ?? 0)).toBe(1_234 + sizes[i]!);
      expect(serialisationUs(sizes[i]!, 8_000_000)).toBe(sizes[i]);
    });
  });

  it('queues back-to-back packets behind the transmitter and drops past the queue limit', () => {
    const props: LinkProperties = { ...DEFAULT_LINK, delayUs: 0, bandwidthBps: 8_000_000, queueLimitPackets: 3 };
    const { sim, a } = pair(1, props);
    sim.scheduler.at(0, () => {
      for (let i = 0; i < 5; i++) a.send({ dst: 0x0a000002, protocol: IpProtocol.UDP, payload: new Uint8Array(80) });
    });
    sim.scheduler.runUntil(1_000_000, { maxEvents: 1_000 });
    const arrivals = sim.trace.events.filter((e) => e.kind === 'packet-deliver').map((e) => e.time);
    expect(arrivals).toEqual([100, 200, 300]);
    const drops = sim.trace.events.filter((e) => e.kind === 'packet-drop');
    expect(drops.map((d) => (d.kind === 'packet-drop' ? d.reason : ''))).toEqual(['queue-full', 'queue-full']);
  });

  it('loses packets at the configured rate within 3 sigma over 10,000 packets', () => {
    for (const lossPerMille of [10, 100, 300]) {
      const props: LinkProperties = { ...DEFAULT_LINK, faults: { ...NO_FAULTS, lossPerMille } };
      const { sim, a } = pair(lossPerMille, props);
      const n = 10_000;
      for (let i = 0; i < n; i++) sim.scheduler.at(i * 10, () => a.send({ dst: 0x0a000002, protocol: IpProtocol.UDP, payload: new Uint8Array(8) }));
      sim.scheduler.runUntil(10_000_000, { maxEvents: 100_000 });
      const lost = sim.trace.events.filter((e) => e.kind === 'packet-drop' && e.reason === 'loss').length;
      const p = lossPerMille / 1000;
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(lost - n * p)).toBeLessThan(3 * sigma);
    }
  });

  it('duplicates and reorders when asked, tracing each', () => {
    const props: LinkProperties = { ...DEFAULT_LINK, faults: { ...NO_FAULTS, duplicatePerMille: 1000, reorderPerMille: 500, reorderDelayUs: 5_000 } };
    const { sim, a } = pair(9, props);
    for (let i = 0; i < 20; i++) sim.scheduler.at(i * 100, () => a.send({ dst: 0x0a000002, protocol: IpProtocol.UDP, payload: new Uint8Array(8) }));
    sim.scheduler.runUntil(10_000_000, { maxEvents: 10_000 });
    expect(sim.trace.events.filter((e) => e.kind === 'packet-duplicate')).toHaveLength(20);
    expect(sim.trace.events.filter((e) => e.kind === 'packet-deliver')).toHaveLength(40);
    const deliveredOrder = sim.trace.events.filter((e) => e.kind === 'packet-deliver').map((e) => sim.trace.packets[e.packetId]?.parentId ?? e.packetId);
    const sorted = [...deliveredOrder].sort((x, y) => x - y);
    expect(deliveredOrder).not.toEqual(sorted);
  });
});
