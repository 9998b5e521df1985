/**
 * Fields of the sysplex control messages (magic "HLSX"), down to every field
 * of the connection transfer message and the application state it carries.
 * Pure; never throws on malformed bytes.
 */
import { TCP_STATES } from '../../sim/tcp/control';
import { seqDiff } from '../../sim/tcp/seq';
import { decodeAppState, type AppState } from '../../sim/sysplex/dialogue/app-state';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { type Field } from './field-tree';
import { hex, setOrNot, printable, ascii, escaped, Region } from './field-reader';

// ---------------------------------------------------------------- sysplex control messages

/** Type codes of src/sim/sysplex/control-messages.ts, from 1. */
export const CONTROL_TYPES = ['REGISTER', 'TARGETS', 'LISTEN_NOTICE', 'TRANSFER_NOTIFY', 'TRANSFER', 'OFFER', 'VERDICT', 'ABORT', 'CONN_ENDED', 'CONN_MOVED', 'XCF_DATA', 'XCF_ACK'] as const;

export function control(b: Uint8Array, start: number, end: number, prefix: string): Field {
  const r = new Region(b, start, end, prefix);
  const type = controlFields(r);
  if (r.left > 0 && !r.stopped) r.rest('trailing', 'Trailing bytes', `${r.left} unexpected trailing bytes`);
  return { id: prefix, label: `Sysplex control message (HLSX)${type ? `: ${type}` : ''}`, offset: start, length: end - start, value: type ?? 'malformed', children: r.fields };
}

/** Dissects one control message in `r`; returns its type name, or null when it is not one. */
function controlFields(r: Region): string | null {
  const magicOk = r.left >= 4 && ascii(r.bytes, r.pos, r.pos + 4) === 'HLSX';
  if (!r.take('magic', 'Magic', 4, (a, z) => JSON.stringify(ascii(r.bytes, a, z)), () => (magicOk ? undefined : 'not "HLSX": not a sysplex control message'))) return null;
  if (!magicOk) {
    r.rest('body', 'Body');
    return null;
  }
  const version = r.num('version', 'Version', 1, String, (v) => (v === 1 ? undefined : `unsupported version ${v}`));
  const code = r.num('type', 'Type', 1, (v) => `${CONTROL_TYPES[v - 1] ?? 'unknown'} (${v})`, (v) => (CONTROL_TYPES[v - 1] ? undefined : `unknown control message type ${v}`));
  const type = code === null ? undefined : CONTROL_TYPES[code - 1];
  if (version !== 1 || type === undefined) {
    if (r.left > 0) r.rest('body', 'Body', 'not dissected: unknown version or type');
    return type ?? null;
  }
  controlBody(r, type);
  return type;
}

function controlBody(r: Region, type: (typeof CONTROL_TYPES)[number]): void {
  const transfer = (): void => void r.num('transfer', 'Transfer', 4, (v) => `#${v}`);
  const appState = (): void => void r.blob('app_state', 'App state', appStateFields);
  switch (type) {
    case 'REGISTER':
      r.num('role', 'Role', 1, (v) => (v === 1 ? 'routing (1)' : v === 2 ? 'target (2)' : `unknown (${v})`));
      r.text('app', 'App');
      r.text('stack', 'Stack');
      r.num('port', 'Port', 2);
      return;
    case 'TARGETS': {
      const n = r.num('count', 'Count', 2, String, (v) => (v > 1024 ? 'more than 1024 targets' : undefined));
      if (n !== null && n > 1024) return r.rest('targets', 'Targets', 'not dissected: too many targets');
      for (let i = 0; i < (n ?? 0) && !r.stopped; i++) {
        r.group(`targets.${i}`, `Target ${i + 1}`, () => [r.text('app', 'App'), r.text('stack', 'Stack'), r.addr('xcf', 'XCF address'), r.num('port', 'Port', 2)] as const, ([app, stack]) => `${app ?? '?'} on ${stack ?? '?'}`);
      }
      return;
    }
    case 'LISTEN_NOTICE':
      r.text('stack', 'Stack');
      r.text('app', 'App');
      r.num('port', 'Port', 2);
      r.num('listening', 'Listening', 1, (v) => (v === 1 ? 'yes' : 'no'));
      return;
    case 'TRANSFER_NOTIFY':
      transfer();
      conn(r);
      r.text('target_app', 'Target app');
      return appState();
    case 'TRANSFER':
      transfer();
      conn(r);
      r.text('from_stack', 'From stack');
      r.text('target_app', 'Target app');
      repair(r);
      return appState();
    case 'OFFER':
      transfer();
      conn(r);
      r.text('from_stack', 'From stack');
      appState();
      r.num('queued_bytes', 'Queued bytes', 4);
      return;
    case 'VERDICT':
      transfer();
      conn(r);
      r.num('accepted', 'Accepted', 1, (v) => (v === 1 ? 'yes' : 'no'));
      r.text('reason', 'Reason');
      return;
    case 'ABORT':
      transfer();
      conn(r);
      r.text('reason', 'Reason');
      return;
    case 'CONN_ENDED':
      conn(r);
      r.text('stack', 'Stack');
      r.text('reason', 'Reason');
      return;
    case 'CONN_MOVED':
      conn(r);
      r.text('from', 'From');
      r.text('to', 'To');
      return;
    case 'XCF_DATA':
      r.text('from', 'From');
      r.num('seq', 'XCF sequence', 4);
      r.blob('inner', 'Inner message', (sub) => controlFields(sub));
      return;
    case 'XCF_ACK':
      r.text('from', 'From');
      r.num('seq', 'XCF sequence', 4);
      return;
  }
}

function conn(r: Region): void {
  r.group('conn', 'Connection', () => [r.addr('client', 'Client'), r.num('client_port', 'Client port', 2), r.addr('dvipa', 'DVIPA'), r.num('port', 'Port', 2)] as const, ([c, cp, d, p]) =>
    c === null || d === null ? '(truncated)' : `${formatIpv4Address(c)}:${cp ?? '?'} → ${formatIpv4Address(d)}:${p ?? '?'}`,
  );
}

/** The TCP_REPAIR fields, in wire order: [id, label]. */
const REPAIR_SEQUENCE = [
  ['iss', 'ISS'],
  ['irs', 'IRS'],
  ['snd_una', 'SND.UNA'],
  ['snd_nxt', 'SND.NXT'],
  ['snd_max', 'SND.MAX'],
  ['snd_wnd', 'SND.WND'],
  ['snd_wl1', 'SND.WL1'],
  ['snd_wl2', 'SND.WL2'],
  ['max_window', 'max_window'],
  ['rcv_nxt', 'RCV.NXT'],
  ['rcv_wnd', 'RCV.WND'],
  ['rcv_wup', 'RCV.WUP (Last.ACK.sent)'],
] as const;

function repair(r: Region): void {
  r.group('repair', 'TCP repair state', () => {
    const state = r.num('state', 'State', 1, (v) => `${TCP_STATES[v] ?? 'unknown'} (${v})`, (v) => (TCP_STATES[v] ? undefined : `no TCP state has index ${v}`));
    r.num('profile', 'Profile', 1, (v) => (v === 1 ? 'linux (1)' : `rfc (${v})`));
    r.num('nagle', 'Nagle', 1, (v) => (v === 1 ? 'on' : 'off'));
    r.num('delayed_ack', 'Delayed ACK', 1, (v) => (v === 1 ? 'on' : 'off'));
    r.num('option_mss', 'Socket MSS option', 2);
    r.num('send_buffer', 'Send buffer', 4, (v) => `${v} bytes`);
    r.num('receive_buffer', 'Receive buffer', 4, (v) => (v === 0 ? 'default (0)' : `${v} bytes`));
    const seqs = new Map<string, number | null>(REPAIR_SEQUENCE.map(([id, label]) => [id, r.num(id, label, 4)]));
    r.num('send_mss', 'Send MSS', 2);
    r.num('peer_mss', 'Peer MSS', 2);
    r.num('snd_wscale', 'Send window scale', 1, (v) => `${v} (multiply by ${2 ** v})`);
    r.num('rcv_wscale', 'Receive window scale', 1, (v) => `${v} (multiply by ${2 ** v})`);
    r.bits('flags', 'Flags', 1, [
      { name: 'reserved', label: 'Reserved', shift: 4, width: 4, check: (v) => (v ? 'reserved bits must be 0' : undefined) },
      { name: 'fin_received', label: 'FIN received', shift: 3, width: 1, show: setOrNot },
      { name: 'fin_queued', label: 'FIN queued', shift: 2, width: 1, show: setOrNot },
      { name: 'timestamps', label: 'Timestamps', shift: 1, width: 1, show: setOrNot },
      { name: 'sack', label: 'SACK permitted', shift: 0, width: 1, show: setOrNot },
    ], (v) => hex(v, 2));
    r.num('ts_recent', 'TS.Recent', 4);
    r.num('ts_offset', 'Timestamp clock offset', 4);
    r.num('snd_data_end', 'Send data end', 4);
    const una = seqs.get('snd_una') ?? null;
    const nxt = seqs.get('snd_nxt') ?? null;
    r.blob('send_queue', 'Send queue', (sub) => {
      const n = sub.left;
      const sent = una === null || nxt === null ? 0 : Math.min(n, Math.max(0, seqDiff(nxt, una)));
      sub.rest('data', 'Data');
      return `${sent} sent-unacked, ${n - sent} unsent`;
    });
    r.blob('receive_queue', 'Receive queue', (sub) => {
      const text = printable(sub.bytes, sub.pos, sub.end) ? escaped(ascii(sub.bytes, sub.pos, sub.end), 60) : null;
      sub.rest('data', 'Data');
      return `unread by the app (peeked ones included)${text ? `: "${text}"` : ''}`;
    });
    return { state: state === null ? null : (TCP_STATES[state] ?? null), sndNxt: nxt, rcvNxt: seqs.get('rcv_nxt') ?? null };
  }, (s) => `${s.state ?? '?'}, SND.NXT ${s.sndNxt ?? '?'}, RCV.NXT ${s.rcvNxt ?? '?'}`);
}

// ---------------------------------------------------------------- app state (src/sim/sysplex/dialogue/app-state.ts)

function appStateFields(r: Region): string {
  const data = r.bytes.subarray(r.pos, r.end);
  const version = r.num('version', 'Version', 1, String, (v) => (v === 1 ? undefined : `unsupported app-state version ${v}`));
  const protocol = r.num('protocol', 'Protocol', 1, (v) => (v === 1 ? 'http (1)' : v === 2 ? 'smtp (2)' : `unknown (${v})`), (v) => (v === 1 || v === 2 ? undefined : `unknown protocol tag ${v}`));
  r.num('exchanges', 'Exchanges', 4);
  if (version === 1 && protocol === 1) {
    optionalString(r, 'user', 'User');
    optionalString(r, 'last_path', 'Last path');
    const n = r.num('cookie_count', 'Cookie count', 2, String, (v) => (v > 64 ? 'more than 64 cookies' : undefined)) ?? 0;
    for (let i = 0; i < n && n <= 64 && !r.stopped; i++) {
      r.group(`cookie${i}`, `Cookie ${i + 1}`, () => [utf8String(r, 'name', 'Name'), utf8String(r, 'value', 'Value')] as const, ([k, v]) => `${k ?? '?'}=${v ?? '?'}`);
    }
  } else if (version === 1 && protocol === 2) {
    r.num('esmtp', 'ESMTP', 1, (v) => (v === 1 ? 'yes (EHLO)' : 'no'), (v) => (v > 1 ? `esmtp flag ${v} is not 0 or 1` : undefined));
    optionalString(r, 'helo', 'HELO argument');
    optionalString(r, 'mail_from', 'MAIL FROM');
    const n = r.num('rcpt_count', 'Recipient count', 2, String, (v) => (v > 100 ? 'more than 100 recipients' : undefined)) ?? 0;
    for (let i = 0; i < n && n <= 100 && !r.stopped; i++) utf8String(r, `rcpt${i}`, `Recipient ${i + 1}`);
  }
  if (r.left > 0 && !r.stopped) r.rest('rest', 'Not dissected', 'unknown app-state layout');
  const decoded = decodeAppState(data);
  return decoded.ok ? describeAppState(decoded.state) : `invalid: ${decoded.error}`;
}

function utf8String(r: Region, name: string, label: string): string | null {
  return r.group(
    name,
    label,
    () => {
      const n = r.num('length', 'Length', 2, String, (v) => (v > 16384 ? 'longer than 16384 bytes' : undefined));
      if (n === null || !r.room(n, label)) return null;
      const s = new TextDecoder().decode(r.bytes.subarray(r.pos, r.pos + n));
      if (n > 0) r.take('text', 'Text', n, () => s);
      return s;
    },
    (s) => (s === null ? '(truncated)' : s === '' ? '(empty)' : s),
  );
}

function optionalString(r: Region, name: string, label: string): void {
  r.group(
    name,
    label,
    () => {
      const present = r.num('present', 'Present', 1, (v) => (v === 1 ? 'yes' : v === 0 ? 'no (null)' : String(v)), (v) => (v > 1 ? `presence byte ${v} is not 0 or 1` : undefined));
      return present === 1 ? utf8String(r, 'value', 'Value') : null;
    },
    (s) => s ?? '(none)',
  );
}


/** One line of a readable summary of transferred app state. */
export function describeAppState(s: AppState): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s.protocol === 'http') {
    const cookies = Object.entries(s.cookies).map(([k, v]) => `${k}=${v}`);
    return `HTTP, ${plural(s.exchanges, 'exchange')}, user ${s.user ?? '(none)'}, last path ${s.lastPath ?? '(none)'}, cookies ${cookies.length > 0 ? cookies.join('; ') : '(none)'}`;
  }
  const e = s.envelope;
  const rcpt = e.rcptTo.length > 0 ? e.rcptTo.map((r) => `<${r}>`).join(', ') : '(none)';
  return `${s.esmtp ? 'ESMTP' : 'SMTP'}, ${plural(s.exchanges, 'exchange')}, HELO ${e.helo ?? '(none)'}, MAIL FROM ${e.mailFrom === null ? '(none)' : `<${e.mailFrom}>`}, RCPT TO ${rcpt}`;
}
