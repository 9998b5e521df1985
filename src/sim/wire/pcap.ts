/**
 * libpcap file writer (the classic format Wireshark and tshark read). Link
 * type 101 (LINKTYPE_RAW): each record is a bare IPv4 datagram, since the lab
 * does not model Ethernet. Timestamps come from simulated time.
 */
import { US_PER_S, type SimTime } from '../core/time';

/** LINKTYPE_RAW: packets begin with an IPv4 or IPv6 header. */
export const LINKTYPE_RAW = 101;

/** One captured packet. */
export interface PcapRecord {
  readonly time: SimTime;
  readonly bytes: Uint8Array;
}

const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** Encode records as a pcap file (microsecond timestamps, little-endian, snaplen 262144). */
export function writePcap(records: readonly PcapRecord[]): Uint8Array {
  const total = GLOBAL_HEADER_BYTES + records.reduce((n, r) => n + RECORD_HEADER_BYTES + r.bytes.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true); // magic: microsecond resolution
  view.setUint16(4, 2, true); // version 2.4
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, 262_144, true); // snaplen
  view.setUint32(20, LINKTYPE_RAW, true);
  let offset = GLOBAL_HEADER_BYTES;
  for (const r of records) {
    view.setUint32(offset, Math.floor(r.time / US_PER_S), true);
    view.setUint32(offset + 4, r.time % US_PER_S, true);
    view.setUint32(offset + 8, r.bytes.length, true);
    view.setUint32(offset + 12, r.bytes.length, true);
    out.set(r.bytes, offset + RECORD_HEADER_BYTES);
    offset += RECORD_HEADER_BYTES + r.bytes.length;
  }
  return out;
}

/** A pcap file's records, or an error saying what is wrong with the bytes. */
export type PcapReadResult =
  | { readonly ok: true; readonly linkType: number; readonly records: PcapRecord[] }
  | { readonly ok: false; readonly error: string };

/** Read a classic pcap file (either byte order, µs or ns resolution). Never throws. */
export function readPcap(data: Uint8Array): PcapReadResult {
  if (data.length < GLOBAL_HEADER_BYTES) return { ok: false, error: `pcap file too short: ${data.length} bytes` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magicLe = view.getUint32(0, true);
  const formats: Record<number, { le: boolean; nanos: boolean }> = {
    0xa1b2c3d4: { le: true, nanos: false },
    0xd4c3b2a1: { le: false, nanos: false },
    0xa1b23c4d: { le: true, nanos: true },
    0x4d3cb2a1: { le: false, nanos: true },
  };
  const format = formats[magicLe];
  if (!format) return { ok: false, error: `not a pcap file (magic 0x${magicLe.toString(16)})` };
  const { le, nanos } = format;
  const linkType = view.getUint32(20, le);
  const records: PcapRecord[] = [];
  let offset = GLOBAL_HEADER_BYTES;
  while (offset + RECORD_HEADER_BYTES <= data.length) {
    const sec = view.getUint32(offset, le);
    const frac = view.getUint32(offset + 4, le);
    const capLen = view.getUint32(offset + 8, le);
    if (offset + RECORD_HEADER_BYTES + capLen > data.length) {
      return { ok: false, error: `record at byte ${offset} runs past the end of the file` };
    }
    const start = offset + RECORD_HEADER_BYTES;
    records.push({ time: sec * US_PER_S + (nanos ? Math.floor(frac / 1000) : frac), bytes: data.slice(start, start + capLen) });
    offset = start + capLen;
  }
  return { ok: true, linkType, records };
}
