/**
 * Test harness for the TCP engine: a client and a server joined by a router,
 * each with a TCP layer driven by the XState control machine, plus helpers to
 * run the clock, list the segments a capture point saw, and read a
 * connection's state history from the trace.
 */
import { Simulation } from '../../sim/core/simulation';
import { DEFAULT_LINK, type LinkProperties } from '../../sim/net/link';
import { tcpProfile } from '../../sim/tcp/profile';
import { TcpLayer } from '../../sim/tcp/tcp-layer';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { decodeTcp, tcpFlagsToString } from '../../sim/wire/tcp';
import type { TcpHeader } from '../../sim/wire/types';
import { clientRouterServer, PAIR_ADDRESSES } from '../../scenarios/topology';
import { xstateTcpControl } from '../tcp-control';

/** One segment as a capture point saw it. */
export interface SeenSegment {
  readonly time: number;
  readonly dir: 'out' | 'in';
  readonly flags: string;
  readonly header: TcpHeader;
  readonly len: number;
  readonly packetId: number;
}

/** Build the pair with TCP layers. */
export function tcpPair(opts: { seed?: number; profile?: 'rfc' | 'linux'; clientLink?: LinkProperties | readonly [LinkProperties, LinkProperties]; serverLink?: LinkProperties | readonly [LinkProperties, LinkProperties] } = {}) {
  const sim = new Simulation({ seed: opts.seed ?? 1 });
  const topo = clientRouterServer(sim, opts.clientLink ?? DEFAULT_LINK, opts.serverLink ?? DEFAULT_LINK);
  const profile = tcpProfile(opts.profile ?? 'linux');
  const clientTcp = new TcpLayer(topo.client, { profile, control: xstateTcpControl });
  const serverTcp = new TcpLayer(topo.server, { profile, control: xstateTcpControl });
  return {
    sim,
    ...topo,
    clientTcp,
    serverTcp,
    addresses: PAIR_ADDRESSES,
    /** Run until `us` of simulated time (bounded). */
    runUntil(us: number) {
      return sim.scheduler.runUntil(us, { maxEvents: 2_000_000 });
    },
    /** Segments seen at a capture point ("client/eth0" by default). */
    segments(point = 'client/eth0'): SeenSegment[] {
      return seenSegments(sim, point);
    },
    /** State changes of connections on `node`, as "FROM→TO". */
    states(node: string): string[] {
      return sim.trace.events.flatMap((e) => (e.kind === 'state-change' && e.node === node ? [`${e.from}→${e.to}`] : []));
    },
  };
}

/** Decode the TCP segments a capture point saw. */
export function seenSegments(sim: Simulation, point: string): SeenSegment[] {
  const [node, iface] = point.split('/');
  const out: SeenSegment[] = [];
  for (const e of sim.trace.events) {
    if ((e.kind !== 'packet-send' && e.kind !== 'packet-deliver') || e.node !== node || e.iface !== iface) continue;
    const bytes = sim.trace.packetBytes(e.packetId);
    const ip = bytes && decodeIpv4(bytes);
    if (!ip || !ip.ok || ip.value.header.protocol !== 6) continue;
    const tcp = decodeTcp(ip.value.payload, ip.value.header.src, ip.value.header.dst);
    if (!tcp.ok) continue;
    out.push({ time: e.time, dir: e.kind === 'packet-send' ? 'out' : 'in', flags: tcpFlagsToString(tcp.value.header.flags), header: tcp.value.header, len: tcp.value.payload.length, packetId: e.packetId });
  }
  return out;
}

/** Bytes 0..n-1 as a recognisable pattern. */
export function pattern(n: number, salt = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}

/** Concatenate byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
