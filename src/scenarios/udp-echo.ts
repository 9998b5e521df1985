/**
 * The first end-to-end scenario: a client and a server on two subnets joined
 * by a router. The client sends numbered UDP requests; the server answers each
 * one. It exercises every layer of the kernel — scheduler, PRNG streams,
 * links with faults, routing, IPv4/UDP bytes and the trace — and nothing more.
 */
import { Simulation } from '../sim/core/simulation';
import { ms, type SimTime } from '../sim/core/time';
import { DEFAULT_LINK, NO_FAULTS, type LinkFaults, type LinkProperties } from '../sim/net/link';
import type { Network } from '../sim/net/network';
import { UdpLayer } from '../sim/net/udp';
import * as v from 'valibot';
import { parseWith } from './params';
import { clientRouterServer, PAIR_ADDRESSES } from './topology';
import type { ScenarioDefinition } from './types';

/** Options of the UDP request/response scenario. */
export interface UdpEchoOptions {
  readonly seed: number;
  /** Number of requests the client sends, one every `intervalUs`. */
  readonly requests?: number;
  readonly intervalUs?: SimTime;
  /** Faults on both links, both directions. */
  readonly faults?: LinkFaults;
}

/** Addresses used by the scenario. */
export const UDP_ECHO_ADDRESSES = PAIR_ADDRESSES;

const ECHO_PORT = 7;
const CLIENT_PORT = 40_000;

/** Text codec for app payloads; ASCII only, so no TextEncoder (absent from the DOM-free core). */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

/** Bytes back to ASCII text. */
export function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Build the topology and the two applications; nothing has run yet. */
export function buildUdpEcho(options: UdpEchoOptions): { sim: Simulation; network: Network } {
  const sim = new Simulation({ seed: options.seed });
  const a = UDP_ECHO_ADDRESSES;
  const props: LinkProperties = { ...DEFAULT_LINK, bandwidthBps: 100_000_000, faults: options.faults ?? NO_FAULTS };
  const { network, client, server } = clientRouterServer(sim, props, props);

  const serverUdp = new UdpLayer(server);
  const echo = serverUdp.bind(ECHO_PORT, (d) => {
    const request = asciiText(d.payload);
    sim.trace.record({ kind: 'app', node: 'server', app: 'echo', message: `received "${request}"` });
    echo.send(d.src, d.srcPort, asciiBytes(request.replace('PING', 'PONG')));
  });

  const clientUdp = new UdpLayer(client);
  const socket = clientUdp.bind(CLIENT_PORT, (d) => {
    sim.trace.record({ kind: 'app', node: 'client', app: 'pinger', message: `received "${asciiText(d.payload)}"` });
  });
  const requests = options.requests ?? 5;
  const interval = options.intervalUs ?? ms(10);
  for (let i = 0; i < requests; i++) {
    sim.scheduler.at(ms(1) + i * interval, () => {
      const text = `PING ${i}`;
      sim.trace.record({ kind: 'app', node: 'client', app: 'pinger', message: `send "${text}"` });
      socket.send(a.server, ECHO_PORT, asciiBytes(text));
    });
  }
  return { sim, network };
}

/** Build and run the scenario to completion; returns the finished simulation. */
export function runUdpEcho(options: UdpEchoOptions): { sim: Simulation; network: Network } {
  const built = buildUdpEcho(options);
  built.sim.scheduler.runUntil(Number.MAX_SAFE_INTEGER, { maxEvents: 1_000_000 });
  return built;
}

/** The UDP scenario as a built-in scenario definition. */
export const udpEchoScenario: ScenarioDefinition<{ requests: number; lossPerMille: number }> = {
  id: 'udp-echo',
  title: 'UDP request/response',
  description: 'A client sends numbered UDP requests through a router; the server answers each one.',
  claims: [],
  defaults: { requests: 5, lossPerMille: 0 },
  parse: (input) =>
    parseWith(
      v.strictObject({
        requests: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)), 5),
        lossPerMille: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)), 0),
      }),
      input,
    ),
  run: (params, seed) => {
    const { sim } = runUdpEcho({ seed, requests: params.requests, faults: { ...NO_FAULTS, lossPerMille: params.lossPerMille } });
    const answers = sim.trace.events.filter((e) => e.kind === 'app' && e.node === 'client' && e.message.startsWith('received')).length;
    const expected = params.lossPerMille === 0 ? params.requests : answers;
    return { sim, connections: [], clientCapture: 'client/eth0', expectations: [{ name: 'every request answered', ok: answers === expected, detail: `${answers}/${params.requests}` }] };
  },
};
