/**
 * The time-sequence graph as SVG (d3-selection only): data segments as
 * I-beams (retransmissions in another colour and drawn thicker, with a
 * mark, so colour is not alone), the ACK line as steps, the window edge as
 * a dashed step line, the current step as a vertical rule.
 */
import { select } from 'd3-selection';
import type { TsgModel } from './time-sequence';

const W = 720;
const H = 360;
const PAD = { left: 70, right: 20, top: 16, bottom: 40 };

/** Draw the model; `now` is the display time (µs) or null. */
export function renderTsg(svg: SVGSVGElement, m: TsgModel, now: number | null): void {
  const span = Math.max(1, m.tMax - m.tMin);
  const x = (t: number): number => PAD.left + ((t - m.tMin) / span) * (W - PAD.left - PAD.right);
  const y = (seq: number): number => H - PAD.bottom - (seq / m.seqMax) * (H - PAD.top - PAD.bottom);
  const root = select(svg).attr('viewBox', `0 0 ${W} ${H}`).attr('width', W).attr('height', H);
  root.selectAll('*').remove();
  axes(root, m, x, y);
  const steps = (points: readonly { t: number; v: number }[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'H'}${x(p.t)}${i === 0 ? ` ${y(p.v)}` : ` V${y(p.v)}`}`).join(' ');
  root.append('path').attr('class', 'tsg-window').attr('d', steps(m.acks.map((a) => ({ t: a.t, v: a.edge }))));
  root.append('path').attr('class', 'tsg-ack').attr('d', steps(m.acks.map((a) => ({ t: a.t, v: a.ack }))));
  const beams = root.append('g').attr('class', 'tsg-data');
  for (const d of m.data) {
    const g = beams.append('g').attr('class', d.retransmission ? 'tsg-seg tsg-retransmission' : 'tsg-seg').attr('data-index', d.index);
    g.append('line').attr('x1', x(d.t)).attr('x2', x(d.t)).attr('y1', y(d.seq)).attr('y2', y(d.end));
    g.append('line').attr('x1', x(d.t) - 3).attr('x2', x(d.t) + 3).attr('y1', y(d.end)).attr('y2', y(d.end));
    if (d.retransmission) g.append('text').attr('x', x(d.t) + 4).attr('y', y(d.end) - 2).text('R');
  }
  if (now !== null && now >= m.tMin && now <= m.tMax) root.append('line').attr('class', 'tsg-now').attr('x1', x(now)).attr('x2', x(now)).attr('y1', PAD.top).attr('y2', H - PAD.bottom);
}

function axes(root: ReturnType<typeof select<SVGSVGElement, unknown>>, m: TsgModel, x: (t: number) => number, y: (s: number) => number): void {
  const g = root.append('g').attr('class', 'tsg-axis');
  g.append('line').attr('x1', PAD.left).attr('x2', W - PAD.right).attr('y1', y(0)).attr('y2', y(0));
  g.append('line').attr('x1', PAD.left).attr('x2', PAD.left).attr('y1', PAD.top).attr('y2', y(0));
  for (let i = 0; i <= 4; i++) {
    const t = m.tMin + ((m.tMax - m.tMin) * i) / 4;
    g.append('text').attr('x', x(t)).attr('y', y(0) + 16).attr('text-anchor', 'middle').text(`${(t / 1000).toFixed(1)} ms`);
    const s = Math.round((m.seqMax * i) / 4);
    g.append('text').attr('x', PAD.left - 6).attr('y', y(s) + 4).attr('text-anchor', 'end').text(String(s));
  }
  g.append('text').attr('x', (W + PAD.left) / 2).attr('y', H - 6).attr('text-anchor', 'middle').text('time at the client');
  g.append('text').attr('transform', `translate(14,${(H - PAD.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('relative sequence number');
}
