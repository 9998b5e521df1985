/**
 * An arriving TCP segment as the engine reads it (RFC 9293 §3.1 header, RFC
 * 7323 window scale and timestamps, RFC 2018 SACK): header fields and the
 * options of interest in one flat object, read straight from the datagram's
 * bytes. Every segment passes through here, so nothing else is built: no
 * header object, no option objects, no view of the TCP payload when it is empty.
 */
import { pseudoHeaderSum, internetChecksum } from '../wire/checksum';
import { readU16, readU32 } from '../wire/bytes';
import { IpProtocol, TcpFlag, TcpOptionKind, type TcpHeader } from '../wire/types';

/** A decoded segment with its options extracted; `window` is the field as carried (unscaled). */
export interface InboundSegment extends Pick<TcpHeader, 'srcPort' | 'dstPort' | 'seq' | 'ack' | 'flags' | 'window'> {
  readonly payload: Uint8Array;
  readonly packetId: number;
  readonly src: number;
  readonly dst: number;
  readonly mss: number | null;
  /** The peer's window scale shift, at most 14 (RFC 7323 §2.3: larger shifts are treated as 14). */
  readonly wscale: number | null;
  readonly sackPermitted: boolean;
  /** True when the segment carries the timestamps option; tsVal and tsEcr are 0 when it does not. */
  readonly timestamped: boolean;
  readonly tsVal: number;
  readonly tsEcr: number;
  readonly sackBlocks: readonly (readonly [number, number])[];
}

type SegmentDraft = { -readonly [K in keyof InboundSegment]: InboundSegment[K] };

const MIN_HEADER = 20;
const EMPTY = new Uint8Array(0);
const NO_BLOCKS: readonly (readonly [number, number])[] = [];

/**
 * Reads the segment in bytes[start, end) of a datagram from `src` to `dst`.
 * Returns null exactly when decodeTcp would report the segment malformed (the
 * caller asks decodeTcp for the reason); the checksum is checked apart, by
 * tcpChecksumOk. The payload is a view into `bytes`.
 */
export function readInboundSegment(bytes: Uint8Array, start: number, end: number, src: number, dst: number, packetId: number): InboundSegment | null {
  if (end - start < MIN_HEADER) return null;
  const headerLength = (bytes[start + 12]! >>> 4) * 4;
  if (headerLength < MIN_HEADER || headerLength > end - start) return null;
  const seg: SegmentDraft = {
    srcPort: readU16(bytes, start),
    dstPort: readU16(bytes, start + 2),
    seq: readU32(bytes, start + 4),
    ack: readU32(bytes, start + 8),
    flags: bytes[start + 13]!,
    window: readU16(bytes, start + 14),
    payload: start + headerLength === end ? EMPTY : bytes.subarray(start + headerLength, end),
    packetId,
    src,
    dst,
    mss: null,
    wscale: null,
    sackPermitted: false,
    timestamped: false,
    tsVal: 0,
    tsEcr: 0,
    sackBlocks: NO_BLOCKS,
  };
  return scanOptions(bytes, start + MIN_HEADER, start + headerLength, seg) ? seg : null;
}

/** True when the segment in bytes[start, end) carries a valid checksum over the RFC 9293 pseudo-header. */
export function tcpChecksumOk(bytes: Uint8Array, start: number, end: number, src: number, dst: number): boolean {
  return internetChecksum(bytes, start, end, pseudoHeaderSum(src, dst, IpProtocol.TCP, end - start)) === 0;
}

/**
 * Walks the options in bytes[at, end) into `seg`, with decodeTcp's rules: EOL
 * ends the list, every other option but NOP needs a length byte of at least 2
 * that stays inside the header, known kinds their exact length. A later option
 * of a kind overrides an earlier one. Returns false where decodeTcp fails.
 */
function scanOptions(bytes: Uint8Array, from: number, end: number, seg: SegmentDraft): boolean {
  let at = from;
  while (at < end) {
    const kind = bytes[at]!;
    if (kind === TcpOptionKind.EOL) return true;
    if (kind === TcpOptionKind.NOP) {
      at++;
      continue;
    }
    if (at + 1 >= end) return false;
    const length = bytes[at + 1]!;
    if (length < 2 || at + length > end || !readOption(bytes, at, kind, length, seg)) return false;
    at += length;
  }
  return true;
}

/** Takes one option of kind ≥ 2 into `seg`; false when a known kind has the wrong length. */
function readOption(bytes: Uint8Array, at: number, kind: number, length: number, seg: SegmentDraft): boolean {
  switch (kind) {
    case TcpOptionKind.MSS:
      seg.mss = readU16(bytes, at + 2);
      return length === 4;
    case TcpOptionKind.WSCALE:
      seg.wscale = Math.min(bytes[at + 2]!, 14);
      return length === 3;
    case TcpOptionKind.SACK_PERMITTED:
      seg.sackPermitted = true;
      return length === 2;
    case TcpOptionKind.SACK:
      return readSack(bytes, at, length, seg);
    case TcpOptionKind.TIMESTAMPS:
      seg.timestamped = true;
      seg.tsVal = readU32(bytes, at + 2);
      seg.tsEcr = readU32(bytes, at + 6);
      return length === 10;
    default:
      return true; // unknown kinds are skipped (RFC 9293 §3.1: a receiver ignores options it does not implement)
  }
}

function readSack(bytes: Uint8Array, at: number, length: number, seg: SegmentDraft): boolean {
  const count = (length - 2) / 8;
  if (!Number.isInteger(count) || count < 1 || count > 4) return false;
  const blocks: (readonly [number, number])[] = [];
  for (let i = at + 2; i < at + length; i += 8) blocks.push([readU32(bytes, i), readU32(bytes, i + 4)]);
  seg.sackBlocks = blocks;
  return true;
}

/** True when `flag` is set on the segment. */
export const has = (seg: InboundSegment, flag: number): boolean => (seg.flags & flag) !== 0;

/** SEG.LEN: payload plus one for SYN and one for FIN. */
export function segmentLength(seg: InboundSegment): number {
  return seg.payload.length + (has(seg, TcpFlag.SYN) ? 1 : 0) + (has(seg, TcpFlag.FIN) ? 1 : 0);
}
