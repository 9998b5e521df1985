// tshark judges the sysplex scenarios with its HTTP and SMTP dissectors on:
// in every scenario without a fault the client's capture is one TCP stream
// with valid checksums, no malformed frame, no RST and no TCP analysis flag
// (bar an ordinary window update), carrying exactly the requests and replies
// the dialogue defines — the client cannot tell its connection moved. For
// http-transfer the XCF and loopback captures decode as UDP whose payloads our
// own decoder reads back, and the transfer message on XCF names the client's
// sequence numbers as tshark saw them.
import { describe, expect, it } from 'vitest';
import { STACK_CONTROL_PORT, XCF_PORT } from '../../machines/sysplex/ports';
import { captureRecords, capturePoints, type CapturePoint } from '../../sim/net/capture';
import { decodeControl, type ControlMessage } from '../../sim/sysplex/control-messages';
import { validateRepairState } from '../../sim/tcp/repair';
import { tsharkFields, tsharkProblems, writeTemp } from '../../sim/test/tshark';
import { writePcap } from '../../sim/wire/pcap';
import { findScenario } from '../registry';
import type { ScenarioRun } from '../types';

const CLIENT = '10.64.0.1';
const DVIPA = '10.10.10.10';
const TIMEOUT = 60_000;

function run(id: string, seed = 1): ScenarioRun {
  const s = findScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  const parsed = s.parse({});
  if (!parsed.ok) throw new Error(parsed.error);
  return s.run(parsed.params as never, seed);
}

function pcapOf(r: ScenarioRun, point: CapturePoint): { file: string; frames: number } {
  const records = captureRecords(r.sim.trace, point);
  return { file: writeTemp(`${point.replace('/', '-')}.pcap`, writePcap(records)), frames: records.length };
}

/** One column of tshark output, one entry per frame that has the field (the filter picks frames). */
function column(file: string, field: string, filter: string): string[] {
  return tsharkFields(file, [field], filter).map((row) => row[0] ?? '');
}

/** Every frame (or those `filter` picks) as a record of the named fields, from one tshark run. */
function table<F extends string>(file: string, fields: readonly F[], filter?: string, extra: readonly string[] = []): Record<F, string>[] {
  return tsharkFields(file, fields, filter, extra).map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i] ?? ''])) as Record<F, string>);
}

/** A UDP payload as tshark prints it (hex), decoded by our own decoder. */
function decodeHex(hexText: string): ReturnType<typeof decodeControl> {
  return decodeControl(Uint8Array.from(hexText.replace(/[^0-9a-f]/gi, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16)));
}

/** The UDP payloads of the frames `filter` selects, decoded by our own decoder. */
function controlMessages(file: string, filter: string): ReturnType<typeof decodeControl>[] {
  return column(file, 'udp.payload', filter).map(decodeHex);
}

/** A message and, for XCF_DATA, the message inside it. */
function unwrap(m: ControlMessage): ControlMessage[] {
  if (m.type !== 'XCF_DATA') return [m];
  const inner = decodeControl(m.inner);
  return inner.ok ? [m, inner.message] : [m];
}

/** What tshark's dissectors must read off the client's wire, in order. */
interface Dialogue {
  readonly requests: readonly string[];
  readonly replies: readonly string[];
}

const HTTP_LOGIN = ['POST /login', 'GET /welcome'];

/**
 * The scenarios with no fault. Left out, each for its reason:
 * - freeze-window: its XCF is slow on purpose, so the client retransmits into the freeze and
 *   tshark rightly flags retransmissions and a duplicate ACK; judged below by the weaker rule
 *   (no RST, valid checksums, one stream).
 * - all-reject: no transfer completes (every target refuses); it is judged below on its own
 *   terms — the 503 arrives on the same connection (claim 17).
 * - target-crash: the owning stack dies, so the client retransmits until it gives up; a clean
 *   capture is impossible by design.
 */
const CLEAN: readonly (readonly [string, 'http' | 'smtp', Dialogue])[] = [
  ['http-transfer', 'http', { requests: [...HTTP_LOGIN, 'GET /orders/42', 'GET /orders/42?page=2'], replies: ['200', '200', '200', '200'] }],
  ['smtp-transfer', 'smtp', { requests: ['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT'], replies: ['220', '250', '250', '250', '354', '250', '221'] }],
  ['reject-second-target', 'http', { requests: [...HTTP_LOGIN, 'GET /orders/42', 'GET /orders/42?page=2'], replies: ['200', '200', '200', '200'] }],
  ['re-transfer', 'http', { requests: [...HTTP_LOGIN, 'GET /orders/42', 'GET /catalog/7', 'GET /catalog/8'], replies: ['200', '200', '200', '200', '200'] }],
  ['peeked-data', 'http', { requests: [...HTTP_LOGIN, 'POST /orders/42'], replies: ['200', '200', '200'] }],
  ['same-application', 'http', { requests: [...HTTP_LOGIN, 'GET /orders/42', 'GET /orders/42?page=2'], replies: ['200', '200', '200', '200'] }],
];

describe('sysplex scenarios without faults: the client wire is one clean TCP stream', () => {
  it.each(CLEAN)('%s (%s)', (id, protocol, dialogue) => {
    const r = run(id);
    expect(r.expectations.filter((e) => !e.ok)).toEqual([]);
    const { file, frames } = pcapOf(r, 'client1/eth0');
    expect(frames).toBeGreaterThan(10);

    // Valid IP/TCP checksums, nothing malformed, no expert error — with the HTTP/SMTP dissectors on.
    expect(tsharkProblems(file)).toEqual([]);
    const rows = table(file, ['tcp.stream', 'ip.src', 'ip.dst', 'tcp.flags.reset', 'http.request.method', 'http.request.uri', 'http.response.code', 'smtp.req.command', 'smtp.response.code']);
    expect(rows.length).toBe(frames);
    // One connection: every frame is TCP between the client and the DVIPA, all in tcp.stream 0.
    expect(new Set(rows.map((f) => f['tcp.stream']))).toEqual(new Set(['0']));
    expect(rows.filter((f) => !((f['ip.src'] === CLIENT && f['ip.dst'] === DVIPA) || (f['ip.src'] === DVIPA && f['ip.dst'] === CLIENT)))).toEqual([]);
    // No RST, and no TCP analysis flag (retransmission, duplicate ACK, lost or unseen segment, …).
    // A window update is not an anomaly: the app read what it had been given and the window reopened
    // (RFC 9293 §3.8.6.2.2) — peeked-data's target consumes the 4 kB it was handed at once.
    expect(rows.filter((f) => f['tcp.flags.reset'] !== '0')).toEqual([]);
    expect(tsharkFields(file, ['frame.number', '_ws.expert.message'], 'tcp.analysis.flags && !tcp.analysis.window_update')).toEqual([]);

    // The application dissectors decode every request and reply of the dialogue, in order.
    const present = (f: string): boolean => f !== '';
    if (protocol === 'http') {
      expect(rows.filter((f) => present(f['http.request.method'])).map((f) => `${f['http.request.method']} ${f['http.request.uri']}`)).toEqual(dialogue.requests);
      expect(rows.map((f) => f['http.response.code']).filter(present)).toEqual(dialogue.replies);
      expect(rows.filter((f) => present(f['smtp.req.command']) || present(f['smtp.response.code']))).toEqual([]);
    } else {
      expect(rows.map((f) => f['smtp.req.command']).filter(present)).toEqual(dialogue.requests);
      expect(rows.map((f) => f['smtp.response.code']).filter(present)).toEqual(dialogue.replies);
      expect(rows.filter((f) => present(f['http.request.method']) || present(f['http.response.code']))).toEqual([]);
    }
  }, TIMEOUT);
});

describe('http-transfer: the stacks\' own traffic as tshark sees it', () => {
  let cached: ScenarioRun | undefined;
  const http = (): ScenarioRun => (cached ??= run('http-transfer'));

  it('every XCF capture point decodes as UDP to port 7001, nothing malformed, each payload a valid control message', () => {
    const r = http();
    const xcf = capturePoints(r.sim.trace).filter((p) => /^SYS\d\/xcf-SYS\d$/.test(p));
    expect(xcf).toEqual(expect.arrayContaining(['SYS1/xcf-SYS3', 'SYS3/xcf-SYS1', 'SYS1/xcf-SYS2', 'SYS2/xcf-SYS1']));
    for (const point of xcf) {
      const { file } = pcapOf(r, point);
      expect(tsharkProblems(file), point).toEqual([]);
      const udp = table(file, ['udp.dstport', '_ws.col.Protocol', 'udp.payload'], `udp.port == ${XCF_PORT}`);
      expect(udp.filter((f) => f['udp.dstport'] === String(XCF_PORT)).length, point).toBeGreaterThan(0);
      // Every datagram on the XCF port is UDP as far as tshark goes (no other dissector claims port 7001) …
      expect(udp.filter((f) => f['_ws.col.Protocol'] !== 'UDP'), point).toEqual([]);
      // … and a sysplex control message as far as we go.
      for (const f of udp) {
        const m = decodeHex(f['udp.payload']);
        expect(m.ok ? 'ok' : m.error, point).toBe('ok');
      }
    }
  }, TIMEOUT);

  it('the transfer message on SYS1→SYS3 carries the client\'s 4-tuple and sequence numbers exactly as tshark saw them on the client wire', () => {
    const r = http();
    const client = pcapOf(r, 'client1/eth0').file;
    const raw = ['-o', 'tcp.relative_sequence_numbers:FALSE'];
    const nextSeqs = (src: string): Set<number> =>
      new Set(tsharkFields(client, ['tcp.seq', 'tcp.len', 'tcp.flags.syn', 'tcp.flags.fin'], `ip.src == ${src}`, raw).map(([seq, len, syn, fin]) => (Number(seq) + Number(len) + (syn === '1' ? 1 : 0) + (fin === '1' ? 1 : 0)) >>> 0));
    const clientPort = Number(column(client, 'tcp.srcport', `ip.src == ${CLIENT}`)[0]);

    const { file } = pcapOf(r, 'SYS1/xcf-SYS3');
    const messages = controlMessages(file, `ip.src == 10.9.0.1 && udp.dstport == ${XCF_PORT}`).flatMap((m) => (m.ok ? unwrap(m.message) : []));
    const transfers = messages.flatMap((m) => (m.type === 'TRANSFER' ? [m] : []));
    expect(transfers.length).toBeGreaterThanOrEqual(1);
    const t = transfers[0];
    if (!t) return;
    expect(t).toMatchObject({ fromStack: 'SYS1', targetApp: 'WEB3' });
    expect(t.repair.state).toBe('ESTABLISHED');
    expect(validateRepairState(t.repair)).toEqual([]);
    expect(t.repair.remotePort).toBe(clientPort);
    expect(t.repair.localPort).toBe(80);
    // RCV.NXT is where one of the client's segments ended; SND.UNA and SND.MAX where one of the server's did.
    expect(nextSeqs(CLIENT).has(t.repair.rcvNxt)).toBe(true);
    expect(nextSeqs(DVIPA).has(t.repair.sndUna)).toBe(true);
    expect(nextSeqs(DVIPA).has(t.repair.sndMax)).toBe(true);
    // The deciding request, peeked and not consumed, travels in the receive queue.
    expect(new TextDecoder().decode(t.repair.receiveQueue)).toMatch(/^GET \/orders\/42 HTTP\/1\.1\r\n/);
  }, TIMEOUT);

  it('the loopback captures show the control sockets\' UDP datagrams (claim 24)', () => {
    const r = http();
    const points = capturePoints(r.sim.trace);
    const typesOn = (point: CapturePoint): Set<string> => {
      const { file } = pcapOf(r, point);
      expect(tsharkProblems(file), point).toEqual([]);
      const rows = table(file, ['ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'udp.payload']);
      expect(rows.length, point).toBeGreaterThan(0);
      // Only 127.0.0.1 ↔ 127.0.0.1 UDP, always to or from the stack's control port.
      for (const f of rows) {
        expect([f['ip.src'], f['ip.dst']], point).toEqual(['127.0.0.1', '127.0.0.1']);
        expect([Number(f['udp.srcport']), Number(f['udp.dstport'])], point).toContain(STACK_CONTROL_PORT);
      }
      return new Set(rows.map((f) => decodeHex(f['udp.payload'])).map((m) => (m.ok ? m.message.type : `bad: ${m.error}`)));
    };
    expect(points).toEqual(expect.arrayContaining(['SYS1/lo', 'SYS2/lo', 'SYS3/lo']));
    // The routing app registers, learns the targets, asks for the transfer and hears the verdict.
    expect([...typesOn('SYS1/lo')].sort()).toEqual(['REGISTER', 'TARGETS', 'TRANSFER_NOTIFY', 'VERDICT']);
    // The target app registers, is offered the connection and accepts it.
    expect([...typesOn('SYS3/lo')].sort()).toEqual(['OFFER', 'REGISTER', 'VERDICT']);
    expect([...typesOn('SYS2/lo')]).toEqual(['REGISTER']);
  }, TIMEOUT);
});

describe('scenarios with a fault or a refusal, judged by what they can promise', () => {
  it('freeze-window (queue): no RST on the client wire, valid checksums, one stream; retransmissions come from the client only', () => {
    const r = run('freeze-window');
    expect(r.expectations.filter((e) => !e.ok)).toEqual([]);
    const { file, frames } = pcapOf(r, 'client1/eth0');
    expect(frames).toBeGreaterThan(10);
    expect(tsharkProblems(file)).toEqual([]);
    const rows = table(file, ['tcp.stream', 'tcp.flags.reset']);
    expect(rows.length).toBe(frames);
    expect(new Set(rows.map((f) => f['tcp.stream']))).toEqual(new Set(['0']));
    expect(rows.filter((f) => f['tcp.flags.reset'] !== '0')).toEqual([]);
    // The client's retransmissions into the freeze are allowed (tshark flags them); the sysplex side
    // queued what arrived while frozen, so it never had to retransmit anything itself.
    const retransmitters = column(file, 'ip.src', 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission');
    expect(new Set(retransmitters)).toEqual(new Set([CLIENT]));
  }, TIMEOUT);

  it('all-reject: the 503 reaches the client over the same connection, no RST, no TCP analysis flag (claim 17)', () => {
    const r = run('all-reject');
    expect(r.expectations.filter((e) => !e.ok)).toEqual([]);
    const { file, frames } = pcapOf(r, 'client1/eth0');
    expect(tsharkProblems(file)).toEqual([]);
    const rows = table(file, ['tcp.stream', 'tcp.flags.reset', 'http.response.code']);
    expect(rows.length).toBe(frames);
    expect(new Set(rows.map((f) => f['tcp.stream']))).toEqual(new Set(['0']));
    expect(rows.filter((f) => f['tcp.flags.reset'] !== '0')).toEqual([]);
    expect(tsharkFields(file, ['frame.number', '_ws.expert.message'], 'tcp.analysis.flags && !tcp.analysis.window_update')).toEqual([]);
    expect(rows.map((f) => f['http.response.code']).filter((c) => c !== '')).toEqual(['200', '200', '503']);
  }, TIMEOUT);
});
