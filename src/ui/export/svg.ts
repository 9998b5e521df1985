/// <reference types="vite/client" />
/**
 * The ladder as a standalone SVG file (DOM). The on-screen ladder is two
 * <svg>s (a sticky header and a body that holds only the rows near the scroll
 * position), so the export draws the whole ladder afresh into one detached
 * <svg> with the same renderer, then serialises it with its styles as attributes, a
 * white background and the namespace declarations a file needs.
 */
import vizCss from '../viz/viz.css?raw';
import { ladderLayout, renderLadder, renderLadderHeader } from '../viz/ladder';
import type { LabRun } from '../viewmodel/lab-run';
import { buildLadder } from '../viewmodel/ladder-model';
import { inlineRules } from './svg-inline';
import { standaloneLadderCss } from './svg-style';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** The ladder's rules from viz.css, resolved for a file (computed once, on first use). */
let ladderCss: string | null = null;
const ladderStyles = (): string => (ladderCss ??= standaloneLadderCss(vizCss));

/** Options of ladderSvg. */
export interface LadderSvgOptions {
  /** The step the ladder stands at (default: the last step). */
  readonly step?: number;
  /** The selected event (picks the client shown when there are too many to draw). */
  readonly selected?: number | null;
}

/**
 * The whole ladder at a step as one detached <svg class="ladder-view">: the
 * lane header above every row the ladder view would draw (not only the rows
 * scrolled into view). Sized in width/height and viewBox.
 */
export function ladderSvg(run: LabRun, options: LadderSvgOptions = {}, doc: Document = document): SVGSVGElement {
  const model = buildLadder(run, options.step ?? run.events.length - 1, { selected: options.selected ?? null });
  const layout = ladderLayout(model);
  const width = layout.width;
  const height = layout.headerHeight + layout.height;
  const svg = doc.createElementNS(SVG_NS, 'svg');
  setAttributes(svg, { class: 'ladder-view', width, height, viewBox: `0 0 ${width} ${height}` });
  const title = svg.appendChild(doc.createElementNS(SVG_NS, 'title'));
  title.textContent = `Ladder of ${run.title} (scenario ${run.scenario}, seed ${run.seed}) up to step ${model.step}${model.note ? `. ${model.note}` : ''}`;
  const header = svg.appendChild(doc.createElementNS(SVG_NS, 'g'));
  renderLadderHeader(header, model, layout);
  const rule = svg.appendChild(doc.createElementNS(SVG_NS, 'line'));
  setAttributes(rule, { x1: 0, x2: width, y1: layout.headerHeight, y2: layout.headerHeight, stroke: '#d6dae1' });
  const body = svg.appendChild(doc.createElementNS(SVG_NS, 'g'));
  body.setAttribute('transform', `translate(0,${layout.headerHeight})`);
  // No window: every row goes in. Clicks select nothing in a file.
  renderLadder(body, model, layout, { onSelect: () => undefined });
  return svg;
}

function setAttributes(element: Element, attributes: Readonly<Record<string, string | number>>): void {
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
}

/** Attributes that only matter in the page: render signatures, keyboard focus, button semantics. */
const PAGE_ONLY_ATTRIBUTES = ['data-sig', 'tabindex', 'aria-pressed'];

/**
 * A standalone, well-formed SVG document of `svg`: a copy with the namespace
 * declarations, a size (width, height, viewBox), the ladder's style sheet
 * applied as presentation attributes (svg-inline.ts says why) and a white
 * background behind everything.
 */
export function svgDocument(svg: SVGSVGElement, css: string = ladderStyles()): string {
  const doc = svg.ownerDocument;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS);
  copy.setAttributeNS(XMLNS_NS, 'xmlns:xlink', XLINK_NS);
  copy.classList.add('ladder-view');
  const { width, height } = sizeOf(svg);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('viewBox', svg.getAttribute('viewBox') ?? `0 0 ${width} ${height}`);
  for (const name of PAGE_ONLY_ATTRIBUTES) for (const el of copy.querySelectorAll(`[${name}]`)) el.removeAttribute(name);
  inlineRules(copy, css);
  const paper = doc.createElementNS(SVG_NS, 'rect');
  setAttributes(paper, { x: 0, y: 0, width: '100%', height: '100%', fill: '#ffffff' });
  copy.prepend(paper);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The size an <svg> declares, else the one it is laid out at. */
function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  if (width > 0 && height > 0) return { width, height };
  const box = svg.getBoundingClientRect();
  return { width: Math.max(1, Math.ceil(box.width)), height: Math.max(1, Math.ceil(box.height)) };
}
