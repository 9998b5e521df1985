/**
 * The scale view's numbers: for each client group, how many of its
 * connections are in each phase at a step; for each stack, how many
 * connections it owns; for each drawn link, the packets in flight and the
 * packet and byte rates over a trailing window of simulated time.
 *
 * Pure, and indexed once per run (cached by LabRun identity) so that a step
 * costs a few binary searches — O(groups · log n) — never a pass over the trace:
 *  - phases and owners change at a handful of entries per connection; each
 *    change is a delta on a (row, column) counter, and the counters after
 *    every change are stored as one row of a prefix table, so the counts at a
 *    step are the row of the last change at or before it;
 *  - each drawn link keeps its hops' send and arrival times sorted, with a
 *    running byte sum, so "in flight at t" and "sent in (t − W, t]" are
 *    differences of two binary searches.
 */
import { countUpTo } from './sorted';
import type { TraceEntry } from '../../sim/core/trace';
import type { LabRun } from './lab-run';
import { analyseRun, connClient } from './ladder-model';
import { layoutTopology, type ClientGroup, type TopologyLayout } from './topology-layout';

/**
 * Rates are averaged over the last 100 ms of simulated time, (t − 100 ms, t]. A client dialogue in
 * the scale scenario takes ≈ 210 ms over 40 ms round trips, so the window spans a couple of round
 * trips: long enough that a rate does not flicker with each burst of segments, short enough to follow
 * the ramp up and down of the run. Before 100 ms of the run have passed the window is still 100 ms
 * (the rate is what the traffic so far would average over it, so it grows in from zero).
 */
export const RATE_WINDOW_US = 100_000;

/** Where a client connection is at a step, from its latest phase entry. */
export type ConnPhase = 'handshake' | 'connected' | 'transferred' | 'closed';
export const CONN_PHASES: readonly ConnPhase[] = ['handshake', 'connected', 'transferred', 'closed'];

/** Connections of a group in each phase. */
export type PhaseCounts = Readonly<Record<ConnPhase, number>>;

/** A client group with its counts at a step. */
export interface GroupView extends ClientGroup {
  readonly counts: PhaseCounts;
}

/** What crosses one drawn link at a display time. */
export interface LinkStats {
  readonly link: string;
  /** Packets sent on the link at or before t that arrive (or are lost) after t. */
  readonly inFlight: number;
  /** Packets sent on the link in the trailing window, per second. */
  readonly packetsPerSecond: number;
  /** Their IP bytes, per second. */
  readonly bytesPerSecond: number;
}

/** The scale view's numbers at a step and display time. */
export interface ScaleView {
  readonly groups: readonly GroupView[];
  readonly links: readonly LinkStats[];
  /** Connections each stack owns (a TCB installed and not released), every stack listed. */
  readonly owned: ReadonlyMap<string, number>;
  readonly windowUs: number;
}

/**
 * The phase an entry moves a client connection into, if any: the client's TCP machine entering
 * SYN-SENT (handshake), ESTABLISHED (connected), TIME-WAIT or CLOSED (closed); a transfer committed
 * for it (transferred). Exported so tests can count by brute force with the same definition.
 */
export function phaseOf(e: TraceEntry, clients: ReadonlySet<string>): { conn: string; phase: ConnPhase } | null {
  if (e.kind === 'transfer') return e.phase === 'committed' ? { conn: e.conn, phase: 'transferred' } : null;
  if (e.kind !== 'state-change' || !clients.has(e.node) || !e.machine.startsWith('tcp ')) return null;
  const conn = e.machine.slice(4);
  if (e.to === 'SYN-SENT') return { conn, phase: 'handshake' };
  if (e.to === 'ESTABLISHED') return { conn, phase: 'connected' };
  if (e.to === 'TIME-WAIT' || e.to === 'CLOSED') return { conn, phase: 'closed' };
  return null;
}

/**
 * Counters that change at some trace entries: `rows[k]` holds every counter after the k-th change
 * (row 0: all zero), and `at[k]` the index of the entry that made it, so the counters after step s
 * are row countUpTo(at, s).
 */
interface PrefixTable {
  readonly width: number;
  readonly at: number[];
  readonly rows: Int32Array;
}

class PrefixBuilder {
  private readonly current: Int32Array;
  private readonly at: number[] = [];
  private readonly chunks: Int32Array[] = [];
  constructor(readonly width: number) {
    this.current = new Int32Array(width);
  }
  /** Moves one unit from column `from` to column `to` (either may be null) at entry `index`. */
  move(index: number, from: number | null, to: number | null): void {
    if (from === to) return;
    if (from !== null) this.current[from] = (this.current[from] ?? 0) - 1;
    if (to !== null) this.current[to] = (this.current[to] ?? 0) + 1;
    this.at.push(index);
    this.chunks.push(this.current.slice());
  }
  build(): PrefixTable {
    const rows = new Int32Array((this.chunks.length + 1) * this.width);
    this.chunks.forEach((row, k) => rows.set(row, (k + 1) * this.width));
    return { width: this.width, at: this.at, rows };
  }
}

/** The counters after step `step` (a view into the table, not a copy). */
function rowAt(table: PrefixTable, step: number): Int32Array {
  const k = countUpTo(table.at, step, (x) => x);
  return table.rows.subarray(k * table.width, (k + 1) * table.width);
}

/** One drawn link's hops as sorted times, for counting by binary search. */
export interface LinkTimes {
  readonly link: string;
  /** Send times, ascending. */
  readonly starts: Float64Array;
  /** bytesBefore[k]: bytes of the first k sends (in `starts` order). */
  readonly bytesBefore: Float64Array;
  /** Arrival (or loss) times, ascending. */
  readonly ends: Float64Array;
}

/** What a step needs, built once per run. */
interface AggregateIndex {
  readonly layout: TopologyLayout;
  readonly phases: PrefixTable;
  readonly owners: PrefixTable;
  readonly stacks: readonly string[];
  readonly links: readonly LinkTimes[];
}

const indexes = new WeakMap<LabRun, AggregateIndex>();

function aggregateIndex(run: LabRun): AggregateIndex {
  const hit = indexes.get(run);
  if (hit) return hit;
  const layout = layoutTopology(run);
  const analysis = analyseRun(run);
  const stacks = analysis.nodes.filter((n) => n.role === 'routing-stack' || n.role === 'target-stack').map((n) => n.name);
  const index = { layout, phases: phaseTable(run, layout), owners: ownerTable(run.events, stacks), stacks, links: linkTimes(run, layout) };
  indexes.set(run, index);
  return index;
}

/** Columns: group g's phase p is column g · 4 + p. */
function phaseTable(run: LabRun, layout: TopologyLayout): PrefixTable {
  const analysis = analyseRun(run);
  const clients = new Set(analysis.clients);
  const groupIndex = new Map(layout.groups.map((g, i) => [g.id, i]));
  const builder = new PrefixBuilder(layout.groups.length * CONN_PHASES.length);
  const column = new Map<string, number>();
  for (const e of run.events) {
    const change = phaseOf(e, clients);
    if (!change) continue;
    const client = connClient(change.conn, analysis.clientOf);
    const group = client === null ? undefined : groupIndex.get(layout.groupOf.get(client) ?? '');
    if (group === undefined) continue;
    const to = group * CONN_PHASES.length + CONN_PHASES.indexOf(change.phase);
    builder.move(e.index, column.get(change.conn) ?? null, to);
    column.set(change.conn, to);
  }
  return builder.build();
}

/** Owners as the one-owner checker folds them: `install` makes the node the owner, `release` by the owner clears it. */
function ownerTable(events: readonly TraceEntry[], stacks: readonly string[]): PrefixTable {
  const column = new Map(stacks.map((s, i) => [s, i]));
  const builder = new PrefixBuilder(stacks.length);
  const owner = new Map<string, string>();
  for (const e of events) {
    if (e.kind !== 'tcb') continue;
    const current = owner.get(e.conn);
    if (e.action === 'install') {
      builder.move(e.index, column.get(current ?? '') ?? null, column.get(e.node) ?? null);
      owner.set(e.conn, e.node);
    } else if (e.action === 'release' && e.node === current) {
      builder.move(e.index, column.get(current) ?? null, null);
      owner.delete(e.conn);
    }
  }
  return builder.build();
}

/** Every drawn link's hops (those that ever arrive or are lost), by the link the layout draws them on. */
function linkTimes(run: LabRun, layout: TopologyLayout): LinkTimes[] {
  const analysis = analyseRun(run);
  const byLink = new Map<string, { start: number; end: number; bytes: number }[]>();
  for (const h of analysis.hops) {
    const link = layout.linkOf.get(`${h.fromNode}|${h.fromIface}`);
    if (!link || h.endTime === null) continue;
    const hops = byLink.get(link.id) ?? byLink.set(link.id, []).get(link.id);
    hops?.push({ start: h.startTime, end: h.endTime, bytes: run.packetBytes(h.packetId)?.length ?? 0 });
  }
  return layout.links.map((l) => indexLinkHops(l.id, byLink.get(l.id) ?? []));
}

/** A link's hops (send time, arrival or loss time ≥ send, IP bytes) indexed for statsAt. */
export function indexLinkHops(link: string, hops: readonly { start: number; end: number; bytes: number }[]): LinkTimes {
  const sorted = [...hops].sort((a, b) => a.start - b.start);
  const bytesBefore = new Float64Array(sorted.length + 1);
  sorted.forEach((h, k) => (bytesBefore[k + 1] = (bytesBefore[k] ?? 0) + h.bytes));
  return { link, starts: Float64Array.from(sorted, (h) => h.start), bytesBefore, ends: Float64Array.from(sorted, (h) => h.end).sort() };
}

/** How many of the ascending `xs` are ≤ value. */
function countAtMost(xs: Float64Array, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? Infinity) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A link's in-flight count and rates at display time t. */
export function statsAt(times: LinkTimes, t: number, windowUs = RATE_WINDOW_US): LinkStats {
  const sent = countAtMost(times.starts, t);
  const before = countAtMost(times.starts, t - windowUs);
  const perSecond = 1_000_000 / windowUs;
  return {
    link: times.link,
    // end ≥ start for every hop, so the hops ended by t are among those sent by t.
    inFlight: sent - countAtMost(times.ends, t),
    packetsPerSecond: (sent - before) * perSecond,
    bytesPerSecond: ((times.bytesBefore[sent] ?? 0) - (times.bytesBefore[before] ?? 0)) * perSecond,
  };
}

/** The scale view at step `step` and display time `timeUs` (null: before the first step), or null when the clients are not grouped. */
export function scaleView(run: LabRun, step: number, timeUs: number | null): ScaleView | null {
  const index = aggregateIndex(run);
  if (index.layout.groups.length === 0) return null;
  const phases = rowAt(index.phases, step);
  const groups = index.layout.groups.map((g, i) => {
    const at = (p: number): number => phases[i * CONN_PHASES.length + p] ?? 0;
    return { ...g, counts: { handshake: at(0), connected: at(1), transferred: at(2), closed: at(3) } };
  });
  const owners = rowAt(index.owners, step);
  const owned = new Map(index.stacks.map((s, i) => [s, owners[i] ?? 0]));
  const links = timeUs === null ? [] : index.links.map((l) => statsAt(l, timeUs));
  return { groups, links, owned, windowUs: RATE_WINDOW_US };
}

/** 7,200 → "7.2k", 950 → "950", 0 → "0": three significant figures at most. */
export function compactNumber(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 1_000_000) return `${Number((n / 1_000).toPrecision(n < 10_000 ? 2 : 3))}k`;
  return `${Number((n / 1_000_000).toPrecision(n < 10_000_000 ? 2 : 3))}M`;
}

/** A link's label: "152 in flight · 7.2k pkt/s · 671k B/s". */
export function linkStatsText(s: LinkStats): string {
  return `${s.inFlight} in flight · ${compactNumber(s.packetsPerSecond)} pkt/s · ${compactNumber(s.bytesPerSecond)} B/s`;
}

/** A group's counts in words, for its accessible name. */
export function groupText(g: GroupView): string {
  const c = g.counts;
  return `${g.label}: ${g.clients.length} clients; ${c.handshake} in handshake, ${c.connected} connected, ${c.transferred} transferred, ${c.closed} closed`;
}
