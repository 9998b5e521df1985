/**
 * A LabRun as plain data, so it can cross from the simulation worker to the
 * page (structured clone: arrays, Maps, Sets, Uint8Arrays): the packet-bytes
 * lookup becomes a table, rebuilt into the lookup on arrival. The run's
 * analysis (every packet decoded and labelled, hops, lanes) travels with it:
 * built in the worker, it is main-thread work the page no longer does before
 * its first paint (~0.5–0.8 s for a 100k-event run).
 */
import { buildAnalysis, primeAnalysis, type RunAnalysis } from '../viewmodel/ladder-analysis';
import type { PacketHop, PacketInfo } from '../viewmodel/ladder-packets';
import type { LabRun } from '../viewmodel/lab-run';

/** JSON text that parses back into a T. */
type JsonText<T> = string & { readonly __parsesTo: T };

/** T when JSON gives it back as it was: no Map, Set, typed array, function or undefined inside (an optional field slips through). */
type JsonFaithful<T> = T extends string | number | boolean | null
  ? T
  : T extends readonly (infer U)[]
    ? readonly JsonFaithful<U>[]
    : T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> | ArrayBufferView | ((...args: never[]) => unknown)
      ? never
      : T extends object
        ? { readonly [K in keyof T]-?: JsonFaithful<T[K]> }
        : never;

type IsTrue<T extends true> = T;
type Faithful<T> = [T] extends [JsonFaithful<T>] ? true : false;
/** Fails to compile when a hop or packet record gains a field JSON would not give back. */
type _RecordsCrossAsJson = [IsTrue<Faithful<PacketHop>>, IsTrue<Faithful<PacketInfo>>];

/**
 * The analysis as it crosses. Its two large tables (a record per hop and per packet: ~66k objects
 * on the 100k-event run) cross as JSON text: parsing it on the page measured ~60 ms, where
 * deserializing the same records as cloned objects took ~250 ms of the page's thread
 * (scripts/bench-first-show.mjs). The rest, small, is cloned as it is.
 */
export type WireAnalysis = Omit<RunAnalysis, 'hops' | 'packets'> & { readonly hops: JsonText<readonly PacketHop[]>; readonly packets: JsonText<readonly PacketInfo[]> };

/** What the worker posts. */
export type SerializedRun = Omit<LabRun, 'packetBytes'> & { readonly packets: readonly (Uint8Array | undefined)[]; readonly analysis: WireAnalysis };

const jsonText = <T>(value: T): JsonText<T> => JSON.stringify(value) as JsonText<T>;
const parsed = <T>(text: JsonText<T>): T => JSON.parse(text) as T;

/** The run as data: every packet's bytes by id, up to the largest id the trace names, and its analysis. */
export function serializeRun(run: LabRun): SerializedRun {
  const { packetBytes, ...rest } = run;
  let maxId = -1;
  for (const e of run.events) if ('packetId' in e && typeof e.packetId === 'number' && e.packetId > maxId) maxId = e.packetId;
  const packets = Array.from({ length: maxId + 1 }, (_, id) => packetBytes(id));
  return { ...rest, packets, analysis: toWire(buildAnalysis(run)) };
}

/** The run again, its lookup reading the table and its analysis already in analyseRun's cache. */
export function deserializeRun(data: SerializedRun): LabRun {
  const { packets, analysis, ...rest } = data;
  const run: LabRun = { ...rest, packetBytes: (id) => packets[id] };
  primeAnalysis(run, fromWire(analysis));
  return run;
}

// One message carries run and analysis, so the clone keeps what they share (the topology's nodes and links) shared.
function toWire(analysis: RunAnalysis): WireAnalysis {
  return { ...analysis, hops: jsonText(analysis.hops), packets: jsonText([...analysis.packets.values()]) };
}

// The packet table is keyed by each record's own packetId (labelPackets), in the order it was filled.
function fromWire(wire: WireAnalysis): RunAnalysis {
  const packets = new Map(parsed(wire.packets).map((p) => [p.packetId, p]));
  return { ...wire, hops: parsed(wire.hops), packets };
}
