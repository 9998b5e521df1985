/**
 * Replays the recorded Linux exchanges (src/sim/tcp/goldens) in the linux
 * profile: the same two apps (Node `net` client and server of
 * scripts/linux-goldens/exchanges.mjs), the same sizes and close orders, on a
 * direct link shaped like the recording's veth (20 µs one way, 10 Gb/s).
 * Node apps act one event-loop turn after what they react to; the replay
 * models that turn as APP_TURN_US of think time before each app action.
 */
import { readFileSync } from 'node:fs';
import { Simulation } from '../../sim/core/simulation';
import { DEFAULT_LINK } from '../../sim/net/link';
import { Network } from '../../sim/net/network';
import type { Connection } from '../../sim/tcp/connection';
import { LINUX_PROFILE } from '../../sim/tcp/profile';
import { TcpLayer } from '../../sim/tcp/tcp-layer';
import { ipv4AddressOrThrow as ip } from '../../sim/wire/ipv4-address';
import { xstateTcpControl } from '../tcp-control';
import { seenSegments } from './tcp-harness';

/** A Node app reacts about one event-loop turn after the event (seen as 0.4–1.5 ms in the captures). */
export const APP_TURN_US = 500;

/** One segment in the goldens' summary format (scripts/linux-goldens/summarize.mjs). */
export interface GoldenSegment {
  readonly dir: 'c2s' | 's2c';
  readonly flagNames: readonly string[];
  readonly seq: number;
  readonly ack: number | null;
  readonly len: number;
  readonly win: number;
  readonly options: readonly { kind: string; value?: number; shift?: number }[];
}

/** A golden's JSON summary. */
export interface Golden {
  readonly name: string;
  readonly segments: readonly GoldenSegment[];
}

/** Read a golden's summary. */
export function loadGolden(name: string): Golden {
  return JSON.parse(readFileSync(new URL(`../../sim/tcp/goldens/${name}.json`, import.meta.url), 'utf8')) as Golden;
}

interface Script {
  readonly request: number;
  readonly response: number;
  readonly port: number;
  /** Server: answer after the request (false) or after the client's EOF (true). */
  readonly answerAfterEof: boolean;
  /** Client: half-close right after the request. */
  readonly clientHalfClose: boolean;
  /** Server: end() after writing the answer (server closes first). */
  readonly serverEndsAfterAnswer: boolean;
  readonly answerDelayUs: number;
  /** Keep-alive: requests on the one connection, each answered before the client sends the next. */
  readonly requests: number;
}

const SCRIPTS: Record<string, Script> = {
  'request-response-client-close': { request: 200, response: 2000, port: 8080, answerAfterEof: false, clientHalfClose: false, serverEndsAfterAnswer: false, answerDelayUs: 0, requests: 1 },
  'server-close-first': { request: 200, response: 2000, port: 8080, answerAfterEof: false, clientHalfClose: false, serverEndsAfterAnswer: true, answerDelayUs: 0, requests: 1 },
  'half-close': { request: 500, response: 1000, port: 8080, answerAfterEof: true, clientHalfClose: true, serverEndsAfterAnswer: true, answerDelayUs: 0, requests: 1 },
  'half-close-slow-answer': { request: 500, response: 1000, port: 8080, answerAfterEof: true, clientHalfClose: true, serverEndsAfterAnswer: true, answerDelayUs: 200_000, requests: 1 },
  'two-requests': { request: 200, response: 2000, port: 8080, answerAfterEof: false, clientHalfClose: false, serverEndsAfterAnswer: false, answerDelayUs: 0, requests: 2 },
  'rst-closed-port': { request: 0, response: 0, port: 8081, answerAfterEof: false, clientHalfClose: false, serverEndsAfterAnswer: false, answerDelayUs: 0, requests: 1 },
  'bulk-100k': { request: 10, response: 100_000, port: 8080, answerAfterEof: false, clientHalfClose: false, serverEndsAfterAnswer: false, answerDelayUs: 0, requests: 1 },
};

/** Names of the goldens with a replay script. */
export const GOLDEN_NAMES = Object.keys(SCRIPTS);

/** Replay one golden's exchange and return the segments the client's interface saw, in the golden's format. */
export function replayGolden(name: string): GoldenSegment[] {
  const script = SCRIPTS[name];
  if (!script) throw new Error(`no replay script for golden ${name}`);
  const sim = new Simulation({ seed: 1 });
  const network = new Network(sim);
  const client = network.addHost('client');
  const server = network.addHost('server');
  network.connect('veth', { host: client, iface: 'veth', address: ip('10.99.0.1'), prefixLength: 24 }, { host: server, iface: 'veth', address: ip('10.99.0.2'), prefixLength: 24 }, { ...DEFAULT_LINK, delayUs: 20, bandwidthBps: 10_000_000_000 });
  const clientTcp = new TcpLayer(client, { profile: LINUX_PROFILE, control: xstateTcpControl });
  const serverTcp = new TcpLayer(server, { profile: LINUX_PROFILE, control: xstateTcpControl });
  const later = (fn: () => void, extraUs = 0): void => void sim.scheduler.after(APP_TURN_US + extraUs, fn);
  serverTcp.listen(8080, (conn) => runServer(conn, script, later));
  const conn = clientTcp.connect({ dst: ip('10.99.0.2'), dstPort: script.port });
  runClient(conn, script, later);
  sim.scheduler.runUntil(120_000_000, { maxEvents: 1_000_000 });
  return toGoldenFormat(seenSegments(sim, 'client/veth'));
}

function runServer(conn: Connection, s: Script, later: (fn: () => void, extraUs?: number) => void): void {
  let received = 0;
  let answered = 0;
  const answer = (): void => {
    if (answered >= s.requests) return;
    answered++;
    later(() => {
      conn.send(new Uint8Array(s.response));
      if (s.serverEndsAfterAnswer) later(() => conn.close());
    }, s.answerDelayUs);
  };
  conn.handlers = {
    onReadable: () => {
      received += conn.recv().length;
      if (!s.answerAfterEof && received >= (answered + 1) * s.request) answer();
    },
    onPeerClosed: () => {
      if (s.answerAfterEof) answer();
      else later(() => conn.close());
    },
  };
}

function runClient(conn: Connection, s: Script, later: (fn: () => void) => void): void {
  let received = 0;
  let sent = 1;
  conn.handlers = {
    onEstablished: () =>
      later(() => {
        conn.send(new Uint8Array(s.request));
        if (s.clientHalfClose) later(() => conn.shutdown());
      }),
    onReadable: () => {
      received += conn.recv().length;
      if (sent < s.requests && received >= sent * s.response) {
        sent++;
        later(() => conn.send(new Uint8Array(s.request)));
      } else if (received >= s.response * s.requests && !s.clientHalfClose && !s.serverEndsAfterAnswer) later(() => conn.close());
    },
    onPeerClosed: () => {
      if (s.serverEndsAfterAnswer && !s.clientHalfClose) later(() => conn.close());
    },
  };
}

const FLAG_ORDER = ['FIN', 'SYN', 'RST', 'PSH', 'ACK'];

function toGoldenFormat(seen: ReturnType<typeof seenSegments>): GoldenSegment[] {
  const first = seen[0];
  if (!first) return [];
  const cIsn = first.header.seq;
  const sIsn = seen.find((s) => s.dir === 'in')?.header.seq ?? 0;
  return seen.map((s) => {
    const c2s = s.dir === 'out';
    const names = s.flags.split(', ').filter((f) => FLAG_ORDER.includes(f));
    const ackSet = names.includes('ACK');
    return {
      dir: c2s ? 'c2s' : 's2c',
      flagNames: names,
      seq: (s.header.seq - (c2s ? cIsn : sIsn)) >>> 0,
      ack: ackSet ? (s.header.ack - (c2s ? sIsn : cIsn)) >>> 0 : null,
      len: s.len,
      win: s.header.window,
      options: s.header.options.map((o) => (o.kind === 'mss' ? { kind: 'mss', value: o.mss } : o.kind === 'wscale' ? { kind: 'wscale', shift: o.shift } : { kind: o.kind === 'sack-permitted' ? 'sack_perm' : o.kind })),
    };
  });
}
