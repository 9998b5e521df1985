/**
 * The short-flow workload of the ns-3 peer benchmark (bench/ns3-workload.md),
 * reproduced: a star of N clients, each on its own 1 Gb/s, 1 ms link to server
 * i mod S; client i starts at 1 s + i/N s, sends 200 bytes, reads 2,000 and
 * closes; the server answers once and closes on the client's FIN. MSS 1448
 * payload bytes with timestamps (1460 announced), initial window 10, delayed ACK on.
 */
import { xstateTcpControl } from '../machines/tcp-control';
import { Simulation } from '../sim/core/simulation';
import type { TraceMode } from '../sim/core/trace';
import { DEFAULT_LINK } from '../sim/net/link';
import { Network } from '../sim/net/network';
import type { Connection } from '../sim/tcp/connection';
import { tcpProfile } from '../sim/tcp/profile';
import { TcpLayer } from '../sim/tcp/tcp-layer';

/** Workload knobs; defaults are the ns-3 program's. */
export interface ShortFlowOptions {
  readonly clients: number;
  readonly servers: number;
  readonly requestBytes?: number;
  readonly responseBytes?: number;
  readonly profile?: 'rfc' | 'linux';
  readonly traceMode?: TraceMode;
  readonly seed?: number;
}

/** Counters the workload keeps. */
export interface ShortFlowCounters {
  flowsDone: number;
  serverReplies: number;
}

const PORT = 8080;
const BASE = 0x0a00_0000; // 10.0.0.0

/** Build the star and schedule every client; nothing runs yet. */
export function buildShortFlows(o: ShortFlowOptions): { sim: Simulation; counters: ShortFlowCounters } {
  const sim = new Simulation({ seed: o.seed ?? 1, traceMode: o.traceMode ?? 'off' });
  const network = new Network(sim);
  const profile = tcpProfile(o.profile ?? 'rfc');
  const request = new Uint8Array(o.requestBytes ?? 200);
  const response = new Uint8Array(o.responseBytes ?? 2_000);
  const counters: ShortFlowCounters = { flowsDone: 0, serverReplies: 0 };
  const socket = { mss: 1460 };
  const servers = Array.from({ length: o.servers }, (_, s) => {
    const host = network.addHost(`server${s}`);
    const tcp = new TcpLayer(host, { profile, control: xstateTcpControl });
    tcp.listen(PORT, (conn) => serve(conn, request.length, response, counters), socket);
    return host;
  });
  for (let i = 0; i < o.clients; i++) {
    const client = network.addHost(`client${i}`);
    const subnet = (BASE + 4 * i) >>> 0;
    const server = servers[i % o.servers];
    if (!server) throw new Error('no server');
    network.connect(`l${i}`, { host: client, iface: 'eth0', address: subnet + 1, prefixLength: 30 }, { host: server, iface: `eth${Math.floor(i / o.servers)}`, address: subnet + 2, prefixLength: 30 }, DEFAULT_LINK);
    const tcp = new TcpLayer(client, { profile, control: xstateTcpControl });
    const startUs = Math.round((1 + i / o.clients) * 1e6);
    sim.scheduler.at(startUs, () => fetch(tcp, subnet + 2, request, response.length, counters, socket));
  }
  return { sim, counters };
}

function serve(conn: Connection, requestBytes: number, response: Uint8Array, counters: ShortFlowCounters): void {
  let received = 0;
  let answered = false;
  // Methods rather than arrow properties: tsx (esbuild keepNames) renames every
  // named arrow it creates, which costs more than the rest of the handler set-up.
  conn.handlers = {
    onReadable() {
      received += conn.recv().length;
      if (!answered && received >= requestBytes) {
        answered = true;
        counters.serverReplies++;
        conn.send(response);
      }
    },
    onPeerClosed() {
      conn.close();
    },
  };
}

function fetch(tcp: TcpLayer, server: number, request: Uint8Array, responseBytes: number, counters: ShortFlowCounters, options: { mss: number }): void {
  let received = 0;
  const conn = tcp.connect({ dst: server, dstPort: PORT, options });
  conn.handlers = {
    onEstablished() {
      conn.send(request);
    },
    onReadable() {
      received += conn.recv().length;
      if (received >= responseBytes && conn.tcb.state === 'ESTABLISHED') {
        counters.flowsDone++;
        conn.close();
      }
    },
  };
}
