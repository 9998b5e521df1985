/**
 * Capture points read from the trace: what a packet capture on one interface
 * would have seen — datagrams sent from it (at hand-over to the link) and
 * datagrams delivered to it (at arrival).
 */
import type { Trace } from '../core/trace';
import type { PcapRecord } from '../wire/pcap';

/** A capture point, "<host>/<interface>". */
export type CapturePoint = `${string}/${string}`;

/** The records a capture on `point` would hold, in trace order. */
export function captureRecords(trace: Trace, point: CapturePoint): PcapRecord[] {
  const [node, iface] = point.split('/') as [string, string];
  const records: PcapRecord[] = [];
  const seen = new Set<number>();
  for (const e of trace.events) {
    if ((e.kind === 'packet-send' || e.kind === 'packet-deliver') && e.node === node && e.iface === iface) {
      // On a loopback interface a datagram is sent and delivered at the same point; a capture shows it once.
      if (seen.has(e.packetId)) continue;
      seen.add(e.packetId);
      const bytes = trace.packetBytes(e.packetId);
      if (bytes) records.push({ time: e.time, bytes });
    }
  }
  return records;
}

/** Every capture point that saw at least one packet, in first-seen order. */
export function capturePoints(trace: Trace): CapturePoint[] {
  const seen = new Set<CapturePoint>();
  for (const e of trace.events) {
    if (e.kind === 'packet-send' || e.kind === 'packet-deliver') seen.add(`${e.node}/${e.iface}`);
  }
  return [...seen];
}
