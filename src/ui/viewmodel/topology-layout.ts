/**
 * Where the topology's parts go, once per run: nodes in three columns by role
 * (clients, router, stacks), links with their geometry (XCF links as arcs
 * beside the stack column, loopbacks as small loops), and points along a link.
 * Pure; cached by LabRun identity.
 */
import type { TraceEntry } from '../../sim/core/trace';
import type { LabRun, NodeRole, TopologyLink } from './lab-run';
import { analyseRun, type RunAnalysis } from './ladder-model';
import type { TopologyLinkView } from './topology-model';

/** A point in the view's coordinates (SVG user units). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** How a link is drawn. */
export type LinkGeometry =
  | { readonly type: 'line'; readonly from: Point; readonly to: Point }
  /** Quadratic Bézier from `from` to `to` bending towards `control`. */
  | { readonly type: 'arc'; readonly from: Point; readonly control: Point; readonly to: Point }
  /** A small circle touching the node at `anchor`. */
  | { readonly type: 'loop'; readonly anchor: Point; readonly center: Point; readonly radius: number };

const WIDTH = 820;
const CLIENT_X = 90;
const ROUTER_X = 330;
const STACK_X = 600;
const TOP = 56;
const BOTTOM = 56;
const MIN_HEIGHT = 380;
/** Half the width of a stack's box: XCF arcs leave from its right edge. */
export const STACK_HALF_WIDTH = 45;
/** Half the height of a stack's box. */
export const STACK_HALF_HEIGHT = 20;
/** Clients beyond this count are drawn compactly (small marks, name only). */
export const COMPACT_CLIENTS = 8;
/**
 * Above this many clients the topology draws them as groups of CLIENTS_PER_GROUP, labelled with counts,
 * and their links as one aggregate link per group (the scale view). Why 64: the compact column keeps
 * clients at least 14 units apart, so 64 of them already fill ≈ 900 units, a laptop screen's height at
 * the view's scale; past that the marks are too small and too many to pick by eye — a person reads
 * counts, not dots — and every client is one more SVG node and link to lay out on each step.
 */
export const AGGREGATE_CLIENTS_ABOVE = 64;
/** Clients per group node in the scale view: round hundreds read easily ("client101–client200"). */
export const CLIENTS_PER_GROUP = 100;
/** Half the width and height of a client group's box (room for its name and a line of counts). */
export const GROUP_HALF_WIDTH = 80;
export const GROUP_HALF_HEIGHT = 22;
const GROUP_GAP = 62;

/** A group of clients drawn as one node in the scale view. */
export interface ClientGroup {
  /** "clients:<n>", n from 0 in order. */
  readonly id: string;
  /** "client1–client100". */
  readonly label: string;
  readonly clients: readonly string[];
  readonly x: number;
  readonly y: number;
}

/** The cached placement of a run’s nodes and links. */
export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly positions: ReadonlyMap<string, Point>;
  readonly roles: ReadonlyMap<string, NodeRole>;
  readonly links: readonly TopologyLinkView[];
  readonly linkOf: ReadonlyMap<string, TopologyLinkView>;
  readonly compactClients: boolean;
  /** Each client's steps (events on its node), in order. */
  readonly clientSteps: ReadonlyMap<string, readonly number[]>;
  /** Client groups when there are more than AGGREGATE_CLIENTS_ABOVE clients, else empty. */
  readonly groups: readonly ClientGroup[];
  /** Client → its group's id (empty when not aggregated). */
  readonly groupOf: ReadonlyMap<string, string>;
}

const layouts = new WeakMap<LabRun, TopologyLayout>();

const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Spread `count` items over [top, top + span], centred when they need less. */
function column(count: number, top: number, span: number, gap: number): number[] {
  const used = (count - 1) * gap;
  const start = top + Math.max(0, (span - used) / 2);
  return Array.from({ length: count }, (_, i) => start + i * gap);
}

/** Where every node goes: clients left (stacked), routers in the middle, routing stack then target stacks (then other hosts) right. */
export function layoutTopology(run: LabRun): TopologyLayout {
  const hit = layouts.get(run);
  if (hit) return hit;
  const analysis = analyseRun(run);
  const layout = computeLayout(analysis, run.events);
  layouts.set(run, layout);
  return layout;
}

function computeLayout(analysis: RunAnalysis, events: readonly TraceEntry[]): TopologyLayout {
  const byRole = (role: NodeRole): string[] => analysis.nodes.filter((n) => n.role === role).map((n) => n.name).sort(naturalCompare);
  const clients = byRole('client');
  const routers = byRole('router');
  const right = [...byRole('routing-stack'), ...byRole('target-stack'), ...byRole('host')];
  const compactClients = clients.length > COMPACT_CLIENTS;
  const aggregate = clients.length > AGGREGATE_CLIENTS_ABOVE;
  const clientGap = compactClients ? Math.max(14, Math.min(32, 480 / clients.length)) : 78;
  const rightGap = 120;
  // In the scale view the left column holds the groups, not the clients.
  const leftSpan = aggregate ? (Math.ceil(clients.length / CLIENTS_PER_GROUP) - 1) * GROUP_GAP : (clients.length - 1) * clientGap;
  const span = Math.max(MIN_HEIGHT - TOP - BOTTOM, leftSpan, (right.length - 1) * rightGap);
  const height = TOP + span + BOTTOM;
  const positions = new Map<string, Point>();
  const groups = aggregate ? groupClients(clients, span) : [];
  // A grouped client stands at its group: the ribbon and its packets start there.
  for (const g of groups) for (const name of [g.id, ...g.clients]) positions.set(name, { x: g.x, y: g.y });
  if (!aggregate) column(clients.length, TOP, span, clientGap).forEach((y, i) => positions.set(clients[i] ?? '', { x: CLIENT_X, y }));
  column(routers.length, TOP, span, 140).forEach((y, i) => positions.set(routers[i] ?? '', { x: ROUTER_X, y }));
  column(right.length, TOP, span, rightGap).forEach((y, i) => positions.set(right[i] ?? '', { x: routers.length === 0 && clients.length === 0 ? ROUTER_X : STACK_X, y }));
  const roles = new Map(analysis.nodes.map((n) => [n.name, n.role]));
  const groupOf = new Map(groups.flatMap((g) => g.clients.map((c) => [c, g.id] as const)));
  const groupLinks = new Map(groups.map((g) => [g.id, groupLink(g, routers[0] ?? '', positions)]));
  const links: TopologyLinkView[] = [];
  const linkOf = new Map<string, TopologyLinkView>();
  for (const l of analysis.links) {
    if (!positions.has(l.a) || !positions.has(l.b)) continue;
    // A grouped client's link is its group's aggregate link (the router end keeps the client's interface name).
    const group = groupOf.get(l.a) ?? groupOf.get(l.b);
    const view = (group === undefined ? undefined : groupLinks.get(group)) ?? { id: l.name, kind: l.kind, a: l.a, b: l.b, geometry: linkGeometry(l, positions) };
    if (group === undefined) links.push(view);
    linkOf.set(`${l.a}|${l.aIface}`, view);
    linkOf.set(`${l.b}|${l.bIface}`, view);
  }
  links.push(...groupLinks.values());
  const clientSteps = new Map<string, number[]>(clients.map((c) => [c, []]));
  for (const e of events) if ('node' in e) clientSteps.get(e.node)?.push(e.index);
  return { width: WIDTH, height, positions, roles, links, linkOf, compactClients, clientSteps, groups, groupOf };
}

/** Clients (in natural order) in groups of CLIENTS_PER_GROUP, one column centred in `span`. */
export function groupClients(clients: readonly string[], span: number): ClientGroup[] {
  const count = Math.ceil(clients.length / CLIENTS_PER_GROUP);
  return column(count, TOP, span, GROUP_GAP).map((y, i) => {
    const members = clients.slice(i * CLIENTS_PER_GROUP, (i + 1) * CLIENTS_PER_GROUP);
    return { id: `clients:${i}`, label: `${members[0] ?? ''}–${members.at(-1) ?? ''}`, clients: members, x: CLIENT_X, y };
  });
}

/** One LAN link from a group's right edge to the router, standing for all its clients' links. */
function groupLink(g: ClientGroup, router: string, positions: ReadonlyMap<string, Point>): TopologyLinkView {
  const to = positions.get(router) ?? { x: ROUTER_X, y: g.y };
  return { id: `lan-${g.id}`, kind: 'lan', a: g.id, b: router, geometry: { type: 'line', from: { x: g.x + GROUP_HALF_WIDTH, y: g.y }, to } };
}

function linkGeometry(l: TopologyLink, positions: ReadonlyMap<string, Point>): LinkGeometry {
  const a = positions.get(l.a) ?? { x: 0, y: 0 };
  const b = positions.get(l.b) ?? { x: 0, y: 0 };
  if (l.kind === 'loopback' || l.a === l.b) {
    // A small loop standing on the node's top edge, near its right end.
    return { type: 'loop', anchor: { x: a.x + STACK_HALF_WIDTH - 11, y: a.y - STACK_HALF_HEIGHT }, center: { x: a.x + STACK_HALF_WIDTH - 11, y: a.y - STACK_HALF_HEIGHT - 13 }, radius: 13 };
  }
  if (l.kind === 'xcf') {
    // Stacks share a column: leave from the boxes' right edges and bend right, more for stacks
    // further apart, so the arcs nest instead of crossing nodes and labels.
    const from = { x: a.x + STACK_HALF_WIDTH, y: a.y };
    const to = { x: b.x + STACK_HALF_WIDTH, y: b.y };
    const distance = Math.hypot(to.x - from.x, to.y - from.y);
    return { type: 'arc', from, control: { x: Math.max(from.x, to.x) + 50 + distance * 0.45, y: (from.y + to.y) / 2 }, to };
  }
  return { type: 'line', from: a, to: b };
}

/** The point a fraction `t` ∈ [0, 1] along a link, travelling from end `a` (or from `b` when `reverse`). */
export function pointOnLink(g: LinkGeometry, t: number, reverse: boolean): Point {
  const f = Math.max(0, Math.min(1, reverse ? 1 - t : t));
  switch (g.type) {
    case 'line':
      return { x: g.from.x + (g.to.x - g.from.x) * f, y: g.from.y + (g.to.y - g.from.y) * f };
    case 'arc': {
      const u = 1 - f;
      return { x: u * u * g.from.x + 2 * u * f * g.control.x + f * f * g.to.x, y: u * u * g.from.y + 2 * u * f * g.control.y + f * f * g.to.y };
    }
    case 'loop': {
      // Start at the anchor and go once round the circle (the direction does not matter on a loop).
      const start = Math.atan2(g.anchor.y - g.center.y, g.anchor.x - g.center.x);
      const angle = start + 2 * Math.PI * t;
      return { x: g.center.x + g.radius * Math.cos(angle), y: g.center.y + g.radius * Math.sin(angle) };
    }
  }
}

// ---------------------------------------------------------------------------
// Packets in flight
// ---------------------------------------------------------------------------
