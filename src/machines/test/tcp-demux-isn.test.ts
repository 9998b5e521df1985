// Pins down two things the TCP layer computes without strings: the RFC 6528
// ISN (the FNV-1a-32 of the 4-tuple text, mixed from the numbers) and the
// demultiplexing index behind `layer.connections`, which must agree with the
// Map it extends even when callers write to that Map directly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xstateTcpControl } from '../tcp-control';
import { fnv1a32 } from '../../sim/core/prng';
import { Simulation } from '../../sim/core/simulation';
import { DEFAULT_LINK } from '../../sim/net/link';
import { Network } from '../../sim/net/network';
import type { Connection } from '../../sim/tcp/connection';
import { tcpProfile } from '../../sim/tcp/profile';
import { connectionKey, TcpLayer } from '../../sim/tcp/tcp-layer';

const CLIENT = 0x0a00_0001;
const SERVER = 0x0a00_0002;

/** A client and a server on one link, each with a TCP layer; the server listens on port 80. */
function lab(seed: number) {
  const sim = new Simulation({ seed });
  const network = new Network(sim);
  const client = network.addHost('client');
  const server = network.addHost('server');
  network.connect('l0', { host: client, iface: 'eth0', address: CLIENT, prefixLength: 30 }, { host: server, iface: 'eth0', address: SERVER, prefixLength: 30 }, DEFAULT_LINK);
  const options = { profile: tcpProfile('rfc'), control: xstateTcpControl };
  const clientTcp = new TcpLayer(client, options);
  const serverTcp = new TcpLayer(server, options);
  const accepted: Connection[] = [];
  serverTcp.listen(80, (c) => accepted.push(c));
  return { sim, clientTcp, serverTcp, accepted };
}

describe('TcpLayer ISN', () => {
  it('is the 4 µs clock plus fnv1a32 of "local:port:remote:port" seeded with the layer secret', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 1, max: 65_535 }), (seed, at, port) => {
        const { sim, clientTcp } = lab(seed);
        // The layer's secret is the first draw of its own named stream, which depends on the seed alone.
        const secret = new Simulation({ seed }).rng.child('tcp:client').nextU32();
        sim.scheduler.at(at, () => undefined);
        sim.scheduler.runUntil(at, { maxEvents: 10 });
        const conn = clientTcp.connect({ dst: SERVER, dstPort: 80, srcPort: port });
        const t = conn.tcb;
        const expected = (Math.floor(at / 4) + fnv1a32(`${t.localAddress}:${t.localPort}:${t.remoteAddress}:${t.remotePort}`, secret)) >>> 0;
        expect(conn.tcb.iss).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('TcpLayer connections', () => {
  it('delivers to connections stored, moved and removed through the Map interface', () => {
    const { sim, clientTcp, serverTcp, accepted } = lab(7);
    const conn = clientTcp.connect({ dst: SERVER, dstPort: 80, srcPort: 40_000 });
    sim.scheduler.runUntil(10_000, { maxEvents: 100 });
    expect(conn.tcb.state).toBe('ESTABLISHED');
    const child = accepted[0] as Connection;
    const key = connectionKey(child.tcb);
    expect(serverTcp.connections.get(key)).toBe(child);

    // Moved to another key and back (as repair.ts detaches and reattaches), it receives as before.
    serverTcp.connections.delete(key);
    serverTcp.connections.set('elsewhere', child);
    serverTcp.connections.delete('elsewhere');
    serverTcp.connections.set(key, child);
    let received = 0;
    child.handlers = { onReadable: () => (received += child.recv().length) };
    conn.send(new Uint8Array(10));
    sim.scheduler.runUntil(20_000, { maxEvents: 100 });
    expect(received).toBe(10);
    expect([...serverTcp.connections.keys()]).toEqual([key]);

    // Stored under a key that is not its own, no segment reaches it: the next one draws a RST.
    serverTcp.connections.delete(key);
    serverTcp.connections.set('elsewhere', child);
    conn.send(new Uint8Array(10));
    sim.scheduler.runUntil(40_000, { maxEvents: 100 });
    expect(received).toBe(10);
    expect(conn.closeReason).toBe('reset');

    serverTcp.connections.clear();
    expect(serverTcp.connections.size).toBe(0);
  });
});
