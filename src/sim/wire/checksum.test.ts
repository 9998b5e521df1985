// Proves the RFC 1071 checksum against the RFC's own worked example, odd lengths,
// end-around carry and a real IPv4 header, then checks with fast-check that it
// agrees with a naive word-by-word reference and that partial sums chain.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum';
import { hex, pseudoHeaderBytes, referenceSum, u32 } from './test/wire-arbitraries';

describe('onesComplementSum / internetChecksum known answers', () => {
  it('matches the RFC 1071 §3 example (00 01 f2 03 f4 f5 f6 f7 sums to ddf2)', () => {
    const data = hex('00 01 f2 03 f4 f5 f6 f7');
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('pads an odd final byte with zero on the right', () => {
    expect(onesComplementSum(hex('01'))).toBe(0x0100);
    expect(internetChecksum(hex('01'))).toBe(0xfeff);
    // ab cd + ef 00 = 1 9a cd, folded to 9a ce
    expect(onesComplementSum(hex('ab cd ef'))).toBe(0x9ace);
    expect(internetChecksum(hex('ab cd ef'))).toBe(0x6531);
  });

  it('wraps carries around (ff ff + 00 01 is 00 01, not 00 00) and keeps negative zero', () => {
    expect(onesComplementSum(hex('ff ff 00 01'))).toBe(0x0001);
    expect(onesComplementSum(hex('ff ff ff ff'))).toBe(0xffff);
    expect(internetChecksum(hex('ff ff ff ff'))).toBe(0x0000);
  });

  it('gives 0xffff for no data and honours start/end/initial', () => {
    expect(internetChecksum(new Uint8Array(0))).toBe(0xffff);
    const data = hex('99 00 01 f2 03 f4 f5 f6 f7 99');
    expect(onesComplementSum(data, 1, 9)).toBe(0xddf2);
    expect(internetChecksum(data, 1, 9, 0x0001)).toBe(0x220c);
  });

  it('verifies a real IPv4 header (checksum b861) and recomputes it from a zeroed field', () => {
    const header = hex('45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7');
    expect(internetChecksum(header)).toBe(0);
    header[10] = 0;
    header[11] = 0;
    expect(internetChecksum(header)).toBe(0xb861);
  });

  it('keeps every carry over 64 KiB of 0xff (32767 words of ffff plus a padded ff00)', () => {
    const data = new Uint8Array(65535).fill(0xff);
    expect(onesComplementSum(data)).toBe(0xff00);
    expect(internetChecksum(data)).toBe(0x00ff);
    expect(onesComplementSum(new Uint8Array(1 << 20).fill(0xff))).toBe(0xffff);
  });
});

describe('checksum properties', () => {
  it('agrees with a naive word-by-word reference on random data and ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (data, a, b) => {
        const start = data.length === 0 ? 0 : a % (data.length + 1);
        const end = start + (b % (data.length - start + 1));
        const expected = referenceSum([...data.subarray(start, end)]);
        expect(onesComplementSum(data, start, end)).toBe(expected);
        expect(internetChecksum(data, start, end)).toBe(~expected & 0xffff);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the reference on long ranges at every alignment, where 16-bit words are summed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 2000 }), fc.nat(7), fc.nat(7), (data, lead, trim) => {
        const view = data.subarray(lead % data.length);
        const end = Math.max(0, view.length - trim);
        const expected = referenceSum([...view.subarray(0, end)]);
        expect(onesComplementSum(view, 0, end)).toBe(expected);
        expect(onesComplementSum(view, 0, end, 0x1234)).toBe(referenceSum([0x12, 0x34, ...view.subarray(0, end)]));
      }),
      { numRuns: 1000 },
    );
  });

  it('chains partial sums split at an even offset, as pseudo-headers need', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, cut) => {
        const split = (cut % (data.length + 1)) & ~1;
        const first = onesComplementSum(data, 0, split);
        expect(internetChecksum(data, split, data.length, first)).toBe(internetChecksum(data));
      }),
      { numRuns: 1000 },
    );
  });

  it('computes the pseudo-header sum equal to summing its explicit 12 bytes', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (src, dst, protocol, length) => {
        const explicit = Uint8Array.from(pseudoHeaderBytes(src, dst, protocol, length));
        // Both are one's-complement sums: equal modulo 0xffff (0 and 0xffff are the same number).
        expect(pseudoHeaderSum(src, dst, protocol, length) % 0xffff).toBe(onesComplementSum(explicit) % 0xffff);
      }),
      { numRuns: 1000 },
    );
  });

  it('makes data verify to 0 once its checksum is appended', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }).map((d) => d.subarray(0, d.length & ~1)), (data) => {
        const sum = internetChecksum(data);
        const withSum = new Uint8Array(data.length + 2);
        withSum.set(data);
        withSum[data.length] = sum >>> 8;
        withSum[data.length + 1] = sum & 0xff;
        expect(internetChecksum(withSum)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});
