import { memo, useEffect, useId, useMemo, useRef, useState, type MouseEvent } from 'react';
import { formatSimTime } from '../../sim/core/time';
import type { LabRun } from '../viewmodel/lab-run';
import { buildTopology, type FlightView } from '../viewmodel/topology-model';
import { renderTopology } from '../viz/topology';
import { renderScale } from '../viz/topology-scale';
import { RATE_WINDOW_US, type ScaleView } from '../viewmodel/topology-aggregate';
import { useLabStore } from '../store/lab-store';
import '../viz/viz.css';
import '../viz/topology-scale.css';

/** Props of the topology view. */
export interface TopologyViewProps {
  readonly run: LabRun;
  /** Index of the current step (−1: before the first). */
  readonly step: number;
  /** Called with the packet-send index of a clicked packet, or a clicked client's latest step. */
  readonly onSelect: (eventIndex: number) => void;
  readonly selected: number | null;
  /** Display time in µs, if a UI clock moves packets between steps; default the step's time. */
  readonly timeUs?: number;
}

/**
 * Above this many packets in flight they are drawn on a canvas: `npm run bench:ui -- flights` measured the
 * canvas 6–20× faster than SVG markers at every count from 250 to 3,000 (README, "Large runs"); below
 * it every packet stays an SVG button. The SVG always keeps the selected and the current step's packet.
 */
export const CANVAS_PACKETS_ABOVE = 100;

type PacketLib = typeof import('../viz/packet-canvas');
type PacketPalette = import('../viz/packet-canvas').PacketPalette;
let packetLib: Promise<PacketLib> | null = null;

/** 'canvas' above the threshold; bench:ui forces either through `window.__labPacketLayer`. */
function packetLayer(count: number): 'svg' | 'canvas' {
  const forced = (globalThis as { __labPacketLayer?: unknown }).__labPacketLayer;
  return forced === 'svg' || forced === 'canvas' ? forced : count > CANVAS_PACKETS_ABOVE ? 'canvas' : 'svg';
}

/** Packets that stay SVG buttons whatever the layer: the selected one and the current step's. */
const keepInSvg = (f: FlightView, step: number): boolean => f.selected || f.eventIndex === step;

/**
 * The network: nodes by role, links by kind, packets in flight at the step's
 * time, and the focused connection's owner. React owns the panel and the
 * <svg>; D3 draws inside one <g>.
 */
export function TopologyView({ run, step, onSelect, selected, timeUs }: TopologyViewProps) {
  const titleId = useId();
  // The ladder's chosen connection (scale view): the owner ribbon and note follow the same client.
  const focusClient = useLabStore((s) => s.ladderFocus);
  const model = useMemo(() => buildTopology(run, step, timeUs === undefined ? { selected, focusClient } : { selected, focusClient, timeUs }), [run, step, selected, focusClient, timeUs]);
  const ref = useRef<SVGGElement>(null);
  const wantCanvas = packetLayer(model.flights.length) === 'canvas';
  const [lib, setLib] = useState<PacketLib | null>(null);
  useEffect(() => {
    if (wantCanvas && !lib) void (packetLib ??= import('../viz/packet-canvas')).then(setLib);
  }, [wantCanvas, lib]);
  // Until the canvas code has loaded, the SVG draws every packet.
  const onCanvas = useMemo(() => (wantCanvas && lib ? model.flights.filter((f) => !keepInSvg(f, model.step)) : null), [wantCanvas, lib, model]);
  const svgModel = useMemo(() => (onCanvas ? { ...model, flights: model.flights.filter((f) => keepInSvg(f, model.step)) } : model), [onCanvas, model]);

  // One handlers object per onSelect: the renderer skips unchanged nodes only while it is the same.
  const handlers = useMemo(() => ({ onSelect }), [onSelect]);
  useEffect(() => {
    if (ref.current) renderTopology(ref.current, svgModel, handlers);
  }, [svgModel, handlers]);
  const scaleRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (scaleRef.current) renderScale(scaleRef.current, model);
  }, [model]);
  const { boxRef, svgRef, canvasRef, onBoxClick } = usePacketCanvas(lib, onCanvas, model.width, onSelect);

  const owner = model.owner;
  const ownerText = !owner
    ? 'No TCP connection is owned by a stack in this run.'
    : owner.owner
      ? `Connection ${owner.conn} is owned by ${owner.owner}${owner.frozen ? ', frozen for a transfer' : ''} (since step ${owner.since}).`
      : `Connection ${owner.conn} has no owning stack at this step.`;
  return (
    <section className="viz topology-view" aria-labelledby={titleId} data-step={model.step}>
      <h2 id={titleId}>Topology</h2>
      <p className="viz-note" aria-live="polite" data-owner={owner?.owner ?? undefined}>
        {ownerText}
      </p>
      {onCanvas && (
        <p className="viz-note" data-testid="canvas-note">
          {onCanvas.length} of the {model.flights.length} packets in flight are drawn as a picture, not as buttons: click one to select it. The current step’s packet stays a button.
        </p>
      )}
      {/* A click on the picture selects the packet under it (pointer only: the keyboard steps to a packet, whose send is then the current step's button). */}
      <div className="topology-box" ref={boxRef} onClick={onBoxClick}>
        <svg
          ref={svgRef}
          className="topology-svg"
          viewBox={`0 0 ${model.width} ${model.height}`}
          width={model.width}
          height={model.height}
          role="group"
          aria-label={`Network of ${model.nodes.length} nodes${scaleClients(model.scale)}; ${model.flights.length} packet(s) in flight at ${model.timeUs === null ? 'the start' : formatSimTime(model.timeUs)}`}
          data-sim-time={model.timeUs ?? undefined}
          data-in-flight={model.flights.length}
          data-packet-layer={onCanvas ? 'canvas' : 'svg'}
          data-scale={model.scale ? 'true' : undefined}
        >
          <g ref={ref} />
          {/* The scale view's groups, link rates and owned counts (empty for small runs). */}
          <g ref={scaleRef} />
        </svg>
        {/* A picture of the packets above the threshold; the note above says what it holds. */}
        <canvas ref={canvasRef} className="topology-packets" aria-hidden="true" hidden={!onCanvas} data-packets={onCanvas?.length ?? 0} />
      </div>
      <ul className="viz-legend" aria-label="Legend">
        <li>
          <span className="legend-glyph" aria-hidden="true">●</span> TCP segment · <span className="legend-glyph" aria-hidden="true">■</span> control message (app ↔ stack) ·{' '}
          <span className="legend-glyph" aria-hidden="true">◆</span> XCF signalling · <span className="legend-glyph" aria-hidden="true">✗</span> will be lost
        </li>
        <li>
          Links: LAN solid · OSA long dashes · XCF dotted arc · loopback small loop. Stacks: routing stack double border, target stack single; ★ marks the owner.
        </li>
        {model.scale && <ScaleLegend />}
      </ul>
    </section>
  );
}

/** ", and 1,000 clients in 10 groups" in the scale view, else nothing. */
function scaleClients(scale: ScaleView | null): string {
  if (!scale) return '';
  const clients = scale.groups.reduce((n, g) => n + g.clients.length, 0);
  return `, and ${COUNT_FORMAT.format(clients)} clients in ${scale.groups.length} groups`;
}

/** One formatter for the page: toLocaleString builds a new one on every call (every frame while playing). */
const COUNT_FORMAT = new Intl.NumberFormat('en');

/** What a client group's numbers and a link's label mean (the same on every step). */
const ScaleLegend = memo(function ScaleLegend() {
  const swatch = (phase: string) => <span className={`scale-legend-swatch phase-${phase}`} aria-hidden="true" />;
  return (
    <li>
      Client groups: connections {swatch('handshake')}in handshake · {swatch('connected')}connected · {swatch('transferred')}transferred · {swatch('closed')}closed, the numbers in that order. Links: packets in
      flight, and packets and bytes per second over the last {RATE_WINDOW_US / 1000} ms of simulated time.
    </li>
  );
});

let reducedMotion: MediaQueryList | null | undefined;

/** Whether the person prefers reduced motion, from one media query kept for the page. */
function prefersReducedMotion(): boolean {
  reducedMotion ??= typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  return reducedMotion?.matches ?? false;
}

interface Viewport {
  svgWidth: number;
  svgHeight: number;
  boxHeight: number;
  top: number;
}

/**
 * Draws `flights` (null: none, the SVG has them) on the canvas over the visible band of the scroll box.
 * The box's size and scroll offset are tracked from a ResizeObserver and scroll events, so a step never
 * reads layout back from the DOM.
 */
function usePacketCanvas(lib: PacketLib | null, flights: readonly FlightView[] | null, modelWidth: number, onSelect: (eventIndex: number) => void) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewport = useRef<Viewport | null>(null);
  const redraw = useRef<(animate?: boolean) => void>(() => undefined);
  const painter = useRef<InstanceType<PacketLib['PacketCanvas']> | null>(null);
  const palette = useRef<PacketPalette | null>(null);
  const mode = useLabStore((s) => s.mode);

  // One painter for the canvas, so a step glides from where the packets were drawn.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!lib || !canvas) return undefined;
    const p = new lib.PacketCanvas(canvas);
    painter.current = p;
    return () => {
      p.dispose();
      painter.current = null;
    };
  }, [lib]);

  // The palette depends on the page's mode and colour scheme only: read it when they change, not per step
  // (getComputedStyle forces a style recalculation in the middle of the frame).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!lib || !canvas) return undefined;
    const read = (): void => {
      palette.current = lib.readPalette(canvas);
      redraw.current();
    };
    read();
    const scheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    scheme?.addEventListener('change', read);
    return () => scheme?.removeEventListener('change', read);
  }, [lib, mode]);

  useEffect(() => {
    const p = painter.current;
    if (!p) return;
    if (!flights) {
      // Back to SVG markers: the next canvas starts in place.
      p.dispose();
      redraw.current = () => undefined;
      return;
    }
    redraw.current = (animate = false) => {
      const v = viewport.current;
      const colours = palette.current;
      if (!v || v.svgWidth <= 0 || !colours) return;
      const height = Math.max(1, Math.min(v.boxHeight, v.svgHeight - v.top));
      painter.current?.update(flights, { scale: v.svgWidth / modelWidth, top: v.top, width: v.svgWidth, height, dpr: globalThis.devicePixelRatio || 1 }, colours, animate && !prefersReducedMotion());
    };
    redraw.current(true);
  }, [lib, flights, modelWidth]);

  useEffect(() => {
    const box = boxRef.current;
    const svg = svgRef.current;
    if (!box || !svg || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      viewport.current = { svgWidth: svg.clientWidth, svgHeight: svg.clientHeight, boxHeight: box.clientHeight, top: box.scrollTop };
      redraw.current();
    });
    const onScroll = (): void => {
      if (viewport.current) viewport.current.top = box.scrollTop;
      redraw.current();
    };
    observer.observe(box);
    observer.observe(svg);
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      box.removeEventListener('scroll', onScroll);
    };
  }, []);

  const onBoxClick = (e: MouseEvent<HTMLDivElement>): void => {
    const svg = svgRef.current;
    if (!lib || !flights || !svg || (e.target as Element).closest('[role="button"]')) return;
    const r = svg.getBoundingClientRect();
    const scale = r.width / modelWidth;
    const hit = lib.hitTest(flights, (e.clientX - r.left) / scale, (e.clientY - r.top) / scale);
    if (hit) onSelect(hit.eventIndex);
  };
  return { boxRef, svgRef, canvasRef, onBoxClick };
}
