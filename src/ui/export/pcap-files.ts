/**
 * One pcap file per capture point of a run: the files `npm run sim --
 * --pcap-dir DIR` writes, byte for byte, for Wireshark or tshark. Pure.
 */
import type { Trace } from '../../sim/core/trace';
import { captureRecords, capturePoints, type CapturePoint } from '../../sim/net/capture';
import { writePcap } from '../../sim/wire/pcap';
import type { LabRun } from '../viewmodel/lab-run';

/** A file to save. */
export interface ExportFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The file name of a capture point's pcap ("SYS1/xcf0" → "SYS1-xcf0.pcap"), the name the CLI's --pcap-dir uses. */
export function captureFileName(point: CapturePoint): string {
  return `${point.replace('/', '-')}.pcap`;
}

/**
 * The capture functions read only a trace's events and packet bytes, which a
 * LabRun carries; Trace is a class with private state, so the run is passed
 * as one. pcap-files.test.ts proves the bytes equal those from the real Trace.
 */
function asTrace(run: LabRun): Trace {
  const view: Pick<Trace, 'events' | 'packetBytes'> = { events: run.events, packetBytes: run.packetBytes };
  return view as Trace;
}

/** Every capture point of the run that saw a packet, in first-seen order. */
export function pcapPoints(run: LabRun): CapturePoint[] {
  return capturePoints(asTrace(run));
}

/** The pcap file of one capture point. */
export function pcapFile(run: LabRun, point: CapturePoint): ExportFile {
  return { name: captureFileName(point), bytes: writePcap(captureRecords(asTrace(run), point)) };
}

/** One pcap file per capture point (client, router, each stack's interfaces, XCF links). */
export function pcapFiles(run: LabRun): ExportFile[] {
  return pcapPoints(run).map((point) => pcapFile(run, point));
}
