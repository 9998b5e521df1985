/**
 * The TCB transfer diff: for one step of a connection transfer, what moved in
 * the TRANSFER message (the TCP_REPAIR state plus the app state), next to what
 * the old owner's trace said at the freeze and what the client last saw on the
 * wire from the old owner, and why each field must match for the client to
 * notice nothing. Pure: reads a LabRun, decodes packets, never throws.
 */
import type { TraceEntry } from '../../sim/core/trace';
import { connName, connOfRepair, decodeControl, type ControlMessage } from '../../sim/sysplex/control-messages';
import { decodeAppState, type AppStateDecode } from '../../sim/sysplex/dialogue/app-state';
import type { TcpRepairState } from '../../sim/tcp/repair';
import { seqAdd, seqGe, seqGt } from '../../sim/tcp/seq';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { decodeTcp, tcpSegmentLength } from '../../sim/wire/tcp';
import { IpProtocol, TcpFlag, type TcpHeader } from '../../sim/wire/types';
import { decodeUdp } from '../../sim/wire/udp';
import type { LabRun } from './lab-run';
import { analyseRun } from './ladder-analysis';
import { describeAppState, dissect, findField } from './packet-fields';

/** Whether a carried value agrees with what the old owner or the client had. */
export interface Verdict {
  readonly ok: boolean;
  readonly text: string;
}

/** One field of the diff. */
export interface TransferDiffRow {
  /** RFC 9293 / TCP_REPAIR name, e.g. "SND.NXT". */
  readonly field: string;
  /** The value carried in the TRANSFER message. */
  readonly value: string;
  /** The old owner's value at the freeze, when its trace entry says it. */
  readonly atFreeze: string | null;
  /** What the client last saw of it on the wire from the old owner, when a header shows it. */
  readonly onWire: string | null;
  readonly verdict: Verdict | null;
  /** True when the client would notice a different value; false for what the new owner may recompute. */
  readonly mustMatch: boolean;
  /** Why it must match (or why it need not). */
  readonly note: string;
  /** The dissected field in the datagram (packet-fields id), to link the row to its bytes. */
  readonly fieldId: string | null;
}

/** What the old owner's freeze entry says, parsed from its detail text. */
export interface FreezeValues {
  readonly eventIndex: number;
  readonly node: string;
  readonly sndNxt: number | null;
  readonly rcvNxt: number | null;
  readonly peekedBytes: number | null;
  readonly detail: string;
}

/** The diff of one transfer. */
export interface TransferDiff {
  readonly eventIndex: number;
  readonly conn: string;
  readonly from: string;
  readonly to: string;
  readonly freeze: FreezeValues;
  /** The packet-send entry of the TRANSFER datagram and its packet id. */
  readonly sendIndex: number;
  readonly packetId: number;
  /** True when the message travelled inside an XCF_DATA envelope. */
  readonly viaXcfData: boolean;
  readonly transferId: number;
  readonly repair: TcpRepairState;
  readonly appState: AppStateDecode;
  readonly rows: readonly TransferDiffRow[];
}

export type TransferDiffResult = { readonly ok: true; readonly diff: TransferDiff } | { readonly ok: false; readonly error: string };

type TransferMessage = Extract<ControlMessage, { type: 'TRANSFER' }>;
/** A 'transfer' trace entry. */
export type TransferEntry = Extract<TraceEntry, { kind: 'transfer' }>;

/** The transfer diff for the 'transfer' trace entry at `transferEventIndex`. */
export function transferDiff(run: LabRun, transferEventIndex: number): TransferDiffResult {
  const entry = run.events[transferEventIndex];
  if (!entry || entry.kind !== 'transfer') return { ok: false, error: `step ${transferEventIndex} is not a transfer step` };
  const freezeEntry = findFreeze(run.events, entry);
  if (!freezeEntry) return { ok: false, error: `no freeze of ${entry.conn} belongs to step ${transferEventIndex}` };
  const found = findTransferDatagram(run, freezeEntry);
  if (!found) return { ok: false, error: `no TRANSFER datagram for ${entry.conn} follows the freeze at step ${freezeEntry.index}` };
  const { message, sendIndex, packetId, viaXcfData } = found;
  const freeze = parseFreeze(freezeEntry);
  const wire = wireView(run, entry.conn, freezeEntry);
  const bytes = run.packetBytes(packetId);
  const fields = bytes ? dissect(bytes) : [];
  const fieldIdOf = (name: string): string | null => findField(fields, (f) => f.id.endsWith(`.${name}`))?.id ?? null;
  const appState = decodeAppState(message.appState);
  return {
    ok: true,
    diff: {
      eventIndex: transferEventIndex,
      conn: entry.conn,
      from: freezeEntry.from,
      to: freezeEntry.to,
      freeze,
      sendIndex,
      packetId,
      viaXcfData,
      transferId: message.transfer,
      repair: message.repair,
      appState,
      rows: diffRows(message, freeze, wire, appState, fieldIdOf),
    },
  };
}

/** The freeze this step belongs to: the latest one of the connection at or before it, or the next one for the steps that precede a freeze. */
function findFreeze(events: readonly TraceEntry[], entry: TransferEntry): TransferEntry | null {
  const ofConn = (e: TraceEntry | undefined): TransferEntry | null => (e?.kind === 'transfer' && e.conn === entry.conn ? e : null);
  if (entry.phase === 'select' || entry.phase === 'notify-stack') {
    for (let i = entry.index + 1; i < events.length; i++) {
      const e = ofConn(events[i]);
      if (e?.phase === 'freeze') return e;
      if (e?.phase === 'aborted' || e?.phase === 'select') break;
    }
    return null;
  }
  for (let i = entry.index; i >= 0; i--) {
    const e = ofConn(events[i]);
    if (e?.phase === 'freeze') return e;
  }
  return null;
}

/** The first datagram the freezing stack sent on an XCF interface carrying this connection's TRANSFER message. */
function findTransferDatagram(run: LabRun, freeze: TransferEntry): { message: TransferMessage; sendIndex: number; packetId: number; viaXcfData: boolean } | null {
  for (let i = freeze.index + 1; i < run.events.length; i++) {
    const e = run.events[i];
    if (e?.kind !== 'packet-send' || e.node !== freeze.node || !e.iface.startsWith('xcf')) continue;
    const bytes = run.packetBytes(e.packetId);
    const carried = bytes ? transferMessageOf(bytes) : null;
    if (carried && connName(connOfRepair(carried.message.repair)) === freeze.conn) return { ...carried, sendIndex: e.index, packetId: e.packetId };
  }
  return null;
}

/** The TRANSFER message a UDP datagram carries, directly or in an XCF_DATA envelope. */
export function transferMessageOf(bytes: Uint8Array): { message: TransferMessage; viaXcfData: boolean } | null {
  const ip = decodeIpv4(bytes);
  if (!ip.ok || ip.value.header.protocol !== IpProtocol.UDP) return null;
  const udp = decodeUdp(ip.value.payload, ip.value.header.src, ip.value.header.dst);
  if (!udp.ok) return null;
  const outer = decodeControl(udp.value.payload);
  if (!outer.ok) return null;
  if (outer.message.type === 'TRANSFER') return { message: outer.message, viaXcfData: false };
  if (outer.message.type !== 'XCF_DATA') return null;
  const inner = decodeControl(outer.message.inner);
  return inner.ok && inner.message.type === 'TRANSFER' ? { message: inner.message, viaXcfData: true } : null;
}

/** Reads "SND.NXT n, RCV.NXT n, n unread (peeked) bytes" from a freeze entry's detail. */
export function parseFreeze(e: TransferEntry): FreezeValues {
  const detail = e.detail ?? '';
  const num = (re: RegExp): number | null => {
    const m = re.exec(detail);
    return m?.[1] === undefined ? null : Number(m[1]);
  };
  return { eventIndex: e.index, node: e.node, sndNxt: num(/SND\.NXT (\d+)/), rcvNxt: num(/RCV\.NXT (\d+)/), peekedBytes: num(/(\d+) unread/), detail };
}

/** What the client saw: the handshake's options and the old owner's segments before the freeze. */
interface WireView {
  clientSyn: TcpHeader | null;
  serverSyn: TcpHeader | null;
  /** Highest SEG.SEQ + SEG.LEN the old owner sent. */
  sentEnd: number | null;
  last: TcpHeader | null;
}

function wireView(run: LabRun, conn: string, freeze: TransferEntry): WireView {
  const view: WireView = { clientSyn: null, serverSyn: null, sentEnd: null, last: null };
  for (const i of sendsOfConn(run, conn)) {
    if (i >= freeze.index) break;
    const e = run.events[i];
    if (e?.kind !== 'packet-send') continue;
    const bytes = run.packetBytes(e.packetId);
    const ip = bytes ? decodeIpv4(bytes) : null;
    if (!ip?.ok || ip.value.header.protocol !== IpProtocol.TCP) continue;
    const { src, dst } = ip.value.header;
    const tcp = decodeTcp(ip.value.payload, src, dst);
    if (!tcp.ok) continue;
    const h = tcp.value.header;
    const syn = (h.flags & TcpFlag.SYN) !== 0;
    if (connName({ client: src, clientPort: h.srcPort, dvipa: dst, port: h.dstPort }) === conn) {
      if (syn && (h.flags & TcpFlag.ACK) === 0) view.clientSyn ??= h;
    } else if (connName({ client: dst, clientPort: h.dstPort, dvipa: src, port: h.srcPort }) === conn) {
      if (syn) view.serverSyn ??= h;
      if (e.node !== freeze.node) continue;
      const end = seqAdd(h.seq, tcpSegmentLength(h, tcp.value.payload.length));
      view.sentEnd = view.sentEnd === null || seqGt(end, view.sentEnd) ? end : view.sentEnd;
      view.last = h;
    }
  }
  return view;
}

const sendsByConn = new WeakMap<LabRun, Map<string, number[]>>();

/**
 * The packet-send entries whose packet the ladder analysis names `conn` (either way round), ascending:
 * a superset of the connection's segments, so wireView decodes those instead of every packet of the run.
 */
function sendsOfConn(run: LabRun, conn: string): number[] {
  let index = sendsByConn.get(run);
  if (!index) {
    const analysis = analyseRun(run);
    index = new Map();
    for (const h of analysis.hops) {
      const c = h.copy ? null : analysis.packets.get(h.packetId)?.conn;
      if (c) (index.get(c) ?? index.set(c, []).get(c))?.push(h.startIndex);
    }
    sendsByConn.set(run, index);
  }
  const reversed = conn.split('>').reverse().join('>');
  return [...(index.get(conn) ?? []), ...(reversed === conn ? [] : (index.get(reversed) ?? []))].sort((a, b) => a - b);
}

const option = <K extends TcpHeader['options'][number]['kind']>(h: TcpHeader | null, kind: K): Extract<TcpHeader['options'][number], { kind: K }> | undefined =>
  h?.options.find((o): o is Extract<TcpHeader['options'][number], { kind: K }> => o.kind === kind);

const same = (carried: number | boolean, seen: number | boolean | null | undefined, what: string): Verdict | null =>
  seen === null || seen === undefined ? null : { ok: carried === seen, text: carried === seen ? `matches ${what}` : `differs from ${what}` };

function diffRows(m: TransferMessage, freeze: FreezeValues, wire: WireView, appState: AppStateDecode, fieldIdOf: (name: string) => string | null): TransferDiffRow[] {
  const s = m.repair;
  const last = wire.last;
  const lastTs = option(last, 'timestamps');
  const sentUnacked = Math.max(0, Math.min(s.sendQueue.length, (s.sndNxt - s.sndUna) >>> 0));
  const bothSyn = <T>(get: (h: TcpHeader) => T): [T, T] | null => (wire.clientSyn && wire.serverSyn ? [get(wire.clientSyn), get(wire.serverSyn)] : null);
  const agreed = (kind: 'sack-permitted' | 'timestamps'): boolean | null => bothSyn((h) => option(h, kind) !== undefined)?.every(Boolean) ?? null;
  const rightEdge = last ? seqAdd(last.ack, last.window * 2 ** s.rcvWscale) : null;
  const row = (field: string, value: string | number, mustMatch: boolean, note: string, extra: Partial<Pick<TransferDiffRow, 'atFreeze' | 'onWire' | 'verdict' | 'fieldId'>> = {}): TransferDiffRow => ({
    field,
    value: String(value),
    atFreeze: null,
    onWire: null,
    verdict: null,
    mustMatch,
    note,
    fieldId: null,
    ...extra,
  });
  const freezeCheck = (carried: number, atFreeze: number | null): Pick<TransferDiffRow, 'atFreeze' | 'verdict'> => ({ atFreeze: atFreeze === null ? null : String(atFreeze), verdict: same(carried, atFreeze, 'the freeze') });
  const peerWscale = option(wire.clientSyn, 'wscale')?.shift;
  const ourWscale = option(wire.serverSyn, 'wscale')?.shift;
  return [
    row('State', s.state, true, 'The new owner resumes in the same RFC 9293 state; in any other it would answer the next segment differently (an RST, or a SYN-ACK).', { fieldId: fieldIdOf('repair.state') }),
    row('ISS / IRS', `${s.iss} / ${s.irs}`, false, 'Fixed by the handshake. The client never sees them again; they anchor the byte offsets of both streams.', { fieldId: fieldIdOf('repair.iss') }),
    row('SND.UNA', s.sndUna, true, "The oldest byte the client has not acknowledged: the new owner must accept the client's next ACK, which lies between SND.UNA and SND.NXT.", { fieldId: fieldIdOf('repair.snd_una') }),
    row('SND.NXT', s.sndNxt, true, 'The next byte the client expects: sending from any other number looks like a gap or a duplicate to the client.', {
      ...freezeCheck(s.sndNxt, freeze.sndNxt),
      onWire: wire.sentEnd === null ? null : `${wire.sentEnd} (last SEG.SEQ + SEG.LEN sent)`,
      verdict: combine(same(s.sndNxt, freeze.sndNxt, 'the freeze'), same(s.sndNxt, wire.sentEnd, 'the wire')),
      fieldId: fieldIdOf('repair.snd_nxt'),
    }),
    row('SND.MAX', s.sndMax, true, 'The highest sequence number sent: ACKs up to it are acceptable, not "ACKs of unsent data" that would draw a challenge ACK.', { fieldId: fieldIdOf('repair.snd_max') }),
    row('SND.WND', s.sndWnd, true, "The client's last advertised window, scaled: the new owner must not send more than the client can buffer.", { fieldId: fieldIdOf('repair.snd_wnd') }),
    row('SND.WL1 / SND.WL2', `${s.sndWl1} / ${s.sndWl2}`, true, "Sequence and acknowledgment numbers of the last window update: they decide whether a later segment may update SND.WND (RFC 9293 §3.10.7.4), so an old segment cannot shrink the window.", { fieldId: fieldIdOf('repair.snd_wl1') }),
    row('max_window', s.maxWindow, false, "The largest window the client ever offered; checked when the state is restored (Linux tcp_repair_set_window: max_window ≥ SND.WND).", { fieldId: fieldIdOf('repair.max_window') }),
    row('RCV.NXT', s.rcvNxt, true, 'The next ACK the client sees must not go back: an ACK below RCV.NXT is a duplicate ACK to the client, and three of them make it retransmit needlessly.', {
      ...freezeCheck(s.rcvNxt, freeze.rcvNxt),
      onWire: last ? `${last.ack} (last ACK sent)` : null,
      verdict: combine(same(s.rcvNxt, freeze.rcvNxt, 'the freeze'), last ? { ok: seqGe(s.rcvNxt, last.ack), text: seqGe(s.rcvNxt, last.ack) ? 'not behind the last ACK' : 'behind the last ACK' } : null),
      fieldId: fieldIdOf('repair.rcv_nxt'),
    }),
    row('RCV.WND', s.rcvWnd, true, 'The advertised right edge RCV.NXT + RCV.WND must not move left: RFC 9293 §3.8.6 forbids shrinking the window the client was offered.', {
      onWire: last && rightEdge !== null ? `${last.window} × 2^${s.rcvWscale} from ${last.ack} (right edge ${rightEdge})` : null,
      verdict: rightEdge === null ? null : { ok: seqGe(seqAdd(s.rcvNxt, s.rcvWnd), rightEdge), text: seqGe(seqAdd(s.rcvNxt, s.rcvWnd), rightEdge) ? 'right edge not moved left' : 'right edge moved left' },
      fieldId: fieldIdOf('repair.rcv_wnd'),
    }),
    row('RCV.WUP (Last.ACK.sent)', s.rcvWup, true, 'RCV.NXT as last acknowledged: it decides when a window update is due and which timestamp to keep as TS.Recent (RFC 7323 §4.3).', {
      onWire: last ? `${last.ack} (last ACK sent)` : null,
      verdict: same(s.rcvWup, last?.ack, 'the last ACK'),
      fieldId: fieldIdOf('repair.rcv_wup'),
    }),
    row('MSS (send / peer)', `${s.sendMss} / ${s.peerMss}`, true, 'The client announced its MSS once, in its SYN; larger segments from the new owner could be dropped on the way.', {
      onWire: option(wire.clientSyn, 'mss') ? `client's SYN: ${option(wire.clientSyn, 'mss')?.mss}` : null,
      verdict: same(s.peerMss, option(wire.clientSyn, 'mss')?.mss, "the client's SYN"),
      fieldId: fieldIdOf('repair.send_mss'),
    }),
    row('Window scale (send / receive)', `${s.sndWscale} / ${s.rcvWscale}`, true, 'Shifts agreed only on the SYNs (RFC 7323 §2.3): with another shift the new owner would read the client\'s windows, and advertise its own, wrong by a factor of 2^n.', {
      onWire: peerWscale === undefined || ourWscale === undefined ? null : `SYN ${peerWscale}, SYN-ACK ${ourWscale}`,
      verdict: peerWscale === undefined || ourWscale === undefined ? null : same(s.sndWscale * 16 + s.rcvWscale, peerWscale * 16 + ourWscale, 'the handshake'),
      fieldId: fieldIdOf('repair.snd_wscale'),
    }),
    row('SACK permitted', s.sackOk ? 'yes' : 'no', true, 'Agreed in the SYNs: the new owner must keep accepting SACK blocks from the client, and the client keeps sending them.', {
      onWire: agreed('sack-permitted') === null ? null : agreed('sack-permitted') ? 'both SYNs' : 'not in both SYNs',
      verdict: same(s.sackOk, agreed('sack-permitted'), 'the handshake'),
      fieldId: fieldIdOf('repair.flags'),
    }),
    row('Timestamps', s.tsOk ? 'yes' : 'no', true, 'Agreed in the SYNs: once on, every segment must carry the option (RFC 7323 §3.2), or the client may drop it.', {
      onWire: agreed('timestamps') === null ? null : agreed('timestamps') ? 'both SYNs' : 'not in both SYNs',
      verdict: same(s.tsOk, agreed('timestamps'), 'the handshake'),
      fieldId: fieldIdOf('repair.flags'),
    }),
    row('TS.Recent', s.tsRecent, true, "Echoed in TSecr: going back would spoil the client's RTT samples; PAWS on the new owner (RFC 7323 §5) compares the client's TSvals with it.", {
      onWire: lastTs ? `${lastTs.tsEcr} (last TSecr sent)` : null,
      verdict: lastTs ? { ok: seqGe(s.tsRecent, lastTs.tsEcr), text: seqGe(s.tsRecent, lastTs.tsEcr) ? 'not behind the last TSecr' : 'behind the last TSecr' } : null,
      fieldId: fieldIdOf('repair.ts_recent'),
    }),
    row('Timestamp clock offset', s.tsOffset, true, "TSval = clock + offset: carrying the offset keeps the server's TSvals rising, so the client's PAWS check never drops a segment as old.", {
      onWire: lastTs ? `${lastTs.tsVal} (last TSval sent)` : null,
      fieldId: fieldIdOf('repair.ts_offset'),
    }),
    row('Send queue', `${s.sendQueue.length} bytes (${sentUnacked} sent-unacked, ${s.sendQueue.length - sentUnacked} unsent)`, true, 'Bytes from SND.UNA on: the sent-unacked ones must be retransmittable by the new owner, the unsent ones must still reach the client, in order.', {
      fieldId: fieldIdOf('repair.send_queue'),
    }),
    row('Receive queue', `${s.receiveQueue.length} bytes`, true, 'Bytes the client sent and saw acknowledged but the routing app only peeked at: the client will never send them again, so they must travel.', {
      ...freezeCheck(s.receiveQueue.length, freeze.peekedBytes),
      fieldId: fieldIdOf('repair.receive_queue'),
    }),
    row('FIN queued / received', `${s.finQueued ? 'yes' : 'no'} / ${s.finReceived ? 'yes' : 'no'}`, true, 'Whether either side has already closed its stream: a lost FIN would leave the client waiting forever.', { fieldId: fieldIdOf('repair.flags') }),
    row('App state', appState.ok ? describeAppState(appState.state) : `undecodable: ${appState.error}`, true, 'What the routing app learned from the client (user, cookies, envelope), so the target app answers as if it had served the client from the start.', {
      fieldId: fieldIdOf('app_state'),
    }),
    row('cwnd, ssthresh, RTT, timers', 'not carried', false, "The new owner recomputes them (initial window, fresh RTT estimate): they are the sender's private estimates and the client cannot see them."),
  ];
}

function combine(...verdicts: (Verdict | null)[]): Verdict | null {
  const known = verdicts.filter((v): v is Verdict => v !== null);
  if (known.length === 0) return null;
  return { ok: known.every((v) => v.ok), text: known.map((v) => v.text).join('; ') };
}
