/**
 * The sysplex control protocol: every message between apps and stacks
 * (control sockets, claims 18–24) and between stacks over XCF (claims 2, 12,
 * 23), carried as real bytes in UDP datagrams so it shows in captures.
 *
 * Every message: magic "HLSX" (4) | version u8 = 1 | type u8 | body.
 * Integers are big-endian; `text` = u16 length + ASCII; `blob` = u32 length + bytes.
 *
 *  1 REGISTER         role u8 (1 routing, 2 target) | app text | stack text | port u16 (0: the app stops listening)
 *  2 TARGETS          count u16 | count × (app text | stack text | xcf u32 | port u16)
 *  3 LISTEN_NOTICE    stack text | app text | port u16 | listening u8
 *  4 TRANSFER_NOTIFY  transfer u32 | conn | target app text | app state blob
 *  5 TRANSFER         transfer u32 | conn | from stack text | target app text | repair state | app state blob
 *  6 OFFER            transfer u32 | conn | from stack text | app state blob | queued bytes u32
 *  7 VERDICT          transfer u32 | conn | accepted u8 | reason text
 *  8 ABORT            transfer u32 | conn | reason text
 *  9 CONN_ENDED       conn | stack text | reason text
 * 10 CONN_MOVED       conn | from stack text | to stack text   (a target stack moved a connection on: claim 10)
 * 11 XCF_DATA         from stack text | seq u32 | inner message blob   (reliable XCF signalling, see xcf-channel.ts)
 * 12 XCF_ACK          from stack text | seq u32
 * 13 DVIPA_OWNER      stack text | reason text   (a stack took the DVIPA over or back: the others report to it)
 * 14 CONN_REPORT      stack text | listening count u16 | count × (app text | port u16) |
 *                     owned count u32 | count × conn | half-open count u32 | count × conn
 *                     (what a stack owns, so a new DVIPA owner rebuilds its CRT and DPT)
 *
 * conn = client u32 | client port u16 | dvipa u32 | port u16.
 * repair state (the connection transfer message proper, TCP_REPAIR's fields):
 *   state u8 (index in TCP_STATES) | profile u8 (0 rfc, 1 linux) | options: nagle u8, delayedAck u8,
 *   mss u16, sendBuffer u32, receiveBuffer u32 | iss u32 | irs u32 | snd_una u32 | snd_nxt u32 |
 *   snd_max u32 | snd_wnd u32 | snd_wl1 u32 | snd_wl2 u32 | max_window u32 | rcv_nxt u32 | rcv_wnd u32 |
 *   rcv_wup u32 | send mss u16 | peer mss u16 | snd_wscale u8 | rcv_wscale u8 |
 *   flags u8 (1 SACK, 2 timestamps, 4 FIN queued, 8 FIN received) | ts_recent u32 | ts_offset u32 |
 *   snd_data_end u32 | send queue blob | receive queue blob (unread bytes, peeked ones included).
 */
import { TCP_STATES, type TcpState } from '../tcp/control';
import type { TcpRepairState } from '../tcp/repair';
import { DEFAULT_SOCKET_OPTIONS } from '../tcp/tcb';
import { ByteReader, ByteWriter } from './byte-writer';

/** A connection's client-side 4-tuple. */
export interface ConnId {
  readonly client: number;
  readonly clientPort: number;
  readonly dvipa: number;
  readonly port: number;
}

/** A target app as the routing app sees it. */
export interface TargetInfo {
  readonly app: string;
  readonly stack: string;
  readonly xcf: number;
  readonly port: number;
}

/** Every control message. */
export type ControlMessage =
  | { readonly type: 'REGISTER'; readonly role: 'routing' | 'target'; readonly app: string; readonly stack: string; readonly port: number }
  | { readonly type: 'TARGETS'; readonly targets: readonly TargetInfo[] }
  | { readonly type: 'LISTEN_NOTICE'; readonly stack: string; readonly app: string; readonly port: number; readonly listening: boolean }
  | { readonly type: 'TRANSFER_NOTIFY'; readonly transfer: number; readonly conn: ConnId; readonly targetApp: string; readonly appState: Uint8Array }
  | { readonly type: 'TRANSFER'; readonly transfer: number; readonly fromStack: string; readonly targetApp: string; readonly repair: TcpRepairState; readonly appState: Uint8Array }
  | { readonly type: 'OFFER'; readonly transfer: number; readonly conn: ConnId; readonly fromStack: string; readonly appState: Uint8Array; readonly queuedBytes: number }
  | { readonly type: 'VERDICT'; readonly transfer: number; readonly conn: ConnId; readonly accepted: boolean; readonly reason: string }
  | { readonly type: 'ABORT'; readonly transfer: number; readonly conn: ConnId; readonly reason: string }
  | { readonly type: 'CONN_ENDED'; readonly conn: ConnId; readonly stack: string; readonly reason: string }
  | { readonly type: 'CONN_MOVED'; readonly conn: ConnId; readonly from: string; readonly to: string }
  | { readonly type: 'XCF_DATA'; readonly from: string; readonly seq: number; readonly inner: Uint8Array }
  | { readonly type: 'XCF_ACK'; readonly from: string; readonly seq: number }
  | { readonly type: 'DVIPA_OWNER'; readonly stack: string; readonly reason: string }
  | ConnReport;

/**
 * A stack's answer to a new DVIPA owner (docs/domain.md §1.6: target stacks
 * report their connections so a backup rebuilds the CRT): the apps listening
 * on the DVIPA port, the connections whose TCB it holds, and the ones still in
 * their handshake (a SYN routed there before the owner changed).
 */
export interface ConnReport {
  readonly type: 'CONN_REPORT';
  readonly stack: string;
  readonly listening: readonly { readonly app: string; readonly port: number }[];
  readonly owned: readonly ConnId[];
  readonly halfOpen: readonly ConnId[];
}

const TYPES = ['REGISTER', 'TARGETS', 'LISTEN_NOTICE', 'TRANSFER_NOTIFY', 'TRANSFER', 'OFFER', 'VERDICT', 'ABORT', 'CONN_ENDED', 'CONN_MOVED', 'XCF_DATA', 'XCF_ACK', 'DVIPA_OWNER', 'CONN_REPORT'] as const;
const MAGIC = [0x48, 0x4c, 0x53, 0x58]; // "HLSX"
const MAX_QUEUE_BYTES = 16 * 1024 * 1024;
const MAX_TARGETS = 1024;
/** Connections one report may list (a stack holds at most this many to one DVIPA in the lab). */
const MAX_REPORTED = 1_000_000;

/** Encode a control message as bytes. */
export function encodeControl(m: ControlMessage): Uint8Array {
  const w = new ByteWriter();
  for (const b of MAGIC) w.u8(b);
  w.u8(1).u8(TYPES.indexOf(m.type) + 1);
  switch (m.type) {
    case 'REGISTER':
      w.u8(m.role === 'routing' ? 1 : 2).text(m.app).text(m.stack).u16(m.port);
      break;
    case 'TARGETS':
      w.u16(m.targets.length);
      for (const t of m.targets) w.text(t.app).text(t.stack).u32(t.xcf).u16(t.port);
      break;
    case 'LISTEN_NOTICE':
      w.text(m.stack).text(m.app).u16(m.port).u8(m.listening ? 1 : 0);
      break;
    case 'TRANSFER_NOTIFY':
      writeConn(w.u32(m.transfer), m.conn).text(m.targetApp).blob(m.appState);
      break;
    case 'TRANSFER':
      writeRepair(writeConn(w.u32(m.transfer), connOfRepair(m.repair)).text(m.fromStack).text(m.targetApp), m.repair).blob(m.appState);
      break;
    case 'OFFER':
      writeConn(w.u32(m.transfer), m.conn).text(m.fromStack).blob(m.appState).u32(m.queuedBytes);
      break;
    case 'VERDICT':
      writeConn(w.u32(m.transfer), m.conn).u8(m.accepted ? 1 : 0).text(m.reason);
      break;
    case 'ABORT':
      writeConn(w.u32(m.transfer), m.conn).text(m.reason);
      break;
    case 'CONN_ENDED':
      writeConn(w, m.conn).text(m.stack).text(m.reason);
      break;
    case 'CONN_MOVED':
      writeConn(w, m.conn).text(m.from).text(m.to);
      break;
    case 'XCF_DATA':
      w.text(m.from).u32(m.seq).blob(m.inner);
      break;
    case 'XCF_ACK':
      w.text(m.from).u32(m.seq);
      break;
    case 'DVIPA_OWNER':
      w.text(m.stack).text(m.reason);
      break;
    case 'CONN_REPORT':
      writeReport(w, m);
      break;
  }
  return w.bytes();
}

/** Decode a control message; never throws, the error names the field. */
export function decodeControl(bytes: Uint8Array): { ok: true; message: ControlMessage } | { ok: false; error: string } {
  if (bytes.length < 6 || MAGIC.some((b, i) => bytes[i] !== b)) return { ok: false, error: 'not a sysplex control message (magic "HLSX" missing)' };
  if (bytes[4] !== 1) return { ok: false, error: `unsupported control message version ${bytes[4] ?? '?'}` };
  const type = TYPES[(bytes[5] ?? 0) - 1];
  if (!type) return { ok: false, error: `unknown control message type ${bytes[5] ?? '?'}` };
  const r = new ByteReader(bytes.subarray(6));
  const message = readBody(type, r);
  if (r.failedAt !== null || message === null) return { ok: false, error: `${type}: truncated or invalid at field ${r.failedAt ?? 'state'}` };
  if (r.remaining !== 0) return { ok: false, error: `${type}: ${r.remaining} unexpected trailing bytes` };
  return { ok: true, message };
}

function readBody(type: (typeof TYPES)[number], r: ByteReader): ControlMessage | null {
  switch (type) {
    case 'REGISTER': {
      const role = r.u8('role') === 1 ? 'routing' : 'target';
      return { type, role, app: r.text('app'), stack: r.text('stack'), port: r.u16('port') };
    }
    case 'TARGETS': {
      const n = r.u16('count');
      if (n > MAX_TARGETS) {
        r.failedAt ??= `count (${n} exceeds ${MAX_TARGETS})`;
        return null;
      }
      const targets: TargetInfo[] = [];
      for (let i = 0; i < n && r.failedAt === null; i++) targets.push({ app: r.text(`targets.${i}.app`), stack: r.text(`targets.${i}.stack`), xcf: r.u32(`targets.${i}.xcf`), port: r.u16(`targets.${i}.port`) });
      return { type, targets };
    }
    case 'LISTEN_NOTICE':
      return { type, stack: r.text('stack'), app: r.text('app'), port: r.u16('port'), listening: r.u8('listening') === 1 };
    case 'TRANSFER_NOTIFY':
      return { type, transfer: r.u32('transfer'), conn: readConn(r), targetApp: r.text('targetApp'), appState: r.blob('appState', MAX_QUEUE_BYTES) };
    case 'TRANSFER': {
      const transfer = r.u32('transfer');
      const conn = readConn(r);
      const fromStack = r.text('fromStack');
      const targetApp = r.text('targetApp');
      const repair = readRepair(r);
      if (!repair) return null;
      const placed = { ...repair, localAddress: conn.dvipa, localPort: conn.port, remoteAddress: conn.client, remotePort: conn.clientPort };
      return { type, transfer, fromStack, targetApp, repair: placed, appState: r.blob('appState', MAX_QUEUE_BYTES) };
    }
    case 'OFFER':
      return { type, transfer: r.u32('transfer'), conn: readConn(r), fromStack: r.text('fromStack'), appState: r.blob('appState', MAX_QUEUE_BYTES), queuedBytes: r.u32('queuedBytes') };
    case 'VERDICT':
      return { type, transfer: r.u32('transfer'), conn: readConn(r), accepted: r.u8('accepted') === 1, reason: r.text('reason') };
    case 'ABORT':
      return { type, transfer: r.u32('transfer'), conn: readConn(r), reason: r.text('reason') };
    case 'CONN_ENDED':
      return { type, conn: readConn(r), stack: r.text('stack'), reason: r.text('reason') };
    case 'CONN_MOVED':
      return { type, conn: readConn(r), from: r.text('from'), to: r.text('to') };
    case 'XCF_DATA':
      return { type, from: r.text('from'), seq: r.u32('seq'), inner: r.blob('inner', MAX_QUEUE_BYTES) };
    case 'XCF_ACK':
      return { type, from: r.text('from'), seq: r.u32('seq') };
    case 'DVIPA_OWNER':
      return { type, stack: r.text('stack'), reason: r.text('reason') };
    case 'CONN_REPORT':
      return readReport(r);
  }
}

function writeReport(w: ByteWriter, m: ConnReport): void {
  w.text(m.stack).u16(m.listening.length);
  for (const l of m.listening) w.text(l.app).u16(l.port);
  for (const list of [m.owned, m.halfOpen]) {
    w.u32(list.length);
    for (const c of list) writeConn(w, c);
  }
}

function readReport(r: ByteReader): ConnReport | null {
  const stack = r.text('stack');
  const n = r.u16('listening.count');
  if (n > MAX_TARGETS) {
    r.failedAt ??= `listening.count (${n} exceeds ${MAX_TARGETS})`;
    return null;
  }
  const listening: { app: string; port: number }[] = [];
  for (let i = 0; i < n && r.failedAt === null; i++) listening.push({ app: r.text(`listening.${i}.app`), port: r.u16(`listening.${i}.port`) });
  const owned = readConnList(r, 'owned');
  const halfOpen = readConnList(r, 'halfOpen');
  return owned && halfOpen ? { type: 'CONN_REPORT', stack, listening, owned, halfOpen } : null;
}

/** A u32 count and that many conns; null (and the reader failed) on an absurd count. */
function readConnList(r: ByteReader, field: string): ConnId[] | null {
  const n = r.u32(`${field}.count`);
  if (n > MAX_REPORTED || n * 12 > r.remaining) {
    r.failedAt ??= `${field}.count (${n} connections do not fit)`;
    return null;
  }
  const out: ConnId[] = [];
  for (let i = 0; i < n && r.failedAt === null; i++) out.push(readConn(r));
  return out;
}

/** The client-side 4-tuple of a repair state (the stack's local end is the DVIPA). */
export function connOfRepair(s: TcpRepairState): ConnId {
  return { client: s.remoteAddress, clientPort: s.remotePort, dvipa: s.localAddress, port: s.localPort };
}

function writeConn(w: ByteWriter, c: ConnId): ByteWriter {
  return w.u32(c.client).u16(c.clientPort).u32(c.dvipa).u16(c.port);
}

function readConn(r: ByteReader): ConnId {
  return { client: r.u32('conn.client'), clientPort: r.u16('conn.clientPort'), dvipa: r.u32('conn.dvipa'), port: r.u16('conn.port') };
}

function writeRepair(w: ByteWriter, s: TcpRepairState): ByteWriter {
  w.u8(TCP_STATES.indexOf(s.state)).u8(s.profile === 'linux' ? 1 : 0);
  w.u8(s.options.nagle ? 1 : 0).u8(s.options.delayedAck ? 1 : 0).u16(s.options.mss).u32(s.options.sendBufferBytes).u32(s.options.receiveBufferBytes ?? 0);
  for (const v of [s.iss, s.irs, s.sndUna, s.sndNxt, s.sndMax, s.sndWnd, s.sndWl1, s.sndWl2, s.maxWindow, s.rcvNxt, s.rcvWnd, s.rcvWup]) w.u32(v);
  w.u16(s.sendMss).u16(s.peerMss).u8(s.sndWscale).u8(s.rcvWscale);
  w.u8((s.sackOk ? 1 : 0) | (s.tsOk ? 2 : 0) | (s.finQueued ? 4 : 0) | (s.finReceived ? 8 : 0));
  w.u32(s.tsRecent).u32(s.tsOffset).u32(s.sndDataEnd);
  return w.blob(s.sendQueue).blob(s.receiveQueue);
}

function readRepair(r: ByteReader): TcpRepairState | null {
  const state: TcpState | undefined = TCP_STATES[r.u8('repair.state')];
  const profile = r.u8('repair.profile') === 1 ? 'linux' : 'rfc';
  const nagle = r.u8('repair.nagle') === 1;
  const delayedAck = r.u8('repair.delayedAck') === 1;
  const mss = r.u16('repair.mss');
  const sendBufferBytes = r.u32('repair.sendBuffer');
  const receiveBufferBytes = r.u32('repair.receiveBuffer');
  const names = ['iss', 'irs', 'snd_una', 'snd_nxt', 'snd_max', 'snd_wnd', 'snd_wl1', 'snd_wl2', 'max_window', 'rcv_nxt', 'rcv_wnd', 'rcv_wup'] as const;
  const v = names.map((n) => r.u32(`repair.${n}`));
  const sendMss = r.u16('repair.sendMss');
  const peerMss = r.u16('repair.peerMss');
  const sndWscale = r.u8('repair.sndWscale');
  const rcvWscale = r.u8('repair.rcvWscale');
  const flags = r.u8('repair.flags');
  const tsRecent = r.u32('repair.tsRecent');
  const tsOffset = r.u32('repair.tsOffset');
  const sndDataEnd = r.u32('repair.sndDataEnd');
  const sendQueue = r.blob('repair.sendQueue', MAX_QUEUE_BYTES);
  const receiveQueue = r.blob('repair.receiveQueue', MAX_QUEUE_BYTES);
  if (!state || r.failedAt !== null) return null;
  const [iss, irs, sndUna, sndNxt, sndMax, sndWnd, sndWl1, sndWl2, maxWindow, rcvNxt, rcvWnd, rcvWup] = v as [number, number, number, number, number, number, number, number, number, number, number, number];
  const options = { ...DEFAULT_SOCKET_OPTIONS, nagle, delayedAck, mss, sendBufferBytes, ...(receiveBufferBytes > 0 ? { receiveBufferBytes } : {}) };
  return {
    localAddress: 0,
    localPort: 0,
    remoteAddress: 0,
    remotePort: 0,
    state,
    profile,
    options,
    iss,
    irs,
    sndUna,
    sndNxt,
    sndMax,
    sndWnd,
    sndWl1,
    sndWl2,
    maxWindow,
    rcvNxt,
    rcvWnd,
    rcvWup,
    sendMss,
    peerMss,
    sndWscale,
    rcvWscale,
    sackOk: (flags & 1) !== 0,
    tsOk: (flags & 2) !== 0,
    finQueued: (flags & 4) !== 0,
    finReceived: (flags & 8) !== 0,
    tsRecent,
    tsOffset,
    sndDataEnd,
    sendQueue,
    receiveQueue,
  };
}

/** "client:port>dvipa:port", the connection's name in the trace on every stack. */
export function connName(c: ConnId): string {
  const d = (a: number): string => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
  return `${d(c.client)}:${c.clientPort}>${d(c.dvipa)}:${c.port}`;
}

/** Map key of a connection. */
export function connKey(c: ConnId): string {
  return `${c.client}:${c.clientPort}:${c.dvipa}:${c.port}`;
}
