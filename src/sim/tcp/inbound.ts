/**
 * An arriving TCP segment as the engine reads it: decoded header, payload and
 * the options pulled out once (RFC 9293 §3.1, RFC 7323, RFC 2018).
 */
import { TcpFlag, type TcpHeader, type TcpOption } from '../wire/types';

/** A decoded segment with its options extracted. */
export interface InboundSegment {
  readonly header: TcpHeader;
  readonly payload: Uint8Array;
  readonly packetId: number;
  readonly src: number;
  readonly dst: number;
  readonly mss: number | null;
  readonly wscale: number | null;
  readonly sackPermitted: boolean;
  readonly timestamps: { readonly tsVal: number; readonly tsEcr: number } | null;
  readonly sackBlocks: readonly (readonly [number, number])[];
}

/** Pull the options of interest out of a decoded header. */
export function inboundSegment(header: TcpHeader, payload: Uint8Array, packetId: number, src: number, dst: number): InboundSegment {
  let mss: number | null = null;
  let wscale: number | null = null;
  let sackPermitted = false;
  let timestamps: InboundSegment['timestamps'] = null;
  let sackBlocks: InboundSegment['sackBlocks'] = [];
  const options = header.options;
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as TcpOption;
    switch (o.kind) {
      case 'mss':
        mss = o.mss;
        break;
      case 'wscale':
        wscale = Math.min(o.shift, 14); // RFC 7323 §2.3: larger shifts are treated as 14
        break;
      case 'sack-permitted':
        sackPermitted = true;
        break;
      case 'timestamps':
        timestamps = { tsVal: o.tsVal, tsEcr: o.tsEcr };
        break;
      case 'sack':
        sackBlocks = o.blocks;
        break;
      default:
        break;
    }
  }
  return { header, payload, packetId, src, dst, mss, wscale, sackPermitted, timestamps, sackBlocks };
}

/** True when `flag` is set on the segment. */
export const has = (seg: InboundSegment, flag: number): boolean => (seg.header.flags & flag) !== 0;

/** SEG.LEN: payload plus one for SYN and one for FIN. */
export function segmentLength(seg: InboundSegment): number {
  return seg.payload.length + (has(seg, TcpFlag.SYN) ? 1 : 0) + (has(seg, TcpFlag.FIN) ? 1 : 0);
}
