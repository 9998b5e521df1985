/**
 * Built-in TCP scenarios on the client–router–server topology: a clean
 * request/response, a lossy link, a zero window, a RST from a closed port and
 * a simultaneous close. Each checks its own expectations (integrity of the
 * byte streams, how the connections ended, what the scenario is meant to show).
 */
import { xstateTcpControl } from '../machines/tcp-control';
import { Simulation } from '../sim/core/simulation';
import { NO_FAULTS, type LinkFaults, type LinkProperties } from '../sim/net/link';
import type { Network } from '../sim/net/network';
import { seconds } from '../sim/core/time';
import type { Connection } from '../sim/tcp/connection';
import { tcpProfile } from '../sim/tcp/profile';
import { TcpLayer } from '../sim/tcp/tcp-layer';
import { requestOnce, serveRequests, type CloseOrder, type StreamLog } from './apps/request-response';
import { linkProperties, parseWith, TcpScenarioSchema, type TcpScenarioInput, type TcpScenarioParams } from './params';
import { clientRouterServer, PAIR_ADDRESSES } from './topology';
import type { Expectation, ScenarioDefinition, ScenarioRun, TrackedConnection } from './types';

const SERVER_PORT = 8080;

/** How the exchange runs beyond its parameters. */
export interface ExchangeShape {
  readonly closeOrder: CloseOrder;
  readonly dstPort?: number;
  /** Faults per direction: client→router, router→client, router→server, server→router. */
  readonly faults?: readonly [LinkFaults, LinkFaults, LinkFaults, LinkFaults];
  /** Clear every fault at this time. */
  readonly healAtUs?: number;
  /** For 'together': the instant both apps close (default 1 s). */
  readonly closeAtUs?: number;
}

/** A finished exchange, for checks. */
export interface ExchangeResult {
  readonly run: ScenarioRun;
  readonly client: Connection;
  readonly clientLog: StreamLog;
  readonly serverLog: StreamLog;
}

/** Build, run and check one request/response exchange. */
export function runExchangeWith(p: TcpScenarioParams, seed: number, shape: ExchangeShape, extra: (r: ExchangeResult) => Expectation[]): ScenarioRun {
  const sim = new Simulation({ seed });
  const topo = clientRouterServer(sim, ...linkPair(p, shape));
  if (shape.healAtUs !== undefined) sim.scheduler.at(shape.healAtUs, () => healAll(topo.network));
  const profile = tcpProfile(p.profile);
  const clientTcp = new TcpLayer(topo.client, { profile, control: xstateTcpControl });
  const serverTcp = new TcpLayer(topo.server, { profile, control: xstateTcpControl });
  const tracked: TrackedConnection[] = [];
  const clientLog: StreamLog = { received: 0, mismatches: 0 };
  const serverLog: StreamLog = { received: 0, mismatches: 0 };
  const closeAtUs = shape.closeOrder === 'together' ? (shape.closeAtUs ?? seconds(1)) : undefined;
  const exchange = { requestBytes: p.requestBytes, responseBytes: p.responseBytes, closeOrder: shape.closeOrder, clientReadPauseUs: p.clientReadPauseUs, ...(closeAtUs === undefined ? {} : { closeAtUs }) };
  const socketOptions = { nagle: p.nagle, delayedAck: p.delayedAck };
  serverTcp.listen(SERVER_PORT, (conn) => {
    tracked.push({ role: 'server', node: 'server', connection: conn });
    serveRequests(sim, 'server', conn, exchange, serverLog);
    // A connection that came up after the agreed instant (a lossy link) closes at once instead.
    if (closeAtUs !== undefined) sim.scheduler.at(Math.max(closeAtUs, sim.now), () => conn.close());
  }, socketOptions);
  const client = clientTcp.connect({ dst: PAIR_ADDRESSES.server, dstPort: shape.dstPort ?? SERVER_PORT, options: { ...socketOptions, receiveBufferBytes: p.clientReceiveBufferBytes } });
  tracked.push({ role: 'client', node: 'client', connection: client });
  requestOnce(sim, 'client', client, exchange, clientLog);
  sim.scheduler.runUntil(p.horizonUs, { maxEvents: 50_000_000 });
  const partial: ScenarioRun = { sim, connections: tracked, clientCapture: 'client/eth0', expectations: [], logs: { client: clientLog, server: serverLog } };
  const result = { run: partial, client, clientLog, serverLog };
  return { ...partial, expectations: extra(result) };
}

/** The bytes each app received are exactly the bytes the other sent, in order. */
function integrity(r: ExchangeResult, p: TcpScenarioParams): Expectation[] {
  return [
    { name: 'server received the request exactly once, in order', ok: r.serverLog.received === p.requestBytes && r.serverLog.mismatches === 0, detail: `${r.serverLog.received}/${p.requestBytes} bytes, ${r.serverLog.mismatches} wrong` },
    { name: 'client received the response exactly once, in order', ok: r.clientLog.received === p.responseBytes && r.clientLog.mismatches === 0, detail: `${r.clientLog.received}/${p.responseBytes} bytes, ${r.clientLog.mismatches} wrong` },
  ];
}

/** Every connection ended CLOSED (TIME-WAIT expired) or is in TIME-WAIT, not reset. */
function cleanEnd(r: ExchangeResult): Expectation[] {
  return r.run.connections.map((c) => {
    const state = c.connection.tcb.state;
    const reason = c.connection.closeReason;
    return { name: `${c.role} connection closed cleanly`, ok: (state === 'CLOSED' || state === 'TIME-WAIT') && reason !== 'reset' && reason !== 'timeout', detail: `${state}${reason ? `, ${reason}` : ''}` };
  });
}

function tcpEvents(r: ExchangeResult, what: string): number {
  return r.run.sim.trace.events.filter((e) => e.kind === 'tcp' && e.what === what).length;
}

function definition(id: string, title: string, description: string, overrides: TcpScenarioInput, shape: ExchangeShape, checks: (r: ExchangeResult, p: TcpScenarioParams) => Expectation[]): ScenarioDefinition<TcpScenarioParams> {
  const base = parseWith(TcpScenarioSchema, overrides);
  if (!base.ok) throw new Error(`built-in scenario ${id} has bad defaults: ${base.error}`);
  return {
    id,
    title,
    description,
    claims: [],
    defaults: base.params,
    parse: (input) => (isObject(input) ? parseWith(TcpScenarioSchema, { ...overrides, ...input }) : { ok: false, error: '(top level): expected an object of parameter overrides' }),
    run: (params, seed) => runExchangeWith(params, seed, shape, (r) => checks(r, params)),
  };
}

/** Link properties for both links, with per-direction faults when the shape gives them. */
function linkPair(p: TcpScenarioParams, shape: ExchangeShape): [LinkProperties | readonly [LinkProperties, LinkProperties], LinkProperties | readonly [LinkProperties, LinkProperties]] {
  const client = linkProperties(p.clientLink);
  const server = linkProperties(p.serverLink);
  const f = shape.faults;
  if (!f) return [client, server];
  return [
    [{ ...client, faults: f[0] }, { ...client, faults: f[1] }],
    [{ ...server, faults: f[3] }, { ...server, faults: f[2] }],
  ];
}

/** Remove every fault from every link, both directions (the heal phase). */
function healAll(network: Network): void {
  for (const link of network.links.values()) {
    for (const end of link.ends) link.configure(end, { ...link.properties(end), faults: NO_FAULTS });
  }
  network.sim.trace.record({ kind: 'fault', target: 'network', fault: 'healed' });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Plain request/response with a clean close by the client. */
export const requestResponse = definition(
  'request-response',
  'Request and response',
  'A client connects through a router, sends 200 bytes, gets 2,000 back and closes; the server closes on its FIN.',
  {},
  { closeOrder: 'client-first' },
  (r, p) => [...integrity(r, p), ...cleanEnd(r)],
);

/** 3 % loss both ways on the client's link: retransmissions repair the stream. */
export const lossyLink = definition(
  'lossy-link',
  'Lossy link',
  'The client link loses 3 % of packets each way while 200 kB flow; RTO, fast retransmit and SACK repair the stream.',
  { responseBytes: 200_000, clientLink: { lossPerMille: 30 } },
  { closeOrder: 'client-first' },
  (r, p) => [...integrity(r, p), ...cleanEnd(r), { name: 'losses were repaired by retransmission', ok: r.run.connections.some((c) => c.connection.tcb.stats.retransmissions > 0), detail: `${r.run.connections.map((c) => `${c.role} ${c.connection.tcb.stats.retransmissions}`).join(', ')} retransmissions` }],
);

/** A slow reader with a small buffer: the window closes, the sender probes, then resumes. */
export const zeroWindow = definition(
  'zero-window',
  'Zero window',
  'The client has an 8 KB receive buffer and stops reading for 3 s; the server sees a zero window and sends persist probes.',
  { responseBytes: 64_000, clientReceiveBufferBytes: 8_192, clientReadPauseUs: 3_000_000 },
  { closeOrder: 'client-first' },
  (r, p) => [...integrity(r, p), ...cleanEnd(r), { name: 'the sender probed the zero window', ok: tcpEvents(r, 'window-probe') > 0, detail: `${tcpEvents(r, 'window-probe')} probes` }],
);

/** A SYN to a port nobody listens on is answered by RST; the connect fails as refused. */
export const rstClosedPort = definition(
  'rst-closed-port',
  'RST from a closed port',
  'The client connects to port 8081 where nothing listens; the server answers RST,ACK and the connect is refused.',
  {},
  { closeOrder: 'client-first', dstPort: 8081 },
  (r) => [
    { name: 'the server answered with RST', ok: tcpEvents(r, 'rst-sent') === 1, detail: `${tcpEvents(r, 'rst-sent')} RST` },
    { name: 'the client was refused', ok: r.client.closeReason === 'refused' && r.client.tcb.state === 'CLOSED', detail: `${r.client.tcb.state}, ${r.client.closeReason ?? 'no reason'}` },
  ],
);

/** Both apps close at the same instant: FINs cross, both go through CLOSING to TIME-WAIT. */
export const simultaneousClose = definition(
  'simultaneous-close',
  'Simultaneous close',
  'After the exchange both apps close at t = 1 s; the FINs cross and each side passes FIN-WAIT-1 → CLOSING → TIME-WAIT.',
  {},
  { closeOrder: 'together' },
  (r, p) => {
    const closing = r.run.sim.trace.events.filter((e) => e.kind === 'state-change' && e.to === 'CLOSING').length;
    return [...integrity(r, p), ...cleanEnd(r), { name: 'both sides went through CLOSING', ok: closing === 2, detail: `${closing} of 2` }];
  },
);
