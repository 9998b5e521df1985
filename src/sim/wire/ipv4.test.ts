// Proves the IPv4 codec byte-exact against a real captured header, walks every
// decoder error path and every encoder RangeError, then uses fast-check (1000 runs
// each) for round-trips, never-throwing decodes of garbage, and single-bit-flip detection.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internetChecksum } from './checksum';
import { decodeIpv4, encodeIpv4, ipv4HeaderChecksumOk } from './ipv4';
import type { Ipv4Input } from './ipv4';
import { ipv4AddressOrThrow } from './ipv4-address';
import { IpProtocol } from './types';
import { flipBit, hex, ipv4InputArb, isWellFormedFailure, mutationArb, payloadArb, referenceVerifies } from './test/wire-arbitraries';

const REAL_HEADER = '45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7';
const REAL_FIELDS: Ipv4Input = { src: ipv4AddressOrThrow('192.168.0.1'), dst: ipv4AddressOrThrow('192.168.0.199'), protocol: IpProtocol.UDP };

/** A real datagram: the captured header followed by 95 payload bytes (total length 0x73). */
function realDatagram(): Uint8Array {
  const bytes = new Uint8Array(0x73);
  bytes.set(hex(REAL_HEADER));
  for (let i = 20; i < bytes.length; i++) bytes[i] = i;
  return bytes;
}

/** Decodes and fails the test with the error message if decoding failed. */
function decodeOk(bytes: Uint8Array): ReturnType<typeof decodeIpv4> & { ok: true } {
  const result = decodeIpv4(bytes);
  if (!result.ok) throw new Error(`unexpected decode error: ${result.error}`);
  return result;
}

/** A copy of bytes with a 16-bit big-endian field overwritten. */
function withU16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value >>> 8;
  copy[at + 1] = value & 0xff;
  return copy;
}

describe('encodeIpv4 known answers', () => {
  it('reproduces a real header byte for byte from defaults (ttl 64, DF, id 0, DSCP/ECN 0)', () => {
    const packet = encodeIpv4(REAL_FIELDS, realDatagram().subarray(20));
    expect([...packet.subarray(0, 20)]).toEqual([...hex(REAL_HEADER)]);
    expect(packet.length).toBe(0x73);
    expect([...packet]).toEqual([...realDatagram()]);
  });

  it('writes every explicit field where RFC 791 puts it', () => {
    const packet = encodeIpv4(
      { src: 0x01020304, dst: 0xfffefdfc, protocol: 6, ttl: 1, identification: 0xbeef, dontFragment: false, moreFragments: true, fragmentOffset: 0x1abc, dscp: 46, ecn: 3, options: hex('01 01 01 00') },
      hex('aa bb'),
    );
    expect([...packet]).toEqual([...hex('46 bb 00 1a be ef 3a bc 01 06'), packet[10], packet[11], ...hex('01 02 03 04 ff fe fd fc 01 01 01 00 aa bb')]);
    expect(ipv4HeaderChecksumOk(packet)).toBe(true);
  });

  it.each<[string, Partial<Ipv4Input>, Uint8Array]>([
    ['options not a multiple of 4', { options: new Uint8Array(3) }, new Uint8Array(0)],
    ['options over 40 bytes', { options: new Uint8Array(44) }, new Uint8Array(0)],
    ['ttl 256', { ttl: 256 }, new Uint8Array(0)],
    ['negative src', { src: -1 }, new Uint8Array(0)],
    ['dst 2^32', { dst: 2 ** 32 }, new Uint8Array(0)],
    ['protocol 1.5', { protocol: 1.5 }, new Uint8Array(0)],
    ['dscp 64', { dscp: 64 }, new Uint8Array(0)],
    ['ecn 4', { ecn: 4 }, new Uint8Array(0)],
    ['identification 65536', { identification: 65536 }, new Uint8Array(0)],
    ['fragment offset 8192', { fragmentOffset: 8192 }, new Uint8Array(0)],
    ['total length over 65535', {}, new Uint8Array(65516)],
  ])('throws a RangeError for %s', (_name, override, payload) => {
    expect(() => encodeIpv4({ ...REAL_FIELDS, ...override }, payload)).toThrow(RangeError);
  });

  it('accepts the largest datagram and 40 bytes of options', () => {
    expect(encodeIpv4(REAL_FIELDS, new Uint8Array(65515)).length).toBe(65535);
    expect(encodeIpv4({ ...REAL_FIELDS, options: new Uint8Array(40) }, new Uint8Array(0))[0]).toBe(0x4f);
  });
});

describe('decodeIpv4', () => {
  it('decodes the real header and verifies its checksum', () => {
    const { value } = decodeOk(realDatagram());
    expect(value.checksumOk).toBe(true);
    expect(value.header).toEqual({
      ihl: 5, dscp: 0, ecn: 0, totalLength: 0x73, identification: 0, dontFragment: true, moreFragments: false, fragmentOffset: 0,
      ttl: 64, protocol: 17, checksum: 0xb861, src: 0xc0a80001, dst: 0xc0a800c7, options: new Uint8Array(0),
    });
    expect(value.payload.length).toBe(95);
  });

  it('returns the payload as a view, ignoring link-layer padding past the total length', () => {
    const padded = new Uint8Array(0x73 + 7);
    padded.set(realDatagram());
    const { value } = decodeOk(padded);
    expect(value.payload.buffer).toBe(padded.buffer);
    expect(value.payload.byteOffset).toBe(20);
    expect(value.payload.length).toBe(95);
  });

  it('reports a bad checksum without failing the decode', () => {
    const corrupted = withU16(realDatagram(), 10, 0xb862);
    expect(decodeOk(corrupted).value.checksumOk).toBe(false);
    expect(ipv4HeaderChecksumOk(corrupted)).toBe(false);
  });

  it.each<[string, Uint8Array, number, string]>([
    ['fewer than 20 bytes', realDatagram().subarray(0, 19), 19, 'IPv4 header needs 20 bytes but only 19 were received'],
    ['version 6', (() => { const b = realDatagram(); b[0] = 0x65; return b; })(), 0, 'IPv4 version 6 is not 4 (byte 0)'],
    ['IHL 4', (() => { const b = realDatagram(); b[0] = 0x44; return b; })(), 0, 'IPv4 IHL 4 is below the minimum of 5 words (byte 0)'],
    ['IHL beyond the bytes', (() => { const b = realDatagram().slice(0, 40); b[0] = 0x4f; return b; })(), 0, 'IPv4 IHL 15 (60 bytes) exceeds the 40 bytes received (byte 0)'],
    ['total length below the header', withU16(realDatagram(), 2, 19), 2, 'IPv4 total length 19 is shorter than the 20-byte header (byte 2)'],
    ['total length beyond the bytes', withU16(realDatagram().slice(0, 40), 2, 60), 2, 'IPv4 total length 60 exceeds the 40 bytes received (byte 2)'],
  ])('fails on %s, naming the field and offset', (_name, bytes, offset, message) => {
    expect(decodeIpv4(bytes)).toEqual({ ok: false, error: message, offset });
  });

  it('ipv4HeaderChecksumOk is false for headers it cannot delimit', () => {
    expect(ipv4HeaderChecksumOk(new Uint8Array(19))).toBe(false);
    const shortIhl = realDatagram();
    shortIhl[0] = 0x44;
    expect(ipv4HeaderChecksumOk(shortIhl)).toBe(false);
    // Even when the 16 bytes an IHL of 4 would cover carry a checksum that verifies.
    shortIhl[10] = 0;
    shortIhl[11] = 0;
    const sum = internetChecksum(shortIhl, 0, 16);
    shortIhl[10] = sum >>> 8;
    shortIhl[11] = sum & 0xff;
    expect(internetChecksum(shortIhl, 0, 16)).toBe(0);
    expect(ipv4HeaderChecksumOk(shortIhl)).toBe(false);
    expect(ipv4HeaderChecksumOk(realDatagram().slice(0, 20))).toBe(true);
  });

  it('detects every single-bit flip of the real header', () => {
    const packet = realDatagram();
    for (let bit = 0; bit < 160; bit++) {
      const result = decodeIpv4(flipBit(packet, bit));
      expect(result.ok && result.value.checksumOk, `bit ${String(bit)}`).toBe(false);
    }
  });
});

describe('IPv4 properties', () => {
  it('round-trips random valid headers and payloads byte-exactly', () => {
    fc.assert(
      fc.property(ipv4InputArb, payloadArb, (input, payload) => {
        const packet = encodeIpv4(input, payload);
        const { value } = decodeOk(packet);
        const options = input.options ?? new Uint8Array(0);
        expect(value.checksumOk).toBe(true);
        expect({ ...value.header, checksum: 0, options: [...value.header.options] }).toEqual({
          ihl: 5 + options.length / 4,
          dscp: input.dscp ?? 0,
          ecn: input.ecn ?? 0,
          totalLength: 20 + options.length + payload.length,
          identification: input.identification ?? 0,
          dontFragment: input.dontFragment ?? true,
          moreFragments: input.moreFragments ?? false,
          fragmentOffset: input.fragmentOffset ?? 0,
          ttl: input.ttl ?? 64,
          protocol: input.protocol,
          checksum: 0,
          src: input.src,
          dst: input.dst,
          options: [...options],
        });
        expect([...value.payload]).toEqual([...payload]);
        expect(encodeIpv4(value.header, value.payload)).toEqual(packet);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes and reports failures with a message and an in-range offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const result = decodeIpv4(bytes);
        if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
        expect(typeof ipv4HeaderChecksumOk(bytes)).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on truncated, bit-flipped or overwritten valid datagrams', () => {
    const mutated = fc
      .tuple(ipv4InputArb, fc.uint8Array({ maxLength: 200 }))
      .chain(([input, payload]) => mutationArb(encodeIpv4(input, payload)));
    fc.assert(
      fc.property(mutated, (bytes) => {
        const result = decodeIpv4(bytes);
        if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
        else expect(result.value.payload.length).toBe(result.value.header.totalLength - result.value.header.ihl * 4);
      }),
      { numRuns: 1000 },
    );
  });

  it('turns any single header-bit flip outside IHL into a checksum failure or a decode error', () => {
    const cases = fc
      .tuple(ipv4InputArb, fc.uint8Array({ maxLength: 64 }))
      .map(([input, payload]) => encodeIpv4(input, payload))
      .chain((packet) => fc.tuple(fc.constant(packet), fc.integer({ min: 0, max: (packet[0]! & 0x0f) * 32 - 1 }).filter((b) => b >= 8 || b < 4)));
    fc.assert(
      fc.property(cases, ([packet, bit]) => {
        const result = decodeIpv4(flipBit(packet, bit));
        expect(result.ok && result.value.checksumOk).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('judges IHL-bit flips (which move the checksummed extent) exactly as a naive reference would', () => {
    // Changing IHL changes which bytes the checksum covers, so RFC 1071 cannot promise detection;
    // the decoder must still agree with a from-scratch check of the extent it chose.
    const cases = fc
      .tuple(ipv4InputArb, fc.uint8Array({ minLength: 40, maxLength: 64 }), fc.integer({ min: 4, max: 7 }))
      .map(([input, payload, bit]) => [encodeIpv4(input, payload), bit] as const);
    fc.assert(
      fc.property(cases, ([packet, bit]) => {
        const flipped = flipBit(packet, bit);
        const result = decodeIpv4(flipped);
        if (result.ok) expect(result.value.checksumOk).toBe(referenceVerifies([], flipped.subarray(0, result.value.header.ihl * 4)));
        else expect(result.error).toMatch(/IHL|total length/);
      }),
      { numRuns: 1000 },
    );
  });
});
