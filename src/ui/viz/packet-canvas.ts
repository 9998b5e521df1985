/**
 * The packets in flight drawn on an HTML canvas over the topology's SVG, for
 * large scenes where thousands of SVG markers stop keeping up (see the numbers
 * in the README's "Large runs" section). Same positions, colours and shapes as
 * the SVG markers (circle TCP, square control, diamond XCF, triangle other; a
 * red cross on one that will be lost), batched into one path per shape and
 * colour so a frame is a dozen draw calls whatever the count.
 *
 * The canvas is a picture only (aria-hidden): the SVG keeps the packets a
 * person can focus and select — the selected one and the current step's — and
 * `hitTest` lets a click on the picture select the packet under it.
 *
 * Loaded on demand (dynamic import) the first time a scene crosses the
 * threshold, so it costs the first load nothing. No React, no D3.
 */
import type { FlightView, PacketShape } from '../viewmodel/topology-model';

/** Colours read from the page's CSS variables (the SVG markers' stylesheet). */
export interface PacketPalette {
  readonly tcp: string;
  readonly control: string;
  readonly xcf: string;
  readonly halo: string;
  readonly drop: string;
}

/** The part of the SVG the canvas covers, in CSS pixels: the visible band of the scroll box. */
export interface CanvasViewport {
  /** CSS pixels per SVG user unit (the SVG is scaled to its box's width). */
  readonly scale: number;
  /** Scroll offset of the band's top edge from the SVG's top, in CSS pixels. */
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
}

/** The palette last read for each element, and the page's mode and colour scheme it was read under. */
const palettes = new WeakMap<Element, { readonly key: string; readonly palette: PacketPalette }>();
let darkQuery: MediaQueryList | null | undefined;

/** What the variables depend on: the page's mode (presenter mode has its own colours) and the colour scheme. */
function paletteKey(el: Element): string {
  darkQuery ??= typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  return `${darkQuery?.matches ?? false} ${el.closest('[data-mode]')?.getAttribute('data-mode') ?? ''}`;
}

/**
 * The variables the SVG markers use, read from an element inside the view. Read again only when the
 * page's mode or colour scheme changed: the view asks on every step while playing, and
 * getComputedStyle then forces a style recalculation of the whole page in the middle of the frame.
 */
export function readPalette(el: Element): PacketPalette {
  const key = paletteKey(el);
  const cached = palettes.get(el);
  if (cached?.key === key) return cached.palette;
  const palette = readPaletteNow(el);
  palettes.set(el, { key, palette });
  return palette;
}

function readPaletteNow(el: Element): PacketPalette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const tcp = v('--viz-tcp', '#1b1f24');
  return { tcp, control: v('--viz-control', '#b45309'), xcf: v('--viz-xcf', '#7c3aed'), halo: v('--viz-halo', '#ffffff'), drop: v('--viz-drop', '#b91c1c') };
}

/** Sizes the canvas's backing store for the device pixel ratio (only when it changed: resizing clears it). */
export function sizeCanvas(canvas: HTMLCanvasElement, view: CanvasViewport): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(view.width * view.dpr));
  const h = Math.max(1, Math.round(view.height * view.dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${view.width}px`;
  canvas.style.height = `${view.height}px`;
  canvas.style.top = `${view.top}px`;
  return canvas.getContext('2d');
}

function fillOf(kind: FlightView['kind'], p: PacketPalette): string {
  return kind === 'control' ? p.control : kind === 'xcf' ? p.xcf : p.tcp;
}

/** Adds one marker's outline to the current path, centred on (x, y), in SVG user units (as PACKET_SHAPES in topology.ts). */
function tracePacket(ctx: CanvasRenderingContext2D, shape: PacketShape, x: number, y: number): void {
  switch (shape) {
    case 'circle':
      ctx.moveTo(x + 5, y);
      ctx.arc(x, y, 5, 0, 2 * Math.PI);
      return;
    case 'square':
      ctx.rect(x - 5, y - 5, 10, 10);
      return;
    case 'diamond':
      ctx.moveTo(x, y - 7);
      ctx.lineTo(x + 7, y);
      ctx.lineTo(x, y + 7);
      ctx.lineTo(x - 7, y);
      ctx.closePath();
      return;
    case 'triangle':
      ctx.moveTo(x, y - 6);
      ctx.lineTo(x + 6, y + 5);
      ctx.lineTo(x - 6, y + 5);
      ctx.closePath();
  }
}

/** A packet to draw: where it is now (possibly mid-glide). */
export interface PlacedPacket {
  readonly flight: FlightView;
  readonly x: number;
  readonly y: number;
}

/** Draws the packets in the viewport: one filled-and-haloed path per (shape, colour), then the crosses. Pure but for the canvas. */
export function drawPackets(ctx: CanvasRenderingContext2D, packets: readonly PlacedPacket[], view: CanvasViewport, palette: PacketPalette): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  const k = view.dpr * view.scale;
  ctx.setTransform(k, 0, 0, k, 0, -view.top * view.dpr);
  // Cull to the band (with a marker's margin), then group.
  const y0 = view.top / view.scale - 10;
  const y1 = (view.top + view.height) / view.scale + 10;
  const groups = new Map<string, PlacedPacket[]>();
  const crosses: PlacedPacket[] = [];
  for (const p of packets) {
    if (p.y < y0 || p.y > y1) continue;
    const key = `${p.flight.shape} ${fillOf(p.flight.kind, palette)}`;
    (groups.get(key) ?? groups.set(key, []).get(key))?.push(p);
    if (p.flight.dropped) crosses.push(p);
  }
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = palette.halo;
  for (const [key, group] of groups) {
    ctx.beginPath();
    for (const p of group) tracePacket(ctx, p.flight.shape, p.x, p.y);
    ctx.fillStyle = key.slice(key.indexOf(' ') + 1);
    ctx.fill();
    ctx.stroke();
  }
  drawCrosses(ctx, crosses, palette.drop);
}

function drawCrosses(ctx: CanvasRenderingContext2D, crosses: readonly PlacedPacket[], colour: string): void {
  if (crosses.length === 0) return;
  ctx.beginPath();
  for (const { x, y } of crosses) {
    ctx.moveTo(x - 4, y - 4);
    ctx.lineTo(x + 4, y + 4);
    ctx.moveTo(x - 4, y + 4);
    ctx.lineTo(x + 4, y - 4);
  }
  ctx.lineWidth = 2;
  ctx.strokeStyle = colour;
  ctx.stroke();
}

/** The packet nearest (x, y) in user units within `radius`, or null: what a click on the picture selects. */
export function hitTest(flights: readonly FlightView[], x: number, y: number, radius = 8): FlightView | null {
  let best: FlightView | null = null;
  let bestD = radius * radius;
  for (const f of flights) {
    const d = (f.x - x) ** 2 + (f.y - y) ** 2;
    if (d <= bestD) {
      best = f;
      bestD = d;
    }
  }
  return best;
}

/** Positions `f` ∈ [0, 1] of the way from where each packet was drawn to where it is now (new packets start in place). */
export function glide(flights: readonly FlightView[], from: ReadonlyMap<string, { x: number; y: number }>, f: number): PlacedPacket[] {
  return flights.map((flight) => {
    const a = from.get(flight.id);
    return a ? { flight, x: a.x + (flight.x - a.x) * f, y: a.y + (flight.y - a.y) * f } : { flight, x: flight.x, y: flight.y };
  });
}

/** How long a packet glides between steps, as the SVG markers' CSS transition. */
export const GLIDE_MS = 160;

/**
 * Keeps one canvas showing a changing set of packets: each update glides from
 * the positions last drawn to the new ones over GLIDE_MS (or jumps there when
 * the person prefers reduced motion), on requestAnimationFrame.
 */
export class PacketCanvas {
  private drawn = new Map<string, { x: number; y: number }>();
  private frame = 0;
  /** When update was last called (performance.now()). */
  private updatedAt = -Infinity;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Show `flights` in `view`. */
  update(flights: readonly FlightView[], view: CanvasViewport, palette: PacketPalette, animate: boolean): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const ctx = sizeCanvas(this.canvas, view);
    if (!ctx) return;
    const from = this.drawn;
    const now = performance.now();
    // Updates closer together than a glide (playback: one a frame, each at its own display time) jump,
    // so a frame draws the packets once rather than a glide tick and then the update.
    const rapid = now - this.updatedAt < GLIDE_MS;
    this.updatedAt = now;
    const draw = (f: number): void => {
      const placed = glide(flights, from, f);
      drawPackets(ctx, placed, view, palette);
      this.drawn = new Map(placed.map((p) => [p.flight.id, { x: p.x, y: p.y }]));
    };
    if (!animate || rapid || from.size === 0) return draw(1);
    const start = now;
    const tick = (time: number): void => {
      const f = Math.min(1, (time - start) / GLIDE_MS);
      draw(f);
      this.frame = f < 1 ? requestAnimationFrame(tick) : 0;
    };
    draw(0);
    this.frame = requestAnimationFrame(tick);
  }

  /** Stop gliding (the view is going away or back to SVG markers). */
  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.drawn = new Map();
  }
}
