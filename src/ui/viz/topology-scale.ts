/**
 * The scale view's layer of the topology: client groups as boxes with their
 * counts (a four-part bar and the numbers, so colour is never the only
 * carrier), a label on each link with packets in flight and rates, and the
 * connections each stack owns. Drawn with D3 into its own <g>, over the
 * topology's links and nodes (which renderTopology draws as for any run);
 * pure and idempotent: a function of the model only.
 */
import { select, type BaseType, type Selection } from 'd3-selection';
import { layer, unchanged, type Parent } from './layers';
import { CONN_PHASES, groupText, linkStatsText, type GroupView, type LinkStats } from '../viewmodel/topology-aggregate';
import { GROUP_HALF_HEIGHT, GROUP_HALF_WIDTH, STACK_HALF_HEIGHT, type TopologyLinkView, type TopologyModel, type TopologyNodeView } from '../viewmodel/topology-model';

/** Draws the scale layer into `g` (empty when the model has no scale view). */
export function renderScale(g: SVGGElement, model: TopologyModel): void {
  const root: Parent = select(g);
  const scale = model.scale;
  renderGroups(layer(root, 'client-groups'), scale?.groups ?? []);
  renderLinkStats(layer(root, 'link-stats'), scale ? labelledLinks(model.links, scale.links) : []);
  const stacks = scale ? model.nodes.filter((n) => n.role === 'routing-stack' || n.role === 'target-stack') : [];
  renderOwned(layer(root, 'owned-counts'), stacks.map((n) => ({ node: n, owned: scale?.owned.get(n.name) ?? 0 })));
}

const BAR_WIDTH = 2 * GROUP_HALF_WIDTH - 16;

/** The bar's parts: x offset and width of each phase, in CONN_PHASES order. */
function barParts(g: GroupView): { phase: string; x: number; width: number }[] {
  const total = Math.max(1, g.clients.length);
  let x = -BAR_WIDTH / 2;
  return CONN_PHASES.map((phase) => {
    const width = (g.counts[phase] / total) * BAR_WIDTH;
    const part = { phase, x, width };
    x += width;
    return part;
  });
}

/** Sets each element's text only when it differs, so unchanged labels keep their text nodes (no layout invalidation). */
function setText<E extends Element, D, P extends BaseType>(selection: Selection<E, D, P, unknown>, text: (d: D) => string): void {
  selection.each(function (d) {
    const value = text(d);
    if (this.textContent !== value) this.textContent = value;
  });
}

function renderGroups(parent: Parent, groups: readonly GroupView[]): void {
  const nodes = parent
    .selectAll<SVGGElement, GroupView>('g.client-group')
    .data(groups, (d) => d.id)
    .join((enter) => {
      const n = enter.append('g').attr('class', 'client-group').attr('role', 'img');
      n.append('rect').attr('class', 'group-box').attr('x', -GROUP_HALF_WIDTH).attr('y', -GROUP_HALF_HEIGHT).attr('width', 2 * GROUP_HALF_WIDTH).attr('height', 2 * GROUP_HALF_HEIGHT).attr('rx', 6);
      n.append('text').attr('class', 'group-name').attr('text-anchor', 'middle').attr('y', -8);
      n.append('text').attr('class', 'group-counts').attr('text-anchor', 'middle').attr('y', 6);
      n.append('g').attr('class', 'group-bar');
      return n;
    })
    // Most groups' counts hold still between steps: only redraw those that moved or changed.
    .filter(function (d) {
      return !unchanged(this, `${d.id} ${d.x} ${d.y} ${d.label} ${d.clients.length} ${CONN_PHASES.map((p) => d.counts[p]).join(',')}`);
    });
  nodes
    .attr('transform', (d) => `translate(${d.x},${d.y})`)
    .attr('data-group', (d) => d.id)
    .attr('data-clients', (d) => d.clients.length)
    .attr('data-handshake', (d) => d.counts.handshake)
    .attr('data-connected', (d) => d.counts.connected)
    .attr('data-transferred', (d) => d.counts.transferred)
    .attr('data-closed', (d) => d.counts.closed)
    .attr('aria-label', groupText);
  setText(nodes.select<SVGTextElement>('text.group-name'), (d) => `${d.label} (${d.clients.length})`);
  setText(nodes.select<SVGTextElement>('text.group-counts'), (d) => CONN_PHASES.map((p) => d.counts[p]).join(' · '));
  nodes
    .select<SVGGElement>('g.group-bar')
    .selectAll<SVGRectElement, ReturnType<typeof barParts>[number]>('rect')
    .data((d) => barParts(d), (p) => p.phase)
    .join((enter) => enter.append('rect').attr('y', 11).attr('height', 6))
    .attr('class', (p) => `bar-part phase-${p.phase}`)
    .attr('x', (p) => p.x)
    .attr('width', (p) => p.width);
}

interface LabelledLink {
  readonly link: TopologyLinkView;
  readonly stats: LinkStats;
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle';
}

/** Where each link's label goes: beside a group's end of its link, at the middle of a line, below an arc's middle. Loopbacks have none. */
function labelledLinks(links: readonly TopologyLinkView[], stats: readonly LinkStats[]): LabelledLink[] {
  const byId = new Map(stats.map((s) => [s.link, s]));
  return links.flatMap((link): LabelledLink[] => {
    const s = byId.get(link.id);
    const g = link.geometry;
    if (!s || g.type === 'loop') return [];
    if (g.type === 'arc') return [{ link, stats: s, x: 0.25 * g.from.x + 0.5 * g.control.x + 0.25 * g.to.x, y: 0.25 * g.from.y + 0.5 * g.control.y + 0.25 * g.to.y + 14, anchor: 'middle' }];
    if (link.a.startsWith('clients:')) return [{ link, stats: s, x: g.from.x + 4, y: g.from.y - 5, anchor: 'start' }];
    return [{ link, stats: s, x: (g.from.x + g.to.x) / 2, y: (g.from.y + g.to.y) / 2 - 6, anchor: 'middle' }];
  });
}

function renderLinkStats(parent: Parent, labels: readonly LabelledLink[]): void {
  parent
    .selectAll<SVGTextElement, LabelledLink>('text.link-stats')
    .data(labels, (d) => d.link.id)
    .join('text')
    .filter(function (d) {
      return !unchanged(this, `${d.link.id} ${d.link.kind} ${d.x} ${d.y} ${d.anchor} ${d.stats.inFlight} ${d.stats.packetsPerSecond} ${d.stats.bytesPerSecond}`);
    })
    .attr('class', (d) => `link-stats link-${d.link.kind}`)
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y)
    .attr('text-anchor', (d) => d.anchor)
    .attr('data-link', (d) => d.link.id)
    .attr('data-in-flight', (d) => d.stats.inFlight)
    .attr('data-packets-per-second', (d) => d.stats.packetsPerSecond)
    .attr('data-bytes-per-second', (d) => d.stats.bytesPerSecond)
    .text((d) => linkStatsText(d.stats));
}

function renderOwned(parent: Parent, stacks: readonly { node: TopologyNodeView; owned: number }[]): void {
  parent
    .selectAll<SVGTextElement, { node: TopologyNodeView; owned: number }>('text.owned-count')
    .data(stacks, (d) => d.node.name)
    .join('text')
    .filter(function (d) {
      return !unchanged(this, `${d.node.name} ${d.node.x} ${d.node.y} ${d.node.dvipa ? 1 : 0} ${d.owned}`);
    })
    .attr('class', 'owned-count')
    .attr('text-anchor', 'middle')
    .attr('x', (d) => d.node.x)
    // Below the caption (and the routing stack's DVIPA line).
    .attr('y', (d) => d.node.y + STACK_HALF_HEIGHT + (d.node.dvipa ? 44 : 30))
    .attr('data-node', (d) => d.node.name)
    .attr('data-owned', (d) => d.owned)
    .text((d) => `owns ${d.owned} connection${d.owned === 1 ? '' : 's'}`);
}
