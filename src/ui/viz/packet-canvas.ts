/**
 * The packets in flight drawn on an HTML canvas over the topology's SVG, for
 * large scenes where thousands of SVG markers stop keeping up (see the numbers
 * in the README's "Large runs" section). Same positions, colours and shapes as
 * the SVG markers (circle TCP, square control, diamond XCF, triangle other; a
 * red cross on one that will be lost), each copied from a small picture of its
 * marker drawn once (see SpriteAtlas) so a frame rasterises no paths.
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

/**
 * One picture per (shape, colour) and one of the cross, drawn once for a palette and zoom into an atlas
 * canvas: a frame then copies each packet's picture to whole device pixels (drawImage of an unscaled
 * rectangle, a plain copy when the canvas is rasterised), instead of rasterising thousands of
 * anti-aliased arcs and polygons with their halos on every frame.
 */
interface SpriteAtlas {
  readonly key: string;
  readonly canvas: HTMLCanvasElement;
  /** Side of one cell, in device pixels; a marker is centred in its cell. */
  readonly cell: number;
  /** Pictures of n copies of a cell stacked, made when first needed (see stackOf). */
  stacks: StackAtlas | null;
}

/** The stacked pictures: cells of one canvas in a grid, the slot of each by cell * STACK_KEY + n. */
interface StackAtlas {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  readonly slots: Map<number, number>;
}

const SHAPES: readonly PacketShape[] = ['circle', 'square', 'diamond', 'triangle'];
const KINDS = 3; // tcp/other, control, xcf: the fill colours
/** The cross's cell follows the markers' cells. */
const CROSS = SHAPES.length * KINDS;
/** Half a cell in user units: the largest marker (diamond, 7) and its halo, with a margin. */
const HALF_CELL = 9;

const atlases = new WeakMap<HTMLCanvasElement, SpriteAtlas>();

function kindIndex(kind: FlightView['kind']): number {
  return kind === 'control' ? 1 : kind === 'xcf' ? 2 : 0;
}

function spriteAtlas(target: HTMLCanvasElement, k: number, palette: PacketPalette): SpriteAtlas | null {
  const key = `${k} ${palette.tcp} ${palette.control} ${palette.xcf} ${palette.halo} ${palette.drop}`;
  const cached = atlases.get(target);
  if (cached?.key === key) return cached;
  const cell = Math.ceil(2 * HALF_CELL * k) + 2;
  const canvas = (target.ownerDocument ?? document).createElement('canvas');
  canvas.width = cell * (CROSS + 1);
  canvas.height = cell;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const fills = [palette.tcp, palette.control, palette.xcf];
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = palette.halo;
  SHAPES.forEach((shape, s) => {
    fills.forEach((fill, c) => {
      ctx.setTransform(k, 0, 0, k, (s * KINDS + c) * cell + cell / 2, cell / 2);
      ctx.beginPath();
      tracePacket(ctx, shape, 0, 0);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.stroke();
    });
  });
  ctx.setTransform(k, 0, 0, k, CROSS * cell + cell / 2, cell / 2);
  drawCrosses(ctx, [{ x: 0, y: 0 }], palette.drop);
  const atlas: SpriteAtlas = { key, canvas, cell, stacks: null };
  atlases.set(target, atlas);
  return atlas;
}

/**
 * Draws the packets in the viewport, each as its marker's picture (filled, haloed), then the crosses on
 * those that will be lost. Pure but for the canvas.
 */
export function drawPackets(ctx: CanvasRenderingContext2D, packets: readonly PlacedPacket[], view: CanvasViewport, palette: PacketPalette): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  const k = view.dpr * view.scale;
  const atlas = spriteAtlas(ctx.canvas, k, palette);
  if (!atlas) return;
  const { cell } = atlas;
  const copies = spriteCopies(packets, { k, top: view.top * view.dpr, cell, width: ctx.canvas.width, height: ctx.canvas.height });
  // Read in place: this runs every frame for every packet in flight, so no array per copy.
  for (let i = 0; i + 3 < copies.length; i += 4) {
    const c = copies[i] ?? 0;
    const x = copies[i + 1] ?? 0;
    const y = copies[i + 2] ?? 0;
    const n = copies[i + 3] ?? 1;
    const stack = n === 1 ? null : stackOf(atlas, c, n);
    if (stack) ctx.drawImage(stack.canvas, stack.x, stack.y, cell, cell, x, y, cell, cell);
    else ctx.drawImage(atlas.canvas, c * cell, 0, cell, cell, x, y, cell, cell);
  }
}

/** Where the atlas's cells go on the canvas: device pixels per user unit, the band's top and the canvas's size in device pixels. */
interface CopyFrame {
  readonly k: number;
  readonly top: number;
  readonly cell: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The atlas cells to copy, as (cell, x, y, n) in drawing order (x, y: the cell's corner in whole device
 * pixels, the marker centred on its packet): each packet in the band's marker, then the crosses on the lost
 * ones, where n copies of the same cell fall on the same pixel — drawn as one picture of n stacked copies, in
 * the place of the last (the one on top). On a busy link of the scale view 3,000 packets in flight sit at
 * about 100 distinct pixels, and rasterising 3,000 copies took most of a frame.
 */
export function spriteCopies(packets: readonly PlacedPacket[], f: CopyFrame): number[] {
  const at = new Map<number, number>();
  const markers: number[] = [];
  // Backwards, so that of the copies at one pixel the last (the one on top) gives the place in the order.
  for (let i = packets.length - 1; i >= 0; i--) {
    const p = packets[i];
    if (p) place(p, SHAPES.indexOf(p.flight.shape) * KINDS + kindIndex(p.flight.kind), f, at, markers);
  }
  const out: number[] = [];
  for (let i = markers.length - 4; i >= 0; i -= 4) out.push(markers[i] ?? 0, markers[i + 1] ?? 0, markers[i + 2] ?? 0, markers[i + 3] ?? 1);
  for (const p of packets) if (p.flight.dropped) place(p, CROSS, f, at, out);
  return out;
}

/** Adds a copy of `cell` for packet p to `out`, or counts it at its pixel's entry; nothing outside the canvas. */
function place(p: PlacedPacket, cell: number, f: CopyFrame, at: Map<number, number>, out: number[]): void {
  const x = Math.round(p.x * f.k - f.cell / 2);
  const y = Math.round(p.y * f.k - (f.top + f.cell / 2));
  if (y < -f.cell || y > f.height || x < -f.cell || x > f.width) return;
  const key = ((y + f.cell) * (f.width + 2 * f.cell + 1) + x + f.cell) * (CROSS + 1) + cell;
  const entry = at.get(key);
  if (entry === undefined) {
    at.set(key, out.length);
    out.push(cell, x, y, 1);
  } else out[entry + 3] = (out[entry + 3] ?? 1) + 1;
}

/** Keys of the stacked pictures: cell * STACK_KEY + n. */
const STACK_KEY = 1 << 16;
/** Stacked pictures per row of their canvas, and rows: when all are taken they are made again (counts vary as packets move apart). */
const STACK_COLUMNS = 16;

/**
 * Where in the stacks' canvas a picture of n copies of `cell` drawn over each other is: the same pixels as n
 * copies drawn in place, whose anti-aliased rims darken with each copy, for the cost of one. Made once, into
 * one canvas for all (a canvas each cost more to make and flush than drawing the copies); null if it cannot be.
 */
function stackOf(atlas: SpriteAtlas, cell: number, n: number): { canvas: HTMLCanvasElement; x: number; y: number } | null {
  const stacks = (atlas.stacks ??= newStacks(atlas));
  if (!stacks) return null;
  const size = atlas.cell;
  const key = cell * STACK_KEY + n;
  let slot = stacks.slots.get(key);
  if (slot === undefined) {
    if (stacks.slots.size >= STACK_COLUMNS * STACK_COLUMNS) {
      stacks.ctx.clearRect(0, 0, stacks.canvas.width, stacks.canvas.height);
      stacks.slots.clear();
    }
    slot = stacks.slots.size;
    stacks.slots.set(key, slot);
    const { x, y } = slotCorner(slot, size);
    for (let i = 0; i < n; i++) stacks.ctx.drawImage(atlas.canvas, cell * size, 0, size, size, x, y, size, size);
  }
  return { canvas: stacks.canvas, ...slotCorner(slot, size) };
}

/** The top-left corner of a slot of the stacks' canvas, in device pixels. */
function slotCorner(slot: number, size: number): { x: number; y: number } {
  return { x: (slot % STACK_COLUMNS) * size, y: Math.floor(slot / STACK_COLUMNS) * size };
}

function newStacks(atlas: SpriteAtlas): StackAtlas | null {
  const canvas = (atlas.canvas.ownerDocument ?? document).createElement('canvas');
  canvas.width = STACK_COLUMNS * atlas.cell;
  canvas.height = STACK_COLUMNS * atlas.cell;
  const ctx = canvas.getContext('2d');
  return ctx ? { canvas, ctx, slots: new Map() } : null;
}

function drawCrosses(ctx: CanvasRenderingContext2D, crosses: readonly { readonly x: number; readonly y: number }[], colour: string): void {
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
  /** The packets last drawn, where they were drawn (a map by id is built only when a glide needs it). */
  private drawn: readonly PlacedPacket[] = [];
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
    const now = performance.now();
    // Updates closer together than a glide (playback: one a frame, each at its own display time) jump,
    // so a frame draws the packets once rather than a glide tick and then the update.
    const rapid = now - this.updatedAt < GLIDE_MS;
    this.updatedAt = now;
    if (!animate || rapid || this.drawn.length === 0) {
      const placed = flights.map((flight) => ({ flight, x: flight.x, y: flight.y }));
      drawPackets(ctx, placed, view, palette);
      this.drawn = placed;
      return;
    }
    const from = new Map(this.drawn.map((p) => [p.flight.id, { x: p.x, y: p.y }]));
    const draw = (f: number): void => {
      const placed = glide(flights, from, f);
      drawPackets(ctx, placed, view, palette);
      this.drawn = placed;
    };
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
    this.drawn = [];
  }
}
