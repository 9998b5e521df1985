/**
 * A LabRun as plain data, so it can cross from the simulation worker to the
 * page (structured clone: arrays, Maps, Uint8Arrays): the packet-bytes lookup
 * becomes a table, rebuilt into the lookup on arrival.
 */
import type { LabRun } from '../viewmodel/lab-run';

/** What the worker posts. */
export type SerializedRun = Omit<LabRun, 'packetBytes'> & { readonly packets: readonly (Uint8Array | undefined)[] };

/** The run as data: every packet's bytes by id, up to the largest id the trace names. */
export function serializeRun(run: LabRun): SerializedRun {
  const { packetBytes, ...rest } = run;
  let maxId = -1;
  for (const e of run.events) if ('packetId' in e && typeof e.packetId === 'number' && e.packetId > maxId) maxId = e.packetId;
  const packets = Array.from({ length: maxId + 1 }, (_, id) => packetBytes(id));
  return { ...rest, packets };
}

/** The run again, its lookup reading the table. */
export function deserializeRun(data: SerializedRun): LabRun {
  const { packets, ...rest } = data;
  return { ...rest, packetBytes: (id) => packets[id] };
}
