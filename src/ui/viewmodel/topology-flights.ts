/**
 * The packets in flight at a display time, placed by interpolating send time →
 * arrival time along their link (RaftScope's rule, so scrubbing is free): a
 * chunked index that finds the hops in flight without scanning the run, and
 * each hop's fixed details (link, direction, kind, shape, label) computed once
 * per layout, so a frame only places it. Pure; split from topology-model.ts.
 */
import { pointOnLink, type LinkGeometry, type TopologyLayout } from './topology-layout';
import type { MessageKind, PacketHop, RunAnalysis } from './ladder-model';
import type { TopologyLinkView } from './topology-model';

/** The marker shape of a packet in flight: client traffic vs sysplex signalling. */
export type PacketShape = 'circle' | 'square' | 'diamond' | 'triangle';

/** A packet in flight at the display time. */
export interface FlightView {
  /** Stable key: "p<packetId>". */
  readonly id: string;
  readonly packetId: number;
  /** The packet-send's index (the packet-duplicate's for a link copy): what a click selects. */
  readonly eventIndex: number;
  readonly link: string | null;
  readonly from: string;
  readonly to: string | null;
  readonly kind: MessageKind;
  readonly shape: PacketShape;
  readonly label: string;
  /** Fraction of the way from sender to receiver, in [0, 1]. */
  readonly progress: number;
  readonly x: number;
  readonly y: number;
  /** It will be lost (the trace drops it). */
  readonly dropped: boolean;
  readonly selected: boolean;
}

/** The hops in flight at time t: sent at or before t, arriving (or lost) after t — sendTime ≤ t < arrivesAt. */
export function inFlightAt(hops: readonly PacketHop[], timeUs: number): PacketHop[] {
  return hops.filter((h) => h.startTime <= timeUs && h.endTime !== null && timeUs < h.endTime);
}

/** Hops per chunk of the in-flight index. */
const CHUNK = 128;

/** Each chunk of CHUNK hops: its earliest send and latest arrival, so a lookup skips the chunks that cannot be in flight. */
export interface HopChunks {
  readonly minStart: Float64Array;
  readonly maxEnd: Float64Array;
}

export function hopChunks(hops: readonly PacketHop[]): HopChunks {
  const n = Math.ceil(hops.length / CHUNK);
  const minStart = new Float64Array(n).fill(Infinity);
  const maxEnd = new Float64Array(n).fill(-Infinity);
  hops.forEach((h, i) => {
    const c = Math.floor(i / CHUNK);
    minStart[c] = Math.min(minStart[c] ?? Infinity, h.startTime);
    if (h.endTime !== null) maxEnd[c] = Math.max(maxEnd[c] ?? -Infinity, h.endTime);
  });
  return { minStart, maxEnd };
}

/** inFlightAt through the chunk index: the same hops in the same order, in O(chunks + hops near t). */
export function inFlightIndexed(hops: readonly PacketHop[], chunks: HopChunks, timeUs: number): PacketHop[] {
  const out: PacketHop[] = [];
  for (let c = 0; c < chunks.minStart.length; c++) {
    if ((chunks.minStart[c] ?? Infinity) > timeUs || (chunks.maxEnd[c] ?? -Infinity) <= timeUs) continue;
    const end = Math.min(hops.length, (c + 1) * CHUNK);
    for (let i = c * CHUNK; i < end; i++) {
      const h = hops[i];
      if (h && h.startTime <= timeUs && h.endTime !== null && timeUs < h.endTime) out.push(h);
    }
  }
  return out;
}

function shapeOf(kind: MessageKind): PacketShape {
  switch (kind) {
    case 'tcp':
      return 'circle';
    case 'control':
      return 'square';
    case 'xcf':
      return 'diamond';
    case 'udp':
    case 'other':
      return 'triangle';
  }
}

/** What a hop's flight is, whatever the time: computed once per hop and layout, so a frame only places it. */
interface HopStatic {
  readonly layout: TopologyLayout;
  readonly id: string;
  readonly link: TopologyLinkView | null;
  /** The geometry it moves along, and whether against the link's direction. */
  readonly geometry: LinkGeometry;
  readonly reverse: boolean;
  readonly kind: MessageKind;
  readonly shape: PacketShape;
  readonly label: string;
}

const hopStatics = new WeakMap<PacketHop, HopStatic>();

function hopStatic(analysis: RunAnalysis, layout: TopologyLayout, h: PacketHop): HopStatic {
  const cached = hopStatics.get(h);
  if (cached?.layout === layout) return cached;
  const info = analysis.packets.get(h.packetId);
  const link = layout.linkOf.get(`${h.fromNode}|${h.fromIface}`) ?? null;
  const kind = info?.kind ?? 'other';
  let geometry: LinkGeometry;
  let reverse = false;
  // A grouped client sends from its group's end of the aggregate link.
  if (link) {
    geometry = link.geometry;
    reverse = link.a !== (layout.groupOf.get(h.fromNode) ?? h.fromNode);
  } else {
    const a = layout.positions.get(h.fromNode) ?? { x: 0, y: 0 };
    const b = (h.toNode !== null ? layout.positions.get(h.toNode) : undefined) ?? a;
    geometry = { type: 'line', from: a, to: b };
  }
  const result: HopStatic = { layout, id: `p${h.packetId}`, link, geometry, reverse, kind, shape: shapeOf(kind), label: info?.label ?? `packet #${h.packetId}` };
  hopStatics.set(h, result);
  return result;
}

export function flightsAt(analysis: RunAnalysis, layout: TopologyLayout, hops: readonly PacketHop[], timeUs: number, selected: number | null): FlightView[] {
  const out: FlightView[] = [];
  for (const h of hops) {
    const hop = hopStatic(analysis, layout, h);
    const span = (h.endTime ?? h.startTime) - h.startTime;
    const progress = span > 0 ? Math.max(0, Math.min(1, (timeUs - h.startTime) / span)) : 0;
    const point = pointOnLink(hop.geometry, progress, hop.reverse);
    out.push({
      id: hop.id,
      packetId: h.packetId,
      eventIndex: h.startIndex,
      link: hop.link?.id ?? null,
      from: h.fromNode,
      to: h.toNode,
      kind: hop.kind,
      shape: hop.shape,
      label: hop.label,
      progress,
      x: point.x,
      y: point.y,
      dropped: h.dropped,
      selected: selected === h.startIndex || (selected !== null && selected === h.endIndex),
    });
  }
  return out;
}
