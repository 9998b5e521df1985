/**
 * Draws the ladder diagram with D3: lanes, one row per step, an arrow per
 * packet hop, markers for transfer steps and TCP states. `renderLadder` is a
 * pure, idempotent function of the view model: it owns the children of the
 * <g> it is given (and nothing else), joins by key, and can be called again
 * with the same model to the same result. No transitions: rows appear as the
 * step advances, so there is nothing to animate, and reduced motion holds.
 */
import { layer, unchanged, type Parent } from './layers';
import { select, type BaseType, type Selection } from 'd3-selection';
import { formatSimTime } from '../../sim/core/time';
import type { Lane, LadderArrow, LadderMarker, LadderModel, LadderRow } from '../viewmodel/ladder-model';

/** Pixel geometry of a ladder model. */
export interface LadderLayout {
  readonly width: number;
  /** Height of the body (rows). */
  readonly height: number;
  /** Height of the lane header. */
  readonly headerHeight: number;
  readonly rowHeight: number;
  /** Width of the step/time column on the left. */
  readonly timeColumn: number;
  /** x of each lane, by lane id. */
  readonly laneX: ReadonlyMap<string, number>;
  /** y of the middle of row position `row` (fractional and negative rows allowed: −0.5 is above the first row). */
  readonly rowY: (row: number) => number;
}

const ROW_HEIGHT = 20;
const LANE_GAP = 150;
const TIME_COLUMN = 128;
const TOP_PAD = 12;
const BOTTOM_PAD = 16;
/** Room on the right for labels that run past the last lane. */
const RIGHT_PAD = 300;
const HEADER_HEIGHT = 46;
/** Advance of one character of the arrow labels (10px DejaVu Sans Mono), for placing them. */
const LABEL_CHAR_WIDTH = 6.1;

/** The geometry of a model: lane x positions, row y positions, sizes. */
export function ladderLayout(model: LadderModel): LadderLayout {
  const lanesRight = TIME_COLUMN + Math.max(1, model.lanes.length) * LANE_GAP;
  // Lanes sit in the middle of equal columns, rows in the middle of equal bands: two affine maps,
  // written out rather than importing d3-scale (and its colour, format and interpolation modules).
  const laneX = new Map(model.lanes.map((l, i) => [l.id, TIME_COLUMN + LANE_GAP * (i + 0.5)]));
  const y = (row: number): number => TOP_PAD + ROW_HEIGHT * (row + 0.5);
  return {
    width: lanesRight + RIGHT_PAD,
    height: TOP_PAD + Math.max(1, model.rows.length) * ROW_HEIGHT + BOTTOM_PAD,
    headerHeight: HEADER_HEIGHT,
    rowHeight: ROW_HEIGHT,
    timeColumn: TIME_COLUMN,
    laneX,
    rowY: (row) => y(row),
  };
}

/** What the renderer calls back. Listeners always call the handlers of the latest render. */
export interface LadderHandlers {
  /** An arrow was clicked (or activated from the keyboard): the index of its packet-send. */
  readonly onSelect: (eventIndex: number) => void;
}

const ROLE_TEXT: Readonly<Record<Lane['role'], string>> = {
  client: 'client',
  router: 'router',
  'routing-stack': 'routing stack',
  'target-stack': 'target stack',
  host: 'host',
  'routing-app': 'routing app',
  'target-app': 'target app',
};

// Steps append rows, so most elements are unchanged from one step to the next:
// `unchanged` keeps a step cheap even with thousands of rows.

/** The lanes signature each header <g> and lane-lines <g> was last drawn from. */
const lanesDrawnFrom = new WeakMap<Element, string>();

/** What the lane header and lane lines depend on: each lane's id, role, label and x (and the body's height, which header draws ignore). */
function lanesSignature(model: LadderModel, layout: LadderLayout, height = 0): string {
  return `${height} ${model.lanes.map((l) => `${l.id}|${l.role}|${l.label}|${layout.laneX.get(l.id) ?? 0}`).join(' ')}`;
}

/** The handlers of each rendered root, read by listeners bound once when an element enters. */
const handlersOf = new WeakMap<Element, LadderHandlers>();

/** Draws the lane header (names and roles) into `g`. */
export function renderLadderHeader(g: SVGGElement, model: LadderModel, layout: LadderLayout): void {
  // The lanes rarely change while a run plays: redraw the header only when they (or their x) did.
  const signature = lanesSignature(model, layout);
  if (lanesDrawnFrom.get(g) === signature) return;
  lanesDrawnFrom.set(g, signature);
  const root = select(g);
  const lanes = root
    .selectAll<SVGGElement, Lane>('g.lane-head')
    .data(model.lanes, (d) => d.id)
    .join((enter) => {
      const head = enter.append('g').attr('class', 'lane-head');
      head.append('text').attr('class', 'lane-name').attr('text-anchor', 'middle').attr('y', 18);
      head.append('text').attr('class', 'lane-role').attr('text-anchor', 'middle').attr('y', 33);
      return head;
    });
  lanes
    .attr('transform', (d) => `translate(${layout.laneX.get(d.id) ?? 0},0)`)
    .attr('data-lane', (d) => d.id)
    .attr('data-role', (d) => d.role);
  lanes.select('text.lane-name').text((d) => d.label);
  lanes.select('text.lane-role').text((d) => ROLE_TEXT[d.role]);
  const column = root.selectAll<SVGTextElement, null>('text.time-head').data([null]).join('text').attr('class', 'time-head');
  column.attr('x', 8).attr('y', 26).text('step · sim time');
}

/** The rows to draw (positions, inclusive): the scroll box's visible band plus some overscan. */
export interface LadderWindow {
  readonly firstRow: number;
  readonly lastRow: number;
}

/** The window of rows a scroll box showing the body from `scrollTop` (below the header) for `viewHeight` pixels needs, with `overscan` rows either side. */
export function ladderWindow(layout: LadderLayout, scrollTop: number, viewHeight: number, overscan = 24): LadderWindow {
  const first = Math.floor((scrollTop - layout.headerHeight - TOP_PAD) / layout.rowHeight);
  const count = Math.ceil(viewHeight / layout.rowHeight);
  return { firstRow: Math.max(0, first - overscan), lastRow: first + count + overscan };
}

/**
 * Draws the ladder body (rows, lanes, markers, arrows) into `g`. Idempotent.
 * With a window, only the rows in it, and the arrows and markers that cross
 * it, are in the DOM: long runs stay cheap to step through.
 */
export function renderLadder(g: SVGGElement, model: LadderModel, layout: LadderLayout, handlers: LadderHandlers, window?: LadderWindow): void {
  const root: Parent = select(g);
  handlersOf.set(g, handlers);
  const first = window?.firstRow ?? -Infinity;
  const last = window?.lastRow ?? Infinity;
  const inWindow = (a: number, b: number): boolean => Math.max(a, b) >= first && Math.min(a, b) <= last;
  renderRows(layer(root, 'rows'), model, layout, first, last);
  renderLanes(layer(root, 'lanes'), model, layout);
  renderMarkers(layer(root, 'markers'), model.markers.filter((m) => inWindow(m.row, m.row)), layout);
  renderArrows(layer(root, 'arrows'), model.arrows.filter((a) => inWindow(a.startRow, a.endRow)), layout, g);
}

interface PlacedRow extends LadderRow {
  /** Position in the model's rows. */
  readonly position: number;
}

function renderRows(parent: Parent, model: LadderModel, layout: LadderLayout, first: number, last: number): void {
  const current = model.currentRow === null ? [] : [model.currentRow];
  parent
    .selectAll<SVGRectElement, number>('rect.row-current')
    .data(current)
    .join('rect')
    .attr('class', 'row-current')
    .attr('x', 0)
    .attr('width', layout.width)
    .attr('y', (d) => layout.rowY(d) - layout.rowHeight / 2)
    .attr('height', layout.rowHeight);
  const placed: PlacedRow[] = [];
  for (let position = Math.max(0, first); position <= Math.min(last, model.rows.length - 1); position++) {
    const row = model.rows[position];
    if (row) placed.push({ ...row, position });
  }
  const rows = parent
    .selectAll<SVGGElement, PlacedRow>('g.row')
    .data(placed, (d) => String(d.eventIndex))
    .join((enter) => {
      const row = enter.append('g').attr('class', 'row');
      row.append('text').attr('class', 'row-step').attr('x', 8).attr('dy', '0.35em');
      row.append('text').attr('class', 'row-time').attr('x', layout.timeColumn - 10).attr('text-anchor', 'end').attr('dy', '0.35em');
      return row;
    });
  const changed = rows.filter(function (d) {
    return !unchanged(this, `${layout.rowY(d.position)} ${d.eventIndex} ${d.time} ${d.current} ${d.newTime}`);
  });
  changed
    .attr('transform', (d) => `translate(0,${layout.rowY(d.position)})`)
    .attr('data-step', (d) => d.eventIndex)
    .attr('data-current', (d) => (d.current ? 'true' : null));
  // The current row also gets a ▶ so it is not marked by colour alone.
  changed.select('text.row-step').text((d) => `${d.current ? '▶ ' : ''}#${d.eventIndex}`);
  // The time only where it changes (and on the current row), so runs of same-instant steps read as one moment.
  changed.select('text.row-time').text((d) => (d.newTime || d.current ? formatSimTime(d.time) : ''));
}

function renderLanes(parent: Parent, model: LadderModel, layout: LadderLayout): void {
  const signature = lanesSignature(model, layout, layout.height);
  const node = parent.node();
  if (node && lanesDrawnFrom.get(node) === signature) return;
  if (node) lanesDrawnFrom.set(node, signature);
  parent
    .selectAll<SVGLineElement, Lane>('line.lane')
    .data(model.lanes, (d) => d.id)
    .join('line')
    .attr('class', (d) => `lane lane-${d.role}`)
    .attr('x1', (d) => layout.laneX.get(d.id) ?? 0)
    .attr('x2', (d) => layout.laneX.get(d.id) ?? 0)
    .attr('y1', 0)
    .attr('y2', layout.height);
}

function renderMarkers(parent: Parent, markers: readonly LadderMarker[], layout: LadderLayout): void {
  const groups = parent
    .selectAll<SVGGElement, LadderMarker>('g.marker')
    .data(markers, (d) => d.id)
    .join((enter) => {
      const m = enter.append('g');
      m.append('path').attr('class', 'marker-shape');
      m.append('text').attr('class', 'marker-label').attr('x', 10).attr('dy', '0.35em');
      m.append('title');
      return m;
    });
  const changed = groups.filter(function (d) {
    return !unchanged(this, `${layout.laneX.get(d.lane) ?? 0} ${layout.rowY(d.row)} ${d.current} ${d.label}`);
  });
  changed
    .attr('class', (d) => `marker marker-${d.kind}`)
    .attr('transform', (d) => `translate(${layout.laneX.get(d.lane) ?? 0},${layout.rowY(d.row)})`)
    .attr('data-event-index', (d) => d.eventIndex)
    .attr('data-marker', (d) => d.kind)
    .attr('data-current', (d) => (d.current ? 'true' : null));
  // A transfer step is a diamond; a TCP state change a short tick.
  changed.select('path.marker-shape').attr('d', (d) => (d.kind === 'transfer' ? 'M0,-6L6,0L0,6L-6,0Z' : 'M-4,0H4'));
  changed.select('text.marker-label').text((d) => d.label);
  changed.select('title').text((d) => d.detail);
}

interface Geometry {
  readonly shaft: string;
  readonly head: string | null;
  readonly tip: { readonly x: number; readonly y: number } | null;
  readonly cross: string | null;
  /** For a drop: a faint line from the ✗ on to the lane it was headed for. */
  readonly ghost: string | null;
  readonly labelX: number;
  readonly labelY: number;
  readonly anchor: 'start' | 'end';
}

function arrowHead(x0: number, y0: number, x1: number, y1: number): string {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const size = 7;
  const spread = 0.45;
  const ax = x1 - size * Math.cos(angle - spread);
  const ay = y1 - size * Math.sin(angle - spread);
  const bx = x1 - size * Math.cos(angle + spread);
  const by = y1 - size * Math.sin(angle + spread);
  return `M${x1},${y1}L${ax},${ay}L${bx},${by}Z`;
}

function geometry(a: LadderArrow, layout: LadderLayout): Geometry {
  const x0 = layout.laneX.get(a.fromLane) ?? 0;
  const y0 = layout.rowY(a.startRow);
  const xTo = a.toLane === null ? x0 + 40 : (layout.laneX.get(a.toLane) ?? x0 + 40);
  const y1 = layout.rowY(a.endRow);
  const rightward = xTo >= x0;
  // Labels sit just above the send, running towards the receiver; one running left that would reach
  // into the step/time column starts at that column's edge instead (the font is monospaced, so its width is known).
  const text = a.status === 'dropped' ? a.label.length + 2 : a.label.length;
  const fitsLeft = x0 - 6 - text * LABEL_CHAR_WIDTH >= layout.timeColumn;
  const label =
    rightward || !fitsLeft
      ? { labelX: rightward ? x0 + 6 : layout.timeColumn + 2, labelY: y0 - 5, anchor: 'start' as const }
      : { labelX: x0 - 6, labelY: y0 - 5, anchor: 'end' as const };
  if (xTo === x0) {
    // To itself (a loopback with no app lane): a bracket out to the right and back.
    const loopX = x0 + 24 * (a.status === 'in-flight' ? Math.max(0.2, a.progress) : 1);
    const shaft = `M${x0},${y0}H${loopX}V${y1}H${x0 + (a.status === 'delivered' ? 0 : 12)}`;
    return {
      shaft,
      head: a.status === 'delivered' ? arrowHead(x0 + 10, y1, x0, y1) : null,
      tip: a.status === 'in-flight' ? { x: loopX, y: y1 } : null,
      cross: a.status === 'dropped' ? crossAt(x0 + 12, y1) : null,
      ghost: null,
      ...label,
      labelX: x0 + 6,
      anchor: 'start',
    };
  }
  switch (a.status) {
    case 'delivered':
      return { shaft: `M${x0},${y0}L${xTo},${y1}`, head: arrowHead(x0, y0, xTo, y1), tip: null, cross: null, ghost: null, ...label };
    case 'dropped': {
      const xm = (x0 + xTo) / 2;
      const ghost = a.toLane === null ? null : `M${xm + (xTo > xm ? 7 : -7)},${y1}L${xTo},${y1}`;
      return { shaft: `M${x0},${y0}L${xm},${y1}`, head: null, tip: null, cross: crossAt(xm, y1), ghost, ...label };
    }
    case 'in-flight': {
      const x1 = x0 + (xTo - x0) * a.progress;
      return { shaft: `M${x0},${y0}L${x1},${y1}`, head: null, tip: { x: x1, y: y1 }, cross: null, ghost: null, ...label };
    }
  }
}

function crossAt(x: number, y: number): string {
  const r = 5;
  return `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
}

function arrowText(a: LadderArrow): string {
  const to = a.toLane === null ? '?' : a.toLane.replace(/^(node|app):/, '');
  const from = a.fromLane.replace(/^(node|app):/, '');
  const fate = a.status === 'dropped' ? `, dropped (${a.dropReason ?? 'lost'})` : a.status === 'in-flight' ? ', in flight' : '';
  return `Step ${a.eventIndex}: ${from} → ${to}: ${a.label}${fate}`;
}

function arrowSignature(a: LadderArrow, layout: LadderLayout): string {
  const x0 = layout.laneX.get(a.fromLane) ?? 0;
  const x1 = a.toLane === null ? -1 : (layout.laneX.get(a.toLane) ?? -1);
  return [x0, x1, layout.rowY(a.startRow), layout.rowY(a.endRow), a.status, a.progress.toFixed(4), a.current, a.selected, a.label].join(' ');
}

function renderArrows(parent: Parent, arrows: readonly LadderArrow[], layout: LadderLayout, root: SVGGElement): void {
  const choose = (d: LadderArrow): void => handlersOf.get(root)?.onSelect(d.eventIndex);
  const groups = parent
    .selectAll<SVGGElement, LadderArrow>('g.arrow')
    .data(arrows, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('tabindex', 0).attr('role', 'button');
      g.append('path').attr('class', 'hit');
      g.append('path').attr('class', 'shaft');
      g.append('path').attr('class', 'head');
      g.append('circle').attr('class', 'tip').attr('r', 3.5);
      g.append('path').attr('class', 'cross');
      g.append('path').attr('class', 'ghost');
      g.append('text').attr('class', 'label');
      g.append('title');
      // Listeners are bound once and read the datum and the root's current handlers when they fire.
      g.on('click', (_event: MouseEvent, d) => choose(d)).on('keydown', (event: KeyboardEvent, d) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        // Keep Space from also toggling playback on the page.
        event.stopPropagation();
        choose(d);
      });
      return g;
    });
  const changed = groups.filter(function (d) {
    return !unchanged(this, arrowSignature(d, layout));
  });
  const shapes = new Map<string, Geometry>();
  const at = (d: LadderArrow): Geometry => {
    let shape = shapes.get(d.id);
    if (!shape) {
      shape = geometry(d, layout);
      shapes.set(d.id, shape);
    }
    return shape;
  };
  changed
    .attr('class', (d) => ['arrow', `kind-${d.kind}`, `status-${d.status}`, d.loopback ? 'loopback' : '', d.overXcf ? 'over-xcf' : '', ...d.analysis.map((x) => `analysis-${x}`)].filter(Boolean).join(' '))
    .attr('data-event-index', (d) => d.eventIndex)
    .attr('data-packet-id', (d) => d.packetId)
    .attr('data-status', (d) => d.status)
    .attr('data-kind', (d) => d.kind)
    .attr('data-current', (d) => (d.current ? 'true' : null))
    .attr('data-selected', (d) => (d.selected ? 'true' : null))
    .attr('aria-pressed', (d) => (d.selected ? 'true' : 'false'))
    .attr('aria-label', arrowText);
  changed.select('path.hit').attr('d', (d) => at(d).shaft);
  changed.select('path.shaft').attr('d', (d) => at(d).shaft);
  setOptional(changed.select<SVGPathElement>('path.head'), (d) => at(d).head, (s, v) => s.attr('d', v));
  setOptional(changed.select<SVGCircleElement>('circle.tip'), (d) => at(d).tip, (s, v) => s.attr('cx', v.x).attr('cy', v.y));
  setOptional(changed.select<SVGPathElement>('path.cross'), (d) => at(d).cross, (s, v) => s.attr('d', v));
  setOptional(changed.select<SVGPathElement>('path.ghost'), (d) => at(d).ghost, (s, v) => s.attr('d', v));
  changed
    .select('text.label')
    .attr('x', (d) => at(d).labelX)
    .attr('y', (d) => at(d).labelY)
    .attr('text-anchor', (d) => at(d).anchor)
    .text((d) => (d.status === 'dropped' ? `✗ ${d.label}` : d.label));
  changed.select('title').text(arrowText);
}

/** Shows a child and sets it from a value, or hides it when the value is null. */
function setOptional<E extends BaseType, V>(
  selection: Selection<E, LadderArrow, SVGGElement, unknown>,
  value: (d: LadderArrow) => V | null,
  apply: (s: Selection<E, LadderArrow, null, undefined>, v: V) => void,
): void {
  selection.each(function (d) {
    const v = value(d);
    const s = select<E, LadderArrow>(this);
    s.attr('display', v === null ? 'none' : null);
    if (v !== null) apply(s, v);
  });
}
