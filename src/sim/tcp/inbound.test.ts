// Proves that the engine's in-place segment reader agrees with the wire codec:
// for valid, truncated, bit-flipped and overwritten segments placed at an offset
// inside a larger buffer, readInboundSegment fails exactly when decodeTcp does,
// and otherwise yields decodeTcp's fields, payload and options of interest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTcp, encodeTcp } from '../wire/tcp';
import type { TcpHeader } from '../wire/types';
import { mutationArb, tcpInputArb, u32 } from '../wire/test/wire-arbitraries';
import { readInboundSegment, tcpChecksumOk, type InboundSegment } from './inbound';

const LEAD = 24; // bytes before the segment, as an IPv4 header with options would put there

/** What the engine should see in a decoded header: its fields and the last option of each kind it uses. */
function expected(header: TcpHeader, payload: Uint8Array, src: number, dst: number): InboundSegment {
  const seg = {
    srcPort: header.srcPort, dstPort: header.dstPort, seq: header.seq, ack: header.ack, flags: header.flags, window: header.window,
    payload, packetId: 7, src, dst, mss: null as number | null, wscale: null as number | null, sackPermitted: false,
    timestamped: false, tsVal: 0, tsEcr: 0, sackBlocks: [] as readonly (readonly [number, number])[],
  };
  for (const o of header.options) {
    if (o.kind === 'mss') seg.mss = o.mss;
    else if (o.kind === 'wscale') seg.wscale = Math.min(o.shift, 14);
    else if (o.kind === 'sack-permitted') seg.sackPermitted = true;
    else if (o.kind === 'timestamps') Object.assign(seg, { timestamped: true, tsVal: o.tsVal, tsEcr: o.tsEcr });
    else if (o.kind === 'sack') seg.sackBlocks = o.blocks;
  }
  return seg;
}

function embedded(segment: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(LEAD + segment.length + 3).fill(0xee);
  bytes.set(segment, LEAD);
  return bytes;
}

describe('readInboundSegment', () => {
  it('agrees with decodeTcp on valid and damaged segments', () => {
    const cases = fc
      .tuple(tcpInputArb, fc.uint8Array({ maxLength: 64 }), u32, u32)
      .chain(([input, payload, src, dst]) => fc.tuple(mutationArb(encodeTcp(input, payload, src, dst)), fc.constant(src), fc.constant(dst)));
    fc.assert(
      fc.property(cases, ([segment, src, dst]) => {
        const bytes = embedded(segment);
        const end = LEAD + segment.length;
        const read = readInboundSegment(bytes, LEAD, end, src, dst, 7);
        const decoded = decodeTcp(segment, src, dst);
        if (!decoded.ok) {
          expect(read).toBeNull();
          return;
        }
        expect(read).toEqual(expected(decoded.value.header, decoded.value.payload, src, dst));
        expect(tcpChecksumOk(bytes, LEAD, end, src, dst)).toBe(decoded.value.checksumOk);
      }),
      { numRuns: 2000 },
    );
  });
});
