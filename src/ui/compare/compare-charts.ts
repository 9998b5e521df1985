/**
 * Pure D3 renderers for comparison mode: horizontal bars (every bar labelled
 * with its way and value, so colour never carries the meaning alone) and a
 * latency CDF (one line per way, told apart by dash pattern and an end label).
 * Only d3-selection: the scales are two affine maps and a log map, written out.
 */
import { select } from 'd3-selection';

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The way it belongs to: picks the fill class. */
  readonly way: string;
}

const BAR_H = 22;
const GAP = 6;
const LABEL_W = 250;

/** Horizontal bars, longest = full width, each with its label on the left and its value at its end. */
export function renderBars(svg: SVGSVGElement, bars: readonly Bar[], format: (n: number) => string, width = 640): void {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = width - LABEL_W - 90;
  const height = bars.length * (BAR_H + GAP) + GAP;
  const root = select(svg).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  const rows = root
    .selectAll<SVGGElement, Bar>('g.bar')
    .data(bars, (b) => b.label)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'bar');
      g.append('text').attr('class', 'bar-label');
      g.append('rect');
      g.append('text').attr('class', 'bar-value');
      return g;
    })
    .attr('transform', (_, i) => `translate(0,${GAP + i * (BAR_H + GAP)})`)
    .attr('data-way', (b) => b.way)
    .attr('data-value', (b) => b.value);
  rows.select('text.bar-label').attr('x', LABEL_W - 8).attr('y', BAR_H / 2 + 4).attr('text-anchor', 'end').text((b) => b.label);
  rows.select('rect').attr('x', LABEL_W).attr('height', BAR_H).attr('width', (b) => Math.max(1, (b.value / max) * plot)).attr('class', (b) => `way-${b.way}`);
  rows.select('text.bar-value').attr('x', (b) => LABEL_W + Math.max(1, (b.value / max) * plot) + 6).attr('y', BAR_H / 2 + 4).text((b) => format(b.value));
}

/** One way's latency distribution: the latency at percentiles 1…100. */
export interface CdfSeries {
  readonly way: string;
  readonly label: string;
  readonly percentilesUs: readonly number[];
}

const CDF_W = 640;
const CDF_H = 260;
const PAD = { left: 56, right: 150, top: 12, bottom: 40 };

/** Latency CDF on a log time axis (µs to s), one line per way, each ending in its label. */
export function renderCdf(svg: SVGSVGElement, series: readonly CdfSeries[]): void {
  const all = series.flatMap((s) => s.percentilesUs).filter((v) => v > 0);
  const lo = Math.max(1, Math.min(...all, 100));
  const hi = Math.max(lo * 10, ...all);
  const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
  const x = (us: number): number => PAD.left + ((Math.log10(Math.max(us, lo)) - l0) / (l1 - l0)) * (CDF_W - PAD.left - PAD.right);
  const y = (p: number): number => CDF_H - PAD.bottom - (p / 100) * (CDF_H - PAD.top - PAD.bottom);
  const root = select(svg).attr('viewBox', `0 0 ${CDF_W} ${CDF_H}`).attr('width', CDF_W).attr('height', CDF_H);
  root.selectAll('*').remove();
  const ticks = [];
  for (let d = Math.ceil(l0); d <= Math.floor(l1); d++) ticks.push(10 ** d);
  const axis = root.append('g').attr('class', 'cdf-axis');
  axis.append('line').attr('x1', PAD.left).attr('x2', CDF_W - PAD.right).attr('y1', y(0)).attr('y2', y(0));
  axis.selectAll('text.tick').data(ticks).join('text').attr('class', 'tick').attr('x', x).attr('y', y(0) + 16).attr('text-anchor', 'middle').text(formatUs);
  axis.selectAll('text.ptick').data([0, 50, 95, 100]).join('text').attr('class', 'ptick').attr('x', PAD.left - 6).attr('y', (p) => y(p) + 4).attr('text-anchor', 'end').text((p) => `${p}%`);
  axis.append('text').attr('x', (CDF_W - PAD.right + PAD.left) / 2).attr('y', CDF_H - 6).attr('text-anchor', 'middle').text('request latency (log scale)');
  for (const [i, s] of series.entries()) {
    const points = s.percentilesUs.map((us, k) => `${x(us)},${y(k + 1)}`).join(' ');
    const line = root.append('g').attr('class', `cdf-line way-${s.way}`).attr('data-way', s.way);
    line.append('polyline').attr('points', points).attr('fill', 'none').attr('stroke-dasharray', ['none', '6 3', '2 3'][i % 3] ?? 'none');
    const last = s.percentilesUs[s.percentilesUs.length - 1] ?? lo;
    line.append('text').attr('x', Math.min(x(last) + 6, CDF_W - PAD.right + 6)).attr('y', y(100) + 4 + i * 14).text(s.label);
  }
}

/** 250 µs, 4 ms, 1.2 s. */
export function formatUs(us: number): string {
  if (us >= 1_000_000) return `${+(us / 1_000_000).toPrecision(3)} s`;
  if (us >= 1_000) return `${+(us / 1_000).toPrecision(3)} ms`;
  return `${Math.round(us)} µs`;
}
