/**
 * The topology view as data: nodes placed by role in three columns (clients,
 * router, stacks), links with their geometry (XCF links as arcs beside the
 * stack column, loopbacks as small loops), the packets in flight at a display
 * time (topology-flights.ts), and the owner of the focused connection, folded from
 * `tcb` entries up to the step exactly as the one-owner checker defines it.
 *
 * Pure: a function of (run, step, selection, display time). The layout is
 * computed once per LabRun and cached by object identity.
 */
import { asNumber, countUpTo } from './sorted';
import { layoutTopology, type LinkGeometry, type Point } from './topology-layout';
export { AGGREGATE_CLIENTS_ABOVE, CLIENTS_PER_GROUP, COMPACT_CLIENTS, GROUP_HALF_HEIGHT, GROUP_HALF_WIDTH, layoutTopology, pointOnLink, STACK_HALF_HEIGHT, STACK_HALF_WIDTH, type LinkGeometry, type Point, type TopologyLayout } from './topology-layout';
import type { TraceEntry } from '../../sim/core/trace';
import type { LabRun, NodeRole, TopologyLink } from './lab-run';
import { scaleView, type ScaleView } from './topology-aggregate';
import { analyseRun, clientOfEvent, connClient } from './ladder-model';
import { flightsAt, hopChunks, inFlightIndexed, type FlightView, type HopChunks } from './topology-flights';
export { inFlightAt, type FlightView, type PacketShape } from './topology-flights';

/** The shape a node is drawn with (so the role never rests on colour alone). */
export type NodeShape = 'circle' | 'diamond' | 'double-rect' | 'rect' | 'rounded';

/** A placed node. */
export interface TopologyNodeView {
  readonly name: string;
  readonly role: NodeRole;
  readonly shape: NodeShape;
  readonly x: number;
  readonly y: number;
  /** Addresses (tooltip; shown under the name unless the column is compact). */
  readonly addresses: readonly string[];
  /** Role text under the name, e.g. "routing stack"; null for compact clients. */
  readonly caption: string | null;
  /** True when the node is drawn small (many clients). */
  readonly compact: boolean;
  /** The DVIPA this node owns, or null. */
  readonly dvipa: string | null;
  /** The focused connection's TCB lives here. */
  readonly owner: boolean;
  /** The focused client. */
  readonly focus: boolean;
  /** For a client: the step a click selects (its latest step so far, else its first), which focuses the views on it. Else null. */
  readonly selectIndex: number | null;
}

/** A link with its geometry. */
export interface TopologyLinkView {
  readonly id: string;
  readonly kind: TopologyLink['kind'];
  readonly a: string;
  readonly b: string;
  readonly geometry: LinkGeometry;
}

/** Who owns the focused connection at the step. */
export interface OwnerView {
  readonly conn: string;
  readonly client: string | null;
  /** The stack whose TCB it is, or null (not yet established, or closed). */
  readonly owner: string | null;
  /** The owner has frozen (exported) the TCB for a transfer that has not finished. */
  readonly frozen: boolean;
  /** The step that made the owner what it is (−1 when never). */
  readonly since: number;
  /** The ribbon: client → … → owner, along links (not over XCF). Empty when there is no owner. */
  readonly ribbon: readonly Point[];
}

/** The topology at one step. */
export interface TopologyModel {
  readonly width: number;
  readonly height: number;
  readonly step: number;
  /** The display time (µs) the flights are placed at, or null before the first step. */
  readonly timeUs: number | null;
  readonly nodes: readonly TopologyNodeView[];
  readonly links: readonly TopologyLinkView[];
  readonly flights: readonly FlightView[];
  readonly owner: OwnerView | null;
  readonly dvipa: string | null;
  /** The scale view (more than AGGREGATE_CLIENTS_ABOVE clients): client groups with counts, link rates, owned connections per stack; else null. Grouped clients are not in `nodes`. */
  readonly scale: ScaleView | null;
}

/** Options of buildTopology. */
export interface TopologyOptions {
  /** The selected event: picks the focused connection (and highlights its packet). */
  readonly selected?: number | null;
  /** Display time in µs; default the step's time. A UI clock may move it between steps. */
  readonly timeUs?: number;
  /** A client chosen to follow (the scale view's "Connection shown"): it wins over the selection's client. */
  readonly focusClient?: string | null;
}

// ---------------------------------------------------------------------------
// Layout (cached per run)
// ---------------------------------------------------------------------------

/** The last element of the sorted `steps` that is ≤ step, else the first, else null. */
function latestStep(steps: readonly number[] | undefined, step: number): number | null {
  if (!steps || steps.length === 0) return null;
  return steps[countUpTo(steps, step, asNumber) - 1] ?? steps[0] ?? null;
}

// ---------------------------------------------------------------------------
// The owner of a connection
// ---------------------------------------------------------------------------

/**
 * Who owns `conn` after step `step`, from `tcb` entries (as the one-owner
 * checker defines it): `install` makes the node the owner; `export` freezes it
 * (still the owner until another node installs); `release` by the owner clears
 * it, a release by a former owner changes nothing. A rejected or aborted
 * transfer on the owner thaws it.
 */
export function ownerAt(events: readonly TraceEntry[], step: number, conn: string): { owner: string | null; frozen: boolean; since: number } {
  const indexes: number[] = [];
  for (let i = 0; i <= Math.min(step, events.length - 1); i++) indexes.push(i);
  return foldOwner(events, indexes, step, conn);
}

/** ownerAt over the entries at `indexes` (ascending) up to `step`: the per-run index passes only the connection's own. */
function foldOwner(events: readonly TraceEntry[], indexes: readonly number[], step: number, conn: string): { owner: string | null; frozen: boolean; since: number } {
  let owner: string | null = null;
  let frozen = false;
  let since = -1;
  for (const i of indexes) {
    const e = events[i];
    if (i > step) break;
    if (!e || !('conn' in e) || e.conn !== conn) continue;
    if (e.kind === 'tcb') {
      if (e.action === 'install') {
        owner = e.node;
        frozen = false;
        since = i;
      } else if (e.action === 'export' && e.node === owner) frozen = true;
      else if (e.action === 'release' && e.node === owner) {
        owner = null;
        frozen = false;
        since = i;
      }
    } else if (e.kind === 'transfer' && (e.phase === 'rejected' || e.phase === 'aborted') && e.node === owner) frozen = false;
  }
  return { owner, frozen, since };
}

/** What a step needs of the whole trace, indexed once per run. */
interface TopologyIndex {
  /** Connections named in `tcb` entries, in order of first appearance. */
  readonly conns: readonly string[];
  readonly connSet: ReadonlySet<string>;
  /** Each connection's `tcb` and `transfer` entries (what its owner folds from). */
  readonly ownerEntries: ReadonlyMap<string, readonly number[]>;
  /** `tcb install` entries ({index, conn}) per client of the connection ("" for none). */
  readonly installs: ReadonlyMap<string, readonly { index: number; conn: string }[]>;
  readonly allInstalls: readonly { index: number; conn: string }[];
  readonly hopChunks: HopChunks;
  /** Ribbon paths found so far, by "from|to". */
  readonly paths: Map<string, string[]>;
}

const indexes = new WeakMap<LabRun, TopologyIndex>();

function topologyIndex(run: LabRun): TopologyIndex {
  const hit = indexes.get(run);
  if (hit) return hit;
  const analysis = analyseRun(run);
  const conns = connections(run.events);
  const ownerEntries = new Map<string, number[]>();
  const installs = new Map<string, { index: number; conn: string }[]>();
  const allInstalls: { index: number; conn: string }[] = [];
  for (const e of run.events) {
    if (e.kind !== 'tcb' && e.kind !== 'transfer') continue;
    (ownerEntries.get(e.conn) ?? ownerEntries.set(e.conn, []).get(e.conn))?.push(e.index);
    if (e.kind !== 'tcb' || e.action !== 'install') continue;
    const client = connClient(e.conn, analysis.clientOf) ?? '';
    (installs.get(client) ?? installs.set(client, []).get(client))?.push({ index: e.index, conn: e.conn });
    allInstalls.push({ index: e.index, conn: e.conn });
  }
  const index = { conns, connSet: new Set(conns), ownerEntries, installs, allInstalls, hopChunks: hopChunks(analysis.hops), paths: new Map<string, string[]>() };
  indexes.set(run, index);
  return index;
}

/** The last of `list` (ascending by index) with index ≤ step, or undefined. */
function lastUpTo<T extends { index: number }>(list: readonly T[], step: number): T | undefined {
  return list[countUpTo(list, step, (x) => x.index) - 1];
}

/** The connections named in `tcb` entries, in order of first appearance. */
function connections(events: readonly TraceEntry[]): string[] {
  const seen = new Set<string>();
  for (const e of events) if (e.kind === 'tcb') seen.add(e.conn);
  return [...seen];
}

/**
 * The focused connection: a chosen client's latest one installed by the step (else its first); else the
 * selected event's; else the selected event's client's (or the first client's) latest, else first.
 */
export function focusConnection(run: LabRun, step: number, selected: number | null, chosen: string | null = null): { conn: string; client: string | null } | null {
  const analysis = analyseRun(run);
  const index = topologyIndex(run);
  const clientOfConn = (conn: string): string | null => connClient(conn, analysis.clientOf);
  const selectedEvent = selected === null ? undefined : run.events[selected];
  if (chosen !== null && analysis.clients.includes(chosen)) return latestConnection(run, index, step, chosen, clientOfConn);
  if (selectedEvent) {
    const direct = 'conn' in selectedEvent && index.connSet.has(selectedEvent.conn) ? selectedEvent.conn : null;
    const packetConn = 'packetId' in selectedEvent ? analysis.packets.get(selectedEvent.kind === 'packet-duplicate' ? selectedEvent.copyId : selectedEvent.packetId)?.conn : undefined;
    const conn = direct ?? (packetConn && index.connSet.has(packetConn) ? packetConn : null);
    if (conn) return { conn, client: clientOfConn(conn) };
  }
  const client = (selectedEvent ? clientOfEvent(analysis, selectedEvent) : null) ?? analysis.clients[0] ?? null;
  return latestConnection(run, index, step, client, clientOfConn);
}

/** The client's latest install by the step, else its first connection (any client's when null). */
function latestConnection(run: LabRun, index: TopologyIndex, step: number, client: string | null, clientOfConn: (conn: string) => string | null): { conn: string; client: string | null } | null {
  const installs = client === null ? index.allInstalls : (index.installs.get(client) ?? []);
  const latest = lastUpTo(installs, Math.min(step, run.events.length - 1))?.conn ?? null;
  const conn = latest ?? (client === null ? index.conns[0] : index.conns.find((c) => clientOfConn(c) === client)) ?? null;
  return conn === null ? null : { conn, client: clientOfConn(conn) ?? client };
}

/** Shortest path between two nodes over non-XCF, non-loopback links (breadth first; links in run order). */
function pathBetween(links: readonly TopologyLinkView[], from: string, to: string): string[] {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length && head < 10_000; head++) {
    const node = queue[head] ?? '';
    if (node === to) break;
    for (const l of links) {
      if (l.kind === 'xcf' || l.kind === 'loopback') continue;
      const next = l.a === node ? l.b : l.b === node ? l.a : null;
      if (next !== null && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  if (!previous.has(to)) return [];
  const path = [to];
  for (let n = to; n !== from && path.length < 1_000; ) {
    n = previous.get(n) ?? from;
    path.unshift(n);
  }
  return path;
}

/** pathBetween, remembered per run (a breadth-first search over every link is O(nodes × links)). */
function cachedPath(index: TopologyIndex, links: readonly TopologyLinkView[], from: string, to: string): string[] {
  const key = `${from}|${to}`;
  return index.paths.get(key) ?? index.paths.set(key, pathBetween(links, from, to)).get(key) ?? [];
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

const CAPTIONS: Readonly<Record<NodeRole, string>> = {
  client: 'client',
  router: 'router',
  'routing-stack': 'routing stack',
  'target-stack': 'target stack',
  host: 'host',
};

const SHAPES: Readonly<Record<NodeRole, NodeShape>> = {
  client: 'circle',
  router: 'diamond',
  'routing-stack': 'double-rect',
  'target-stack': 'rect',
  host: 'rounded',
};

/** The topology at step `step` (−1: before the first step). */
export function buildTopology(run: LabRun, step: number, options: TopologyOptions = {}): TopologyModel {
  const analysis = analyseRun(run);
  const layout = layoutTopology(run);
  const last = Math.max(-1, Math.min(step, run.events.length - 1));
  const selected = options.selected ?? null;
  const timeUs = options.timeUs ?? (last >= 0 ? (run.events[last]?.time ?? 0) : null);

  const index = topologyIndex(run);
  const focus = focusConnection(run, last, selected, options.focusClient ?? null);
  const ownership = focus ? foldOwner(run.events, index.ownerEntries.get(focus.conn) ?? [], last, focus.conn) : null;
  // A grouped client's links are its group's: the ribbon starts at the group.
  const ribbonStart = focus?.client ? (layout.groupOf.get(focus.client) ?? focus.client) : null;
  const ribbonNodes = ribbonStart && ownership?.owner ? cachedPath(index, layout.links, ribbonStart, ownership.owner) : [];
  const owner: OwnerView | null = focus && ownership
    ? { conn: focus.conn, client: focus.client, owner: ownership.owner, frozen: ownership.frozen, since: ownership.since, ribbon: ribbonNodes.map((n) => layout.positions.get(n) ?? { x: 0, y: 0 }) }
    : null;

  const dvipaOwner = run.topology.dvipaOwner;
  const nodes: TopologyNodeView[] = analysis.nodes
    .filter((n) => layout.positions.has(n.name) && !layout.groupOf.has(n.name))
    .map((n) => {
      const p = layout.positions.get(n.name) ?? { x: 0, y: 0 };
      const compact = n.role === 'client' && layout.compactClients;
      return {
        name: n.name,
        role: n.role,
        shape: SHAPES[n.role],
        x: p.x,
        y: p.y,
        addresses: n.addresses,
        caption: compact ? null : n.role === 'client' ? (n.addresses[0] ?? null) : CAPTIONS[n.role],
        compact,
        dvipa: n.name === dvipaOwner ? run.topology.dvipa : null,
        owner: owner?.owner === n.name,
        focus: focus?.client === n.name,
        selectIndex: n.role === 'client' ? latestStep(layout.clientSteps.get(n.name), last) : null,
      };
    });

  const flights = timeUs === null ? [] : flightsAt(analysis, layout, inFlightIndexed(analysis.hops, index.hopChunks, timeUs), timeUs, selected);
  const scale = scaleView(run, last, timeUs);
  return { width: layout.width, height: layout.height, step: last, timeUs, nodes, links: layout.links, flights, owner, dvipa: run.topology.dvipa, scale };
}
