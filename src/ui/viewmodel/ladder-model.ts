/**
 * The ladder (sequence) diagram as data: one lane per actor (clients, router,
 * stacks with their applications beside them), one row per trace step, and an
 * arrow for every packet from its `packet-send` row to its `packet-deliver` (or
 * `packet-drop`) row. TCP segments are labelled like Wireshark's flow graph and
 * tshark's Info column (relative sequence numbers per connection direction,
 * "[TCP Retransmission]", "[TCP Dup ACK 12#1]", "[TCP ZeroWindow]"); sysplex
 * control datagrams by their control message type.
 *
 * Pure: a function of (run, step, selection). The per-run work — decoding every
 * packet, the TCP analysis, the lanes — is done once per LabRun and cached by
 * object identity, so stepping only filters and positions.
 */
import { asNumber, countUpTo } from './sorted';
import type { DropReason, TraceEntry } from '../../sim/core/trace';
import type { LabRun } from './lab-run';
import type { MessageKind, TcpAnalysis, PacketInfo, PacketHop } from './ladder-packets';
import { type Lane, type RunAnalysis, analyseRun, MAX_CLIENT_LANES, connClient, focusClient } from './ladder-analysis';

export type { MessageKind, TcpAnalysis, PacketInfo, PacketHop } from './ladder-packets';
export { controlLabel } from './ladder-packets';
export type { Lane, RunAnalysis } from './ladder-analysis';
export { analyseRun, roleFromName, MAX_CLIENT_LANES, connClient, clientOfEvent, focusClient } from './ladder-analysis';

// ---------------------------------------------------------------------------
// The ladder at a step
// ---------------------------------------------------------------------------

/** Where an arrow stands at the current step. */
export type ArrowStatus = 'delivered' | 'dropped' | 'in-flight';

/** One arrow of the ladder. */
export interface LadderArrow {
  /** Stable key: "p<packetId>". */
  readonly id: string;
  readonly packetId: number;
  /** The packet-send's index (the packet-duplicate's for a link copy): what a click selects. */
  readonly eventIndex: number;
  /** The packet-deliver's or packet-drop's index, or null. */
  readonly endIndex: number | null;
  readonly fromLane: string;
  /** Receiving lane; null when the trace never says where a dropped packet was going. */
  readonly toLane: string | null;
  readonly kind: MessageKind;
  /** True for a datagram over a loopback interface (app ↔ its stack). */
  readonly loopback: boolean;
  /** Sent over an XCF link (control signalling, or client segments the routing stack forwards). */
  readonly overXcf: boolean;
  readonly label: string;
  readonly analysis: readonly TcpAnalysis[];
  readonly status: ArrowStatus;
  readonly dropReason: DropReason | null;
  /** Row position (see LadderModel.rows) of the send. */
  readonly startRow: number;
  /** Row position of the delivery/drop, or of the current row while in flight. */
  readonly endRow: number;
  /** While in flight: the fraction of the way (by sim time) it has travelled, in [0, 1]. Else 1. */
  readonly progress: number;
  readonly sentAt: number;
  readonly arrivesAt: number | null;
  readonly conn: string | null;
  /** The current step is this arrow's send, delivery or drop. */
  readonly current: boolean;
  readonly selected: boolean;
}

/** A labelled mark on a lane: a transfer step or a TCP state change. */
export interface LadderMarker {
  readonly id: string;
  readonly eventIndex: number;
  readonly lane: string;
  readonly kind: 'transfer' | 'state';
  readonly label: string;
  /** Longer text for the tooltip. */
  readonly detail: string;
  readonly row: number;
  readonly current: boolean;
}

/** One row: a trace step. */
export interface LadderRow {
  readonly eventIndex: number;
  readonly time: number;
  /** False when the time equals the previous row's (the label is left off). */
  readonly newTime: boolean;
  readonly current: boolean;
}

/** The ladder diagram at one step. */
export interface LadderModel {
  readonly step: number;
  readonly lanes: readonly Lane[];
  /** Rows in order; an arrow's startRow/endRow index into this array. */
  readonly rows: readonly LadderRow[];
  readonly arrows: readonly LadderArrow[];
  readonly markers: readonly LadderMarker[];
  /** Position in `rows` of the current step, or null before the first step. */
  readonly currentRow: number | null;
  /** The client whose connection alone is shown, when there are too many clients; else null. */
  readonly focus: string | null;
  /** Rows before the first one drawn (left off to keep the diagram small). */
  readonly omittedRows: number;
  /** A sentence about what is left out, or null. */
  readonly note: string | null;
}

/** Options of buildLadder. */
export interface LadderOptions {
  /** The selected event: picks the focused client when there are more than MAX_CLIENT_LANES. */
  readonly selected?: number | null;
  /** Most rows to draw; older rows are left off. Default 1500. */
  readonly maxRows?: number;
  /** The client whose connection alone is shown when there are more than MAX_CLIENT_LANES (the scale view's choice); wins over the selection's. Ignored when not a client of the run. */
  readonly focus?: string | null;
}

const DEFAULT_MAX_ROWS = 1500;

function laneOfEnd(analysis: RunAnalysis, node: string, port: number | null, kind: MessageKind, loopback: boolean): string {
  if (loopback && kind === 'control' && port !== null) {
    const app = analysis.appPorts.get(`${node}|${port}`);
    if (app !== undefined && analysis.laneIds.has(`app:${node}/${app}`)) return `app:${node}/${app}`;
  }
  return `node:${node}`;
}

/** The ladder at step `step` (−1: before the first step): rows up to the step, and the arrows and markers on them. */
export function buildLadder(run: LabRun, step: number, options: LadderOptions = {}): LadderModel {
  const analysis = analyseRun(run);
  const last = Math.max(-1, Math.min(step, run.events.length - 1));
  const chosen = options.focus !== undefined && options.focus !== null && clientSet(analysis).has(options.focus) ? options.focus : null;
  const focus = analysis.clients.length > MAX_CLIENT_LANES ? (chosen ?? focusClient(run, options.selected ?? null)) : null;
  const view = focusedView(run, analysis, focus);
  const candidates = view.candidates.slice(0, countUpTo(view.candidateStarts, last, asNumber));
  const markerCandidates = view.markers.slice(0, countUpTo(view.markerIndexes, last, asNumber));

  // Rows: every step up to the current one, or (focused) the steps the focused arrows and markers use.
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_MAX_ROWS);
  let rowIndexes: number[];
  let omittedRows: number;
  if (focus === null) {
    // Only the last maxRows steps are drawn: build just those.
    omittedRows = Math.max(0, last + 1 - maxRows);
    rowIndexes = Array.from({ length: last + 1 - omittedRows }, (_, i) => omittedRows + i);
  } else {
    const used = new Set<number>();
    for (const c of candidates) {
      used.add(c.hop.startIndex);
      if (c.hop.endIndex !== null && c.hop.endIndex <= last) used.add(c.hop.endIndex);
    }
    for (const m of markerCandidates) used.add(m.index);
    if (last >= 0) used.add(last);
    rowIndexes = [...used].sort((a, b) => a - b);
    omittedRows = Math.max(0, rowIndexes.length - maxRows);
    if (omittedRows > 0) rowIndexes = rowIndexes.slice(omittedRows);
  }
  const firstShown = rowIndexes[0] ?? 0;
  const rowOf = new Map(rowIndexes.map((index, row) => [index, row]));
  const rows: LadderRow[] = rowIndexes.map((index, row) => {
    const time = run.events[index]?.time ?? 0;
    const previous = row > 0 ? run.events[rowIndexes[row - 1] ?? 0]?.time : undefined;
    return { eventIndex: index, time, newTime: previous !== time, current: index === last };
  });
  const currentRow = last >= 0 ? (rowOf.get(last) ?? null) : null;
  const nowTime = last >= 0 ? (run.events[last]?.time ?? 0) : 0;
  const lastRow = rows.length - 1;

  const arrows: LadderArrow[] = [];
  forEachShown(candidates, view.endChunks, firstShown, ({ hop, info, fromLane, toLane }) => {
    const ended = hop.endIndex !== null && hop.endIndex <= last;
    if (ended && (hop.endIndex ?? 0) < firstShown) return;
    const status: ArrowStatus = ended ? (hop.dropped ? 'dropped' : 'delivered') : 'in-flight';
    const span = hop.endTime === null ? 0 : hop.endTime - hop.startTime;
    const progress = ended ? 1 : span > 0 ? Math.max(0, Math.min(1, (nowTime - hop.startTime) / span)) : 0;
    arrows.push({
      id: `p${hop.packetId}`,
      packetId: hop.packetId,
      eventIndex: hop.startIndex,
      endIndex: hop.endIndex,
      fromLane,
      toLane,
      kind: info.kind,
      loopback: hop.fromIface === 'lo',
      overXcf: hop.fromIface.startsWith('xcf'),
      label: info.label,
      analysis: info.analysis,
      status,
      dropReason: hop.dropReason,
      startRow: rowOf.get(hop.startIndex) ?? -0.5,
      endRow: ended ? (rowOf.get(hop.endIndex ?? -1) ?? lastRow) : lastRow,
      progress,
      sentAt: hop.startTime,
      arrivesAt: hop.endTime,
      conn: info.conn,
      current: hop.startIndex === last || hop.endIndex === last,
      selected: options.selected !== undefined && options.selected !== null && (hop.startIndex === options.selected || hop.endIndex === options.selected),
    });
  });
  // Rows start at firstShown: earlier markers cannot be on one.
  const markers: LadderMarker[] = markerCandidates
    .slice(countUpTo(view.markerIndexes, firstShown - 1, asNumber))
    .filter((m) => rowOf.has(m.index))
    .map((m) => ({ id: `m${m.index}`, eventIndex: m.index, lane: m.lane, kind: m.kind, label: m.label, detail: m.detail, row: rowOf.get(m.index) ?? 0, current: m.index === last }));

  const notes: string[] = [];
  if (focus) notes.push(`${analysis.clients.length} clients: showing only ${focus}'s connection${focus === chosen ? ' (chosen)' : options.selected !== undefined && options.selected !== null ? ' (the selected step’s client)' : ''}; choose another client, or select a step of one, to follow it.`);
  if (omittedRows > 0) notes.push(`The ${omittedRows} earliest rows are not drawn.`);
  return { step: last, lanes: view.lanes, rows, arrows, markers, currentRow, focus, omittedRows, note: notes.length > 0 ? notes.join(' ') : null };
}

const clientSets = new WeakMap<RunAnalysis, ReadonlySet<string>>();
const clientSet = (analysis: RunAnalysis): ReadonlySet<string> => clientSets.get(analysis) ?? clientSets.set(analysis, new Set(analysis.clients)).get(analysis) ?? new Set();

/** A client connection the ladder can be filtered to. */
export interface LadderChoice {
  readonly client: string;
  /** Its first connection ("addr:port>dvipa:port"), or null when it never opened one. */
  readonly conn: string | null;
  /** "client17 · 10.64.0.17:40109 → 10.10.10.10:80". */
  readonly label: string;
}

const choices = new WeakMap<LabRun, readonly LadderChoice[]>();

/** Every client of the run with its first connection (from its TCP machine's first state change), in natural order; cached per run. */
export function ladderChoices(run: LabRun): readonly LadderChoice[] {
  const hit = choices.get(run);
  if (hit) return hit;
  const analysis = analyseRun(run);
  const clients = clientSet(analysis);
  const first = new Map<string, string>();
  for (const e of run.events) {
    if (e.kind === 'state-change' && clients.has(e.node) && e.machine.startsWith('tcp ') && !first.has(e.node)) first.set(e.node, e.machine.slice(4));
  }
  const list = analysis.clients.map((client) => {
    const conn = first.get(client) ?? null;
    return { client, conn, label: conn ? `${client} · ${conn.replace('>', ' → ')}` : client };
  });
  choices.set(run, list);
  return list;
}

/**
 * The arrow and marker candidates of the whole run for one focus (null: everyone), built once: the
 * candidates up to a step are a prefix of them (each depends only on earlier hops), so a step slices
 * instead of re-deciding every hop and entry since the start.
 */
interface FocusedView {
  readonly lanes: readonly Lane[];
  readonly candidates: readonly ArrowCandidate[];
  readonly candidateStarts: readonly number[];
  /** Per chunk of CHUNK candidates, the latest end index (Infinity while one never ends). */
  readonly endChunks: readonly number[];
  readonly markers: readonly MarkerCandidate[];
  readonly markerIndexes: readonly number[];
}

const CHUNK = 128;
const views = new WeakMap<LabRun, Map<string | null, FocusedView>>();

function focusedView(run: LabRun, analysis: RunAnalysis, focus: string | null): FocusedView {
  const perRun = views.get(run) ?? views.set(run, new Map()).get(run) ?? new Map<string | null, FocusedView>();
  const hit = perRun.get(focus);
  if (hit) return hit;
  const lanes = focus ? analysis.lanes.filter((l) => l.role !== 'client' || l.node === focus) : analysis.lanes;
  const laneIds = new Set(lanes.map((l) => l.id));
  const concerns = (conn: string | null): boolean => focus === null || conn === null || connClient(conn, analysis.clientOf) === focus;
  const candidates = arrowCandidates(analysis, Infinity, laneIds, focus !== null, concerns);
  const endChunks: number[] = [];
  candidates.forEach((c, i) => {
    const k = Math.floor(i / CHUNK);
    endChunks[k] = Math.max(endChunks[k] ?? -Infinity, c.hop.endIndex ?? Infinity);
  });
  const markers = markerCandidatesOf(run.events, run.events.length - 1, laneIds, analysis, focus);
  const view = { lanes, candidates, candidateStarts: candidates.map((c) => c.hop.startIndex), endChunks, markers, markerIndexes: markers.map((m) => m.index) };
  perRun.set(focus, view);
  return view;
}

/** Calls `f` on each candidate in order, skipping whole chunks that all ended before the first shown row. */
function forEachShown(candidates: readonly ArrowCandidate[], endChunks: readonly number[], firstShown: number, f: (c: ArrowCandidate) => void): void {
  for (let k = 0; k * CHUNK < candidates.length; k++) {
    if ((endChunks[k] ?? Infinity) < firstShown) continue;
    const end = Math.min(candidates.length, (k + 1) * CHUNK);
    for (let i = k * CHUNK; i < end; i++) {
      const c = candidates[i];
      if (c) f(c);
    }
  }
}

interface ArrowCandidate {
  readonly hop: PacketHop;
  readonly info: PacketInfo;
  readonly fromLane: string;
  readonly toLane: string | null;
}

/** Hops sent by step `last` whose lanes are shown and that concern the focused client (or everyone). */
function arrowCandidates(analysis: RunAnalysis, last: number, laneIds: ReadonlySet<string>, focused: boolean, concerns: (conn: string | null) => boolean): ArrowCandidate[] {
  const out: ArrowCandidate[] = [];
  // XCF_ACKs name no connection: they follow the XCF_DATA they acknowledge (same sender stack and seq).
  const keptXcf = new Set<string>();
  for (const hop of analysis.hops) {
    if (hop.startIndex > last) break;
    const info = analysis.packets.get(hop.packetId);
    if (!info) continue;
    const loopback = hop.fromIface === 'lo';
    const fromLane = laneOfEnd(analysis, hop.fromNode, info.srcPort, info.kind, loopback);
    const toLane = hop.toNode === null ? null : laneOfEnd(analysis, hop.toNode, info.dstPort, info.kind, loopback);
    if (!laneIds.has(fromLane) || (toLane !== null && !laneIds.has(toLane))) continue;
    if (info.xcf?.message === 'XCF_ACK') {
      // Acknowledges the XCF_DATA that its receiver sent with this seq.
      if (focused && !keptXcf.has(`${hop.toNode ?? ''} ${info.xcf.seq}`)) continue;
    } else if (!concerns(info.conn)) continue;
    if (info.xcf?.message === 'XCF_DATA') keptXcf.add(`${hop.fromNode} ${info.xcf.seq}`);
    out.push({ hop, info, fromLane, toLane });
  }
  return out;
}

interface MarkerCandidate {
  readonly index: number;
  readonly lane: string;
  readonly kind: 'transfer' | 'state';
  readonly label: string;
  readonly detail: string;
}

/** Transfer steps on their stack's lane; TCP state changes on their node's lane. */
function markerCandidatesOf(events: readonly TraceEntry[], last: number, laneIds: ReadonlySet<string>, analysis: RunAnalysis, focus: string | null): MarkerCandidate[] {
  const out: MarkerCandidate[] = [];
  for (let i = 0; i <= last; i++) {
    const e = events[i];
    if (!e) continue;
    if (e.kind === 'transfer') {
      if (!laneIds.has(`node:${e.node}`) || (focus !== null && connClient(e.conn, analysis.clientOf) !== focus)) continue;
      out.push({ index: i, lane: `node:${e.node}`, kind: 'transfer', label: `⇄ ${e.phase} ${e.from}→${e.to}`, detail: `Transfer of ${e.conn}: ${e.phase} (${e.from} → ${e.to})${e.detail ? ` — ${e.detail}` : ''}` });
    } else if (e.kind === 'state-change' && e.machine.startsWith('tcp ')) {
      if (!laneIds.has(`node:${e.node}`)) continue;
      const conn = e.machine.slice(4);
      if (focus !== null && connClient(conn, analysis.clientOf) !== focus && e.node !== focus) continue;
      out.push({ index: i, lane: `node:${e.node}`, kind: 'state', label: e.to, detail: `${e.node} ${e.machine}: ${e.from} → ${e.to}${e.cause ? ` (${e.cause})` : ''}` });
    }
  }
  return out;
}
