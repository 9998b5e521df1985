/**
 * Draws the topology with D3: links (LAN/OSA straight, XCF as dotted arcs,
 * loopbacks as small loops), nodes shaped by role, the DVIPA on its owner, the
 * focused connection's ribbon to its owning stack, and the packets in flight.
 * `renderTopology` is a pure, idempotent function of the view model and owns
 * only the children of the <g> it is given. Packets are positioned with a CSS
 * transform, so the stylesheet can glide them between steps — and does not
 * when the user prefers reduced motion (see viz.css).
 */
import { layer, unchanged, type Parent } from './layers';
import { select } from 'd3-selection';
import { STACK_HALF_HEIGHT, STACK_HALF_WIDTH, type FlightView, type LinkGeometry, type OwnerView, type TopologyLinkView, type TopologyModel, type TopologyNodeView } from '../viewmodel/topology-model';

/** What the renderer calls back. */
export interface TopologyHandlers {
  /** A packet (its packet-send index) or a client (its latest step) was clicked or activated from the keyboard. */
  readonly onSelect: (eventIndex: number) => void;
}

// Links never change within a run and nodes only when the owner or focus does:
// `unchanged` skips what did not.

/** SVG path data of a link. */
export function linkPath(g: LinkGeometry): string {
  switch (g.type) {
    case 'line':
      return `M${g.from.x},${g.from.y}L${g.to.x},${g.to.y}`;
    case 'arc':
      return `M${g.from.x},${g.from.y}Q${g.control.x},${g.control.y} ${g.to.x},${g.to.y}`;
    case 'loop': {
      // Two half-circle arcs through the point opposite the anchor.
      const ox = 2 * g.center.x - g.anchor.x;
      const oy = 2 * g.center.y - g.anchor.y;
      return `M${g.anchor.x},${g.anchor.y}A${g.radius},${g.radius} 0 1 1 ${ox},${oy}A${g.radius},${g.radius} 0 1 1 ${g.anchor.x},${g.anchor.y}`;
    }
  }
}

/** Where a link's kind label goes (XCF arcs only: LAN and OSA are told apart by their dash pattern and the legend). */
function linkLabelAt(g: LinkGeometry): { x: number; y: number } | null {
  if (g.type !== 'arc') return null;
  return { x: 0.25 * g.from.x + 0.5 * g.control.x + 0.25 * g.to.x, y: 0.25 * g.from.y + 0.5 * g.control.y + 0.25 * g.to.y };
}

/** Draws the whole topology into `g`. Idempotent. */
export function renderTopology(g: SVGGElement, model: TopologyModel, handlers: TopologyHandlers): void {
  const root: Parent = select(g);
  // Links and nodes are the same from step to step but for a few fields: with hundreds of clients, even
  // the keyed join that finds nothing to do costs milliseconds, so skip it when nothing changed at all.
  const links = layer(root, 'links');
  if (drawnFrom.get(links.node() as Element) !== model.links) renderLinks(links, model.links);
  drawnFrom.set(links.node() as Element, model.links);
  renderRibbon(layer(root, 'ribbon'), model.owner);
  const nodes = layer(root, 'nodes');
  // The layer's signature has each client's select step (the datum to rebind); a node's own has only
  // whether it is selectable, so a jump that moves every client's latest step rewrites no attributes.
  const nodesSig = [model.owner?.conn, model.owner?.frozen, ...model.nodes.map((d) => `${nodeSig(d)} ${d.selectIndex}`)].join('|');
  const last = nodesDrawn.get(nodes.node() as Element);
  if (last?.handlers !== handlers || last.sig !== nodesSig) renderNodes(nodes, model.nodes, model.owner, handlers);
  nodesDrawn.set(nodes.node() as Element, { handlers, sig: nodesSig });
  renderFlights(layer(root, 'flights'), model.flights, handlers);
}

/** What a layer was last drawn from (compared by identity). */
const drawnFrom = new WeakMap<Element, unknown>();
const nodesDrawn = new WeakMap<Element, { handlers: TopologyHandlers; sig: string }>();

function nodeSig(d: TopologyNodeView): string {
  return [d.name, d.role, d.shape, d.x, d.y, d.compact, d.focus, d.owner, d.dvipa, d.selectIndex !== null, d.caption, d.addresses.join(',')].join(' ');
}

function renderLinks(parent: Parent, links: readonly TopologyLinkView[]): void {
  const groups = parent
    .selectAll<SVGGElement, TopologyLinkView>('g.link')
    .data(links, (d) => d.id)
    .join((enter) => {
      const l = enter.append('g');
      l.append('path').attr('class', 'link-path');
      l.append('text').attr('class', 'link-label').attr('text-anchor', 'middle').attr('dy', '0.35em');
      l.append('title');
      return l;
    })
    .filter(function (d) {
      return !unchanged(this, `${d.id} ${d.kind} ${d.a} ${d.b} ${linkPath(d.geometry)}`);
    });
  groups.attr('class', (d) => `link link-${d.kind}`).attr('data-link', (d) => d.id).attr('data-kind', (d) => d.kind);
  groups.select('path.link-path').attr('d', (d) => linkPath(d.geometry));
  groups
    .select('text.link-label')
    .attr('x', (d) => linkLabelAt(d.geometry)?.x ?? 0)
    .attr('y', (d) => linkLabelAt(d.geometry)?.y ?? 0)
    .attr('display', (d) => (linkLabelAt(d.geometry) ? null : 'none'))
    .text((d) => (d.kind === 'xcf' ? 'XCF' : ''));
  groups.select('title').text((d) => `${d.id} (${d.kind.toUpperCase()}): ${d.a} ↔ ${d.b}`);
}

function renderRibbon(parent: Parent, owner: OwnerView | null): void {
  const data = owner && owner.ribbon.length > 1 ? [owner] : [];
  const ribbon = parent
    .selectAll<SVGGElement, OwnerView>('g.conn-ribbon')
    .data(data, () => 'ribbon')
    .join((enter) => {
      const r = enter.append('g').attr('class', 'conn-ribbon');
      r.append('path').attr('class', 'ribbon-path');
      r.append('title');
      return r;
    });
  ribbon.attr('data-conn', (d) => d.conn).attr('data-frozen', (d) => (d.frozen ? 'true' : null));
  ribbon.select('path.ribbon-path').attr('d', (d) => `M${d.ribbon.map((p) => `${p.x},${p.y}`).join('L')}`);
  ribbon.select('title').text((d) => `Connection ${d.conn}, owned by ${d.owner ?? 'nobody'}${d.frozen ? ' (frozen for a transfer)' : ''}`);
}

const NODE_W = 2 * STACK_HALF_WIDTH;
const NODE_H = 2 * STACK_HALF_HEIGHT;

function shapePath(d: TopologyNodeView): string {
  switch (d.shape) {
    case 'circle': {
      const r = d.compact ? 6 : 11;
      return `M${-r},0A${r},${r} 0 1 1 ${r},0A${r},${r} 0 1 1 ${-r},0Z`;
    }
    case 'diamond':
      return 'M0,-24L34,0L0,24L-34,0Z';
    case 'rect':
    case 'double-rect':
      return `M${-NODE_W / 2},${-NODE_H / 2}h${NODE_W}v${NODE_H}h${-NODE_W}Z`;
    case 'rounded':
      return `M${-NODE_W / 2 + 8},${-NODE_H / 2}h${NODE_W - 16}a8,8 0 0 1 8,8v${NODE_H - 16}a8,8 0 0 1 -8,8h${-NODE_W + 16}a8,8 0 0 1 -8,-8v${-NODE_H + 16}a8,8 0 0 1 8,-8Z`;
  }
}

function isBox(d: TopologyNodeView): boolean {
  return d.shape === 'rect' || d.shape === 'double-rect' || d.shape === 'rounded';
}

function nodeText(d: TopologyNodeView, owner: OwnerView | null): string {
  const parts = [`${d.name} (${d.role.replace('-', ' ')})`];
  if (d.addresses.length > 0) parts.push(d.addresses.join(', '));
  if (d.dvipa) parts.push(`owns DVIPA ${d.dvipa}`);
  if (d.owner && owner) parts.push(`owns connection ${owner.conn}${owner.frozen ? ' (frozen)' : ''}`);
  return parts.join('; ');
}

function renderNodes(parent: Parent, nodes: readonly TopologyNodeView[], owner: OwnerView | null, handlers: TopologyHandlers): void {
  const groups = parent
    .selectAll<SVGGElement, TopologyNodeView>('g.node')
    .data(nodes, (d) => d.name)
    .join((enter) => {
      const n = enter.append('g');
      n.append('rect').attr('class', 'owner-ring');
      n.append('path').attr('class', 'node-outer');
      n.append('path').attr('class', 'node-shape');
      n.append('text').attr('class', 'node-name').attr('dy', '0.35em');
      n.append('text').attr('class', 'node-caption').attr('text-anchor', 'middle');
      n.append('text').attr('class', 'node-dvipa').attr('text-anchor', 'middle');
      n.append('text').attr('class', 'owner-badge').attr('text-anchor', 'middle');
      n.append('title');
      return n;
    });
  // Listeners read the latest handlers and datum, so they are (re)bound on every node; the rest only when it changed.
  groups
    .on('click', (_event: MouseEvent, d) => {
      if (d.selectIndex !== null) handlers.onSelect(d.selectIndex);
    })
    .on('keydown', (event: KeyboardEvent, d) => {
      if ((event.key !== 'Enter' && event.key !== ' ') || d.selectIndex === null) return;
      event.preventDefault();
      event.stopPropagation();
      handlers.onSelect(d.selectIndex);
    });
  const ownerSig = owner ? `${owner.conn} ${owner.frozen}` : '-';
  const changed = groups.filter(function (d) {
    return !unchanged(this, `${nodeSig(d)} ${ownerSig}`);
  });
  changed
    .attr('class', (d) => `node role-${d.role}${d.compact ? ' compact' : ''}${d.focus ? ' focus' : ''}`)
    .attr('transform', (d) => `translate(${d.x},${d.y})`)
    .attr('data-node', (d) => d.name)
    .attr('data-role', (d) => d.role)
    .attr('data-owner', (d) => (d.owner ? 'true' : null))
    .attr('data-focus', (d) => (d.focus ? 'true' : null))
    .attr('data-dvipa', (d) => d.dvipa)
    .attr('tabindex', (d) => (d.selectIndex !== null ? 0 : null))
    .attr('role', (d) => (d.selectIndex !== null ? 'button' : null))
    .attr('aria-label', (d) => (d.selectIndex !== null ? `${nodeText(d, owner)}. Select to follow this client.` : nodeText(d, owner)));
  changed
    .select('rect.owner-ring')
    .attr('display', (d) => (d.owner ? null : 'none'))
    .attr('data-frozen', () => (owner?.frozen ? 'true' : null))
    .attr('x', -NODE_W / 2 - 8)
    .attr('y', -NODE_H / 2 - 8)
    .attr('width', NODE_W + 16)
    .attr('height', NODE_H + 16)
    .attr('rx', 6);
  // The routing stack's double border: an outer outline 4 units out.
  changed
    .select('path.node-outer')
    .attr('display', (d) => (d.shape === 'double-rect' ? null : 'none'))
    .attr('d', `M${-NODE_W / 2 - 4},${-NODE_H / 2 - 4}h${NODE_W + 8}v${NODE_H + 8}h${-NODE_W - 8}Z`);
  changed.select('path.node-shape').attr('d', shapePath);
  changed
    .select('text.node-name')
    .attr('x', (d) => (d.role === 'client' ? -(d.compact ? 10 : 16) : 0))
    .attr('text-anchor', (d) => (d.role === 'client' ? 'end' : 'middle'))
    .attr('y', (d) => (d.role === 'client' && !d.compact ? -6 : 0))
    .text((d) => d.name);
  changed
    .select('text.node-caption')
    .attr('x', (d) => (d.role === 'client' ? -16 : 0))
    .attr('text-anchor', (d) => (d.role === 'client' ? 'end' : 'middle'))
    .attr('y', (d) => (d.role === 'client' ? 10 : isBox(d) ? NODE_H / 2 + 16 : 38))
    .text((d) => d.caption ?? '');
  changed
    .select('text.node-dvipa')
    .attr('y', NODE_H / 2 + 30)
    .text((d) => (d.dvipa ? `DVIPA ${d.dvipa}` : ''));
  changed
    .select('text.owner-badge')
    .attr('y', -NODE_H / 2 - 14)
    .text((d) => (d.owner ? (owner?.frozen ? '★ owner (frozen)' : '★ owner') : ''));
  changed.select('title').text((d) => nodeText(d, owner));
}

const PACKET_SHAPES: Readonly<Record<FlightView['shape'], string>> = {
  circle: 'M-5,0A5,5 0 1 1 5,0A5,5 0 1 1 -5,0Z',
  square: 'M-5,-5h10v10h-10Z',
  diamond: 'M0,-7L7,0L0,7L-7,0Z',
  triangle: 'M0,-6L6,5H-6Z',
};

function renderFlights(parent: Parent, flights: readonly FlightView[], handlers: TopologyHandlers): void {
  const groups = parent
    .selectAll<SVGGElement, FlightView>('g.packet')
    .data(flights, (d) => d.id)
    .join((enter) => {
      const p = enter.append('g').attr('tabindex', 0).attr('role', 'button');
      p.append('path').attr('class', 'packet-shape');
      p.append('path').attr('class', 'packet-cross').attr('d', 'M-4,-4L4,4M-4,4L4,-4');
      p.append('title');
      return p;
    });
  groups
    .attr('class', (d) => `packet kind-${d.kind}${d.dropped ? ' dropped' : ''}${d.selected ? ' selected' : ''}`)
    .style('transform', (d) => `translate(${d.x}px, ${d.y}px)`)
    .attr('data-packet-id', (d) => d.packetId)
    .attr('data-event-index', (d) => d.eventIndex)
    .attr('data-kind', (d) => d.kind)
    .attr('data-progress', (d) => d.progress.toFixed(3))
    .attr('data-selected', (d) => (d.selected ? 'true' : null))
    .attr('aria-label', (d) => `Packet ${d.packetId} from ${d.from} to ${d.to ?? '?'}: ${d.label}${d.dropped ? ' (will be lost)' : ''}`)
    .on('click', (_event: MouseEvent, d) => handlers.onSelect(d.eventIndex))
    .on('keydown', (event: KeyboardEvent, d) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      event.stopPropagation();
      handlers.onSelect(d.eventIndex);
    });
  groups.select('path.packet-shape').attr('d', (d) => PACKET_SHAPES[d.shape]);
  groups.select('path.packet-cross').attr('display', (d) => (d.dropped ? null : 'none'));
  groups.select('title').text((d) => `#${d.eventIndex} ${d.from} → ${d.to ?? '?'}: ${d.label}`);
}
