/**
 * Pure view model: run the first scenario for a seed and turn its trace into
 * rows for the trace table. No React here, so it is easy to test and reuse.
 */
import { runUdpEcho } from '../scenarios/udp-echo';
import { NO_FAULTS } from '../sim/net/link';
import { formatSimTime } from '../sim/core/time';
import type { TraceEntry } from '../sim/core/trace';
import { describePacket } from '../sim/wire/describe';

/** One row of the trace table. */
export interface TraceRow {
  readonly index: number;
  readonly time: string;
  readonly kind: TraceEntry['kind'];
  readonly where: string;
  readonly what: string;
}

/** A finished run as the page shows it. */
export interface RunView {
  readonly hash: string;
  readonly eventCount: number;
  readonly packetCount: number;
  readonly endTime: string;
  readonly rows: readonly TraceRow[];
}

/** Faults used when the "lossy links" box is ticked. */
export const DEMO_FAULTS = { ...NO_FAULTS, lossPerMille: 150, duplicatePerMille: 50, jitterUs: 400 };

/** Run the UDP scenario and build its view. */
export function runView(seed: number, faults: boolean): RunView {
  const { sim } = runUdpEcho({ seed, requests: 5, faults: faults ? DEMO_FAULTS : NO_FAULTS });
  const trace = sim.trace;
  const rows = trace.events.map((e) => toRow(e, (id) => trace.packetBytes(id)));
  return { hash: trace.hash(), eventCount: trace.length, packetCount: trace.packets.length, endTime: formatSimTime(sim.now), rows };
}

/** Rows for every event of a lab run. */
export function traceRows(run: { readonly events: readonly TraceEntry[]; readonly packetBytes: (id: number) => Uint8Array | undefined }): TraceRow[] {
  return run.events.map((e) => toRow(e, run.packetBytes));
}

function toRow(e: TraceEntry, bytesOf: (id: number) => Uint8Array | undefined): TraceRow {
  const base = { index: e.index, time: formatSimTime(e.time), kind: e.kind };
  const packet = (id: number): string => {
    const bytes = bytesOf(id);
    return bytes ? `#${id} ${describePacket(bytes)}` : `#${id}`;
  };
  switch (e.kind) {
    case 'packet-send':
      return { ...base, where: `${e.node}/${e.iface}`, what: packet(e.packetId) };
    case 'packet-deliver':
      return { ...base, where: `${e.node}/${e.iface}`, what: packet(e.packetId) };
    case 'packet-drop':
      return { ...base, where: `${e.node}/${e.iface ?? '-'}`, what: `${packet(e.packetId)} dropped: ${e.reason}${e.detail ? ` (${e.detail})` : ''}` };
    case 'packet-duplicate':
      return { ...base, where: `${e.node}/${e.iface}`, what: `#${e.packetId} duplicated as #${e.copyId}` };
    case 'state-change':
      return { ...base, where: e.node, what: `${e.machine}: ${e.from} → ${e.to}` };
    case 'timer':
      return { ...base, where: e.node, what: `timer ${e.name} ${e.action}` };
    case 'app':
      return { ...base, where: `${e.node} (${e.app})`, what: e.message };
    case 'fault':
      return { ...base, where: e.target, what: e.fault };
    case 'tcp':
      return { ...base, where: e.node, what: `${e.conn}: ${e.what}${e.packetId === undefined ? '' : ` ${packet(e.packetId)}`}${e.detail ? ` (${e.detail})` : ''}` };
    case 'crt':
      return { ...base, where: e.node, what: `CRT ${e.action}: Dest ${e.dest} Source ${e.source} DestXCF ${e.destXcf}` };
    case 'tcb':
      return { ...base, where: e.node, what: `TCB ${e.action} ${e.conn} (${e.reason})` };
    case 'app-bytes':
      return { ...base, where: `${e.node} (${e.app})`, what: `${e.direction === 'in' ? 'read' : 'wrote'} ${e.stream} bytes ${e.offset}..${e.offset + e.length}` };
    case 'transfer':
      return { ...base, where: e.node, what: `transfer ${e.phase} ${e.from} → ${e.to}${e.detail ? ` (${e.detail})` : ''}` };
  }
}
