// Proves the UDP codec against smoltcp's test datagram, RFC 768's zero-checksum
// rules and every decoder error path, then uses fast-check (1000 runs each) for
// round-trips, garbage decodes and single-bit-flip detection (with RFC 768's exceptions).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUdp, encodeUdp } from './udp';
import { ipv4AddressOrThrow } from './ipv4-address';
import { IpProtocol } from './types';
import {
  flipBit, hex, isWellFormedFailure, mutationArb, payloadArb, pseudoHeaderBytes, referenceVerifies, u16, u32,
} from './test/wire-arbitraries';

const SRC = ipv4AddressOrThrow('192.168.1.1');
const DST = ipv4AddressOrThrow('192.168.1.2');
// smoltcp src/wire/udp.rs test vector: 48896 -> 53, 4 payload bytes, checksum 0x124d.
const SMOLTCP_DATAGRAM = 'bf 00 00 35 00 0c 12 4d aa 00 00 ff';

/** Decodes and fails the test with the error message if decoding failed. */
function decodeOk(bytes: Uint8Array, src = SRC, dst = DST): ReturnType<typeof decodeUdp> & { ok: true } {
  const result = decodeUdp(bytes, src, dst);
  if (!result.ok) throw new Error(`unexpected decode error: ${result.error}`);
  return result;
}

describe('UDP known answers', () => {
  it('encodes and decodes the smoltcp datagram byte for byte', () => {
    expect(encodeUdp({ srcPort: 48896, dstPort: 53 }, hex('aa 00 00 ff'), SRC, DST)).toEqual(hex(SMOLTCP_DATAGRAM));
    const { value } = decodeOk(hex(SMOLTCP_DATAGRAM));
    expect(value.header).toEqual({ srcPort: 48896, dstPort: 53, length: 12, checksum: 0x124d });
    expect(value.payload).toEqual(hex('aa 00 00 ff'));
    expect(value.checksumOk).toBe(true);
  });

  it('sends a computed checksum of zero as 0xffff, which still verifies', () => {
    // Choosing the payload word equal to the checksum of a zero payload drives the sum to 0xffff.
    const probe = encodeUdp({ srcPort: 1234, dstPort: 5678 }, new Uint8Array(2), SRC, DST);
    const payload = probe.subarray(6, 8).slice();
    const datagram = encodeUdp({ srcPort: 1234, dstPort: 5678 }, payload, SRC, DST);
    expect([datagram[6], datagram[7]]).toEqual([0xff, 0xff]);
    expect(decodeOk(datagram).value.checksumOk).toBe(true);
  });

  it('treats a zero checksum field as "no checksum", even over corrupted data', () => {
    const datagram = hex(SMOLTCP_DATAGRAM);
    datagram[6] = 0;
    datagram[7] = 0;
    datagram[9] = 0x55;
    expect(decodeOk(datagram).value.checksumOk).toBe(true);
    expect(decodeOk(hex(SMOLTCP_DATAGRAM).map((b, i) => (i === 9 ? 0x55 : b))).value.checksumOk).toBe(false);
  });

  it('ignores bytes past the length field and returns the payload as a view', () => {
    const padded = new Uint8Array(20);
    padded.set(hex(SMOLTCP_DATAGRAM));
    const { value } = decodeOk(padded);
    expect(value.checksumOk).toBe(true);
    expect(value.payload.buffer).toBe(padded.buffer);
    expect(value.payload.length).toBe(4);
  });

  it.each<[string, Uint8Array, number, string]>([
    ['fewer than 8 bytes', new Uint8Array(7), 7, 'UDP header needs 8 bytes but only 7 were received'],
    ['length 7', hex('00 01 00 02 00 07 00 00'), 4, 'UDP length 7 is shorter than the 8-byte header (byte 4)'],
    ['length past the bytes', hex('00 01 00 02 00 0d 00 00 aa 00 00 ff'), 4, 'UDP length 13 exceeds the 12 bytes received (byte 4)'],
  ])('fails on %s', (_name, bytes, offset, message) => {
    expect(decodeUdp(bytes, SRC, DST)).toEqual({ ok: false, error: message, offset });
  });

  it('throws a RangeError for fields out of range and accepts the largest datagram', () => {
    expect(() => encodeUdp({ srcPort: 65536, dstPort: 1 }, new Uint8Array(0), SRC, DST)).toThrow(RangeError);
    expect(() => encodeUdp({ srcPort: 1, dstPort: -1 }, new Uint8Array(0), SRC, DST)).toThrow(RangeError);
    expect(() => encodeUdp({ srcPort: 1, dstPort: 1 }, new Uint8Array(0), SRC, 2 ** 32)).toThrow(RangeError);
    expect(() => encodeUdp({ srcPort: 1, dstPort: 1 }, new Uint8Array(65528), SRC, DST)).toThrow(RangeError);
    expect(encodeUdp({ srcPort: 1, dstPort: 1 }, new Uint8Array(65527), SRC, DST).length).toBe(65535);
  });
});

describe('UDP properties', () => {
  it('round-trips random datagrams byte-exactly', () => {
    fc.assert(
      fc.property(u16, u16, payloadArb, u32, u32, (srcPort, dstPort, payload, src, dst) => {
        const datagram = encodeUdp({ srcPort, dstPort }, payload, src, dst);
        const { value } = decodeOk(datagram, src, dst);
        expect(value.checksumOk).toBe(true);
        expect(value.header.checksum).not.toBe(0);
        expect({ ...value.header, checksum: 0 }).toEqual({ srcPort, dstPort, length: 8 + payload.length, checksum: 0 });
        expect(value.payload).toEqual(payload);
        expect(encodeUdp(value.header, value.payload, src, dst)).toEqual(datagram);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), u32, u32, (bytes, src, dst) => {
        const result = decodeUdp(bytes, src, dst);
        if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on truncated, bit-flipped or overwritten valid datagrams', () => {
    const mutated = fc.tuple(u16, u16, fc.uint8Array({ maxLength: 100 })).chain(([s, d, p]) => mutationArb(encodeUdp({ srcPort: s, dstPort: d }, p, SRC, DST)));
    fc.assert(
      fc.property(mutated, (bytes) => {
        const result = decodeUdp(bytes, SRC, DST);
        if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
        else expect(result.value.payload.length).toBe(result.value.header.length - 8);
      }),
      { numRuns: 1000 },
    );
  });

  it('turns any single-bit flip into a checksum failure or decode error, save RFC 768 exceptions', () => {
    // Exceptions, asserted precisely: a flip that zeroes the checksum field means "no checksum";
    // a flip of the length field moves the checksummed extent, so the decoder must agree with a
    // naive reference over the extent it chose rather than be guaranteed to notice.
    const cases = fc.tuple(u16, u16, fc.uint8Array({ maxLength: 300 }), u32, u32).chain(([sp, dp, payload, src, dst]) => {
      const datagram = encodeUdp({ srcPort: sp, dstPort: dp }, payload, src, dst);
      return fc.tuple(fc.constant({ datagram, src, dst }), fc.integer({ min: 0, max: datagram.length * 8 - 1 }));
    });
    fc.assert(
      fc.property(cases, ([{ datagram, src, dst }, bit]) => {
        const flipped = flipBit(datagram, bit);
        const result = decodeUdp(flipped, src, dst);
        const inLength = bit >= 32 && bit < 48;
        if (result.ok && result.value.header.checksum === 0) {
          expect(result.value.checksumOk).toBe(true);
        } else if (inLength && result.ok) {
          const extent = flipped.subarray(0, result.value.header.length);
          expect(result.value.checksumOk).toBe(referenceVerifies(pseudoHeaderBytes(src, dst, IpProtocol.UDP, extent.length), extent));
        } else {
          expect(result.ok && result.value.checksumOk).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('detects every single-bit flip of the smoltcp datagram, length field included', () => {
    const datagram = hex(SMOLTCP_DATAGRAM);
    for (let bit = 0; bit < datagram.length * 8; bit++) {
      const result = decodeUdp(flipBit(datagram, bit), SRC, DST);
      expect(result.ok && result.value.checksumOk, `bit ${String(bit)}`).toBe(false);
    }
  });
});
