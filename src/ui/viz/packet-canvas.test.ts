/**
 * The canvas layer's drawing against a recording 2D context: each packet in the band is one copy of its
 * marker's picture to whole device pixels, centred on its position, and a lost one gets the cross on top.
 */
import { describe, expect, it } from 'vitest';
import type { FlightView } from '../viewmodel/topology-model';
import { drawPackets, spriteCopies, type PacketPalette } from './packet-canvas';

type Call = [string, ...unknown[]];

function fakeContext(width: number, height: number): { ctx: CanvasRenderingContext2D; calls: Call[]; atlasCalls: Call[] } {
  const calls: Call[] = [];
  const atlasCalls: Call[] = [];
  const record = (log: Call[]): Record<string, unknown> => {
    const fields: Record<string, unknown> = {};
    return new Proxy(fields, {
      get: (_target, name: string): unknown => (name in fields ? fields[name] : (...args: unknown[]) => void log.push([name, ...args])),
      set: (_target, name: string, value: unknown) => {
        fields[name] = value;
        log.push([`set ${name}`, value]);
        return true;
      },
    });
  };
  const atlasCtx = record(atlasCalls);
  // The atlas and the stacked pictures made from it share one recording context.
  const atlas: Record<string, unknown> = { width: 0, height: 0, getContext: () => atlasCtx };
  atlas.ownerDocument = { createElement: () => ({ ...atlas }) };
  const canvas = { width, height, ownerDocument: { createElement: () => atlas } };
  const ctx = record(calls);
  (ctx as { canvas: unknown }).canvas = canvas;
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, atlasCalls };
}

const palette: PacketPalette = { tcp: '#111', control: '#222', xcf: '#333', halo: '#fff', drop: '#f00' };
const flight = (id: string, over: Partial<FlightView>): FlightView => ({ id, shape: 'circle', kind: 'tcp', dropped: false, x: 0, y: 0, ...over }) as FlightView;

describe('drawPackets', () => {
  it('copies one picture per packet in the band, centred on it, and crosses the lost ones last', () => {
    const { ctx, calls, atlasCalls } = fakeContext(200, 100);
    const view = { scale: 2, top: 50, width: 200, height: 100, dpr: 1 };
    const a = flight('a', { shape: 'square', kind: 'control' });
    const b = flight('b', { dropped: true });
    const far = flight('far', {});
    drawPackets(ctx, [
      { flight: a, x: 20, y: 40 },
      { flight: b, x: 50, y: 60 },
      { flight: far, x: 50, y: 500 },
    ], view, palette);
    // The atlas: 12 markers and a cross, each filled (and haloed) once.
    expect(atlasCalls.filter(([n]) => n === 'fill')).toHaveLength(12);
    const images = calls.filter(([n]) => n === 'drawImage');
    expect(images).toHaveLength(3);
    const cell = Math.ceil(2 * 9 * 2) + 2;
    // Square (index 1) in the control colour (index 1): cell 4; centred on (40, 80 - 50).
    expect(images[0]).toEqual(['drawImage', expect.anything(), 4 * cell, 0, cell, cell, 40 - cell / 2, 30 - cell / 2, cell, cell]);
    expect(images[1]).toEqual(['drawImage', expect.anything(), 0, 0, cell, cell, 100 - cell / 2, 70 - cell / 2, cell, cell]);
    // The cross, after every marker.
    expect(images[2]).toEqual(['drawImage', expect.anything(), 12 * cell, 0, cell, cell, 100 - cell / 2, 70 - cell / 2, cell, cell]);
  });
});

describe('spriteCopies', () => {
  const frame = { k: 1, top: 0, cell: 20, width: 200, height: 100 };
  const at = (f: FlightView, x: number, y: number) => ({ flight: f, x, y });

  it('copies a picture once per pixel with the number of copies there, in the place of the last (the one on top)', () => {
    const circle = flight('a', {});
    const square = flight('b', { shape: 'square' });
    // Two circles land on the same pixel (30.2 and 29.9 round alike), a square between them.
    const copies = spriteCopies([at(circle, 30.2, 40), at(square, 30, 40), at(flight('c', {}), 29.9, 40), at(flight('d', {}), 60, 40)], frame);
    expect(copies).toEqual([3 * 1, 20, 30, 1, 0, 20, 30, 2, 0, 50, 30, 1]);
  });

  it('keeps pictures that differ, or differ in pixel, and crosses the lost packets after the markers, counted alike', () => {
    const lost = (id: string) => flight(id, { dropped: true });
    const copies = spriteCopies([at(lost('a'), 30, 40), at(flight('b', { kind: 'control' }), 30, 40), at(lost('c'), 30, 40), at(lost('e'), 31, 40), at(flight('far', {}), 30, 400)], frame);
    expect(copies).toEqual([1, 20, 30, 1, 0, 20, 30, 2, 0, 21, 30, 1, 12, 20, 30, 2, 12, 21, 30, 1]);
  });
});

describe('drawPackets with packets on one pixel', () => {
  it('draws one picture of the stacked copies, made once from n copies of the cell and then reused', () => {
    const { ctx, calls, atlasCalls } = fakeContext(200, 100);
    const view = { scale: 1, top: 0, width: 200, height: 100, dpr: 1 };
    const three = [1, 2, 3].map((i) => ({ flight: flight(`p${i}`, {}), x: 50, y: 50 }));
    drawPackets(ctx, three, view, palette);
    drawPackets(ctx, three, view, palette);
    const cell = Math.ceil(2 * 9) + 2;
    const images = calls.filter(([n]) => n === 'drawImage');
    expect(images).toHaveLength(2);
    expect(images[0]).toEqual(['drawImage', expect.anything(), 0, 0, cell, cell, 50 - cell / 2, 50 - cell / 2, cell, cell]);
    expect(images[1]?.[1]).toBe(images[0]?.[1]);
    // The stack: three copies of the circle's cell, drawn into it once.
    expect(atlasCalls.filter(([n, , sx]) => n === 'drawImage' && sx === 0)).toHaveLength(3);
  });
});
