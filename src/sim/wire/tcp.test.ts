// Proves the TCP codec against known answers (segments from smoltcp's test suite
// and a Linux SYN's option bytes), walks every option and header error path, then
// uses fast-check (1000 runs each) for round-trips, garbage decodes and bit-flip detection.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTcp, decodeTcpOptions, encodeTcp, encodeTcpOptions, tcpFlagsToString, tcpSegmentLength } from './tcp';
import type { TcpInput } from './tcp';
import { ipv4AddressOrThrow } from './ipv4-address';
import { TcpFlag } from './types';
import type { TcpOption } from './types';
import {
  expectedDecodedOptions, flipBit, hex, isWellFormedFailure, mutationArb, payloadArb, tcpInputArb, tcpOptionWireLength, tcpOptionsArb, u32,
} from './test/wire-arbitraries';

const SRC = ipv4AddressOrThrow('192.168.1.1');
const DST = ipv4AddressOrThrow('192.168.1.2');
// smoltcp src/wire/tcp.rs test vectors: FIN|RST|ACK|URG with 4 payload bytes, and a SYN.
const SMOLTCP_SEGMENT = 'bf 00 00 50 01 23 45 67 89 ab cd ef 50 35 01 23 20 be 02 01 aa 00 00 ff';
const SMOLTCP_SYN = 'bf 00 00 50 01 23 45 67 00 00 00 00 50 02 01 23 7a 8d 00 00 aa 00 00 ff';
// Linux SYN options: mss 1460, sackOK, TS val 0x9a0b1c2d ecr 0, nop, wscale 7.
const LINUX_SYN_OPTIONS = '02 04 05 b4 04 02 08 0a 9a 0b 1c 2d 00 00 00 00 01 03 03 07';
const LINUX_SYN_OPTION_LIST: TcpOption[] = [
  { kind: 'mss', mss: 1460 },
  { kind: 'sack-permitted' },
  { kind: 'timestamps', tsVal: 0x9a0b1c2d, tsEcr: 0 },
  { kind: 'nop' },
  { kind: 'wscale', shift: 7 },
];

/** Decodes and fails the test with the error message if decoding failed. */
function decodeOk(bytes: Uint8Array, src = SRC, dst = DST): ReturnType<typeof decodeTcp> & { ok: true } {
  const result = decodeTcp(bytes, src, dst);
  if (!result.ok) throw new Error(`unexpected decode error: ${result.error}`);
  return result;
}

/** A 20-byte header with data offset 5 + options.length / 4 followed by the given option bytes. */
function segmentWithOptions(options: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(20 + options.length);
  bytes[12] = ((20 + options.length) / 4) << 4;
  bytes.set(options, 20);
  return bytes;
}

describe('TCP known answers', () => {
  it('decodes the smoltcp segment, verifying checksum 0x20be', () => {
    const { value } = decodeOk(hex(SMOLTCP_SEGMENT));
    expect(value.header).toEqual({
      srcPort: 48896, dstPort: 80, seq: 0x01234567, ack: 0x89abcdef, dataOffset: 5,
      flags: TcpFlag.FIN | TcpFlag.RST | TcpFlag.ACK | TcpFlag.URG, window: 0x0123, checksum: 0x20be, urgentPointer: 0x0201, options: [],
    });
    expect([...value.payload]).toEqual([0xaa, 0x00, 0x00, 0xff]);
    expect(value.checksumOk).toBe(true);
  });

  it('encodes the smoltcp segments byte for byte, including an unsigned 32-bit ack', () => {
    const payload = hex('aa 00 00 ff');
    const base = { srcPort: 48896, dstPort: 80, seq: 0x01234567, window: 0x0123 };
    const fin = encodeTcp({ ...base, ack: 0x89abcdef, flags: 0x35, urgentPointer: 0x0201 }, payload, SRC, DST);
    expect(fin).toEqual(hex(SMOLTCP_SEGMENT));
    expect(encodeTcp({ ...base, ack: 0, flags: TcpFlag.SYN }, payload, SRC, DST)).toEqual(hex(SMOLTCP_SYN));
  });

  it('encodes a Linux SYN option block as the 20 bytes Linux sends (data offset 10)', () => {
    expect(encodeTcpOptions(LINUX_SYN_OPTION_LIST)).toEqual(hex(LINUX_SYN_OPTIONS));
    const syn = encodeTcp({ srcPort: 40000, dstPort: 443, seq: 0xfffffff0, ack: 0, flags: TcpFlag.SYN, window: 64240, options: LINUX_SYN_OPTION_LIST }, new Uint8Array(0), SRC, DST);
    expect(syn.length).toBe(40);
    expect(syn[12]).toBe(0xa0);
    expect(syn.subarray(20)).toEqual(hex(LINUX_SYN_OPTIONS));
    const { value } = decodeOk(syn);
    expect(value.header.dataOffset).toBe(10);
    expect(value.header.options).toEqual(LINUX_SYN_OPTION_LIST);
    expect(value.header.seq).toBe(0xfffffff0);
    expect(value.checksumOk).toBe(true);
  });

  it('lays out NOP, NOP, timestamps as every Linux data segment carries them (data offset 8)', () => {
    const options: TcpOption[] = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal: 0x01020304, tsEcr: 0xfffffffe }];
    expect(encodeTcpOptions(options)).toEqual(hex('01 01 08 0a 01 02 03 04 ff ff ff fe'));
    const ack = encodeTcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlag.ACK, window: 5, options }, hex('aa bb cc'), SRC, DST);
    expect(ack[12]).toBe(0x80);
    expect(decodeOk(ack).value.header.options).toEqual(options);
    expect(decodeOk(ack).value.checksumOk).toBe(true);
    expect(() => encodeTcpOptions([options[0]!, options[1]!, { kind: 'timestamps', tsVal: -1, tsEcr: 0 }])).toThrow(RangeError);
  });

  it('fails the checksum when the pseudo-header addresses differ', () => {
    expect(decodeOk(hex(SMOLTCP_SEGMENT), SRC, DST ^ 1).value.checksumOk).toBe(false);
    expect(decodeOk(hex(SMOLTCP_SEGMENT), DST, SRC).value.checksumOk).toBe(true); // the sum is symmetric in src/dst
  });
});

describe('TCP options', () => {
  it('pads with EOL bytes to a 4-byte boundary, which decodes as one EOL', () => {
    const bytes = encodeTcpOptions([{ kind: 'mss', mss: 536 }, { kind: 'wscale', shift: 14 }]);
    expect(bytes).toEqual(hex('02 04 02 18 03 03 0e 00'));
    expect(decodeTcpOptions(bytes)).toEqual({ ok: true, value: [{ kind: 'mss', mss: 536 }, { kind: 'wscale', shift: 14 }, { kind: 'eol' }] });
    expect(encodeTcpOptions([])).toEqual(new Uint8Array(0));
  });

  it('stops at EOL, recording it once and ignoring what follows', () => {
    expect(decodeTcpOptions(hex('01 00 02 04 05 b4 00 00'))).toEqual({ ok: true, value: [{ kind: 'nop' }, { kind: 'eol' }] });
  });

  it('decodes SACK with 1 to 4 blocks and unknown kinds with their data', () => {
    const sack4 = hex('05 22 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 ff ff ff f0 ff ff ff ff 80 00 00 00 80 00 00 01');
    expect(decodeTcpOptions(sack4)).toEqual({ ok: true, value: [{ kind: 'sack', blocks: [[1, 2], [3, 4], [0xfffffff0, 0xffffffff], [0x80000000, 0x80000001]] }] });
    expect(decodeTcpOptions(hex('05 0a 00 00 00 01 00 00 00 02'))).toEqual({ ok: true, value: [{ kind: 'sack', blocks: [[1, 2]] }] });
    expect(decodeTcpOptions(hex('1e 04 12 34 22 02'))).toEqual({
      ok: true, value: [{ kind: 'unknown', type: 30, data: hex('12 34') }, { kind: 'unknown', type: 34, data: new Uint8Array(0) }],
    });
  });

  it.each<[string, string, number, string]>([
    ['length byte 1', '1e 01 00 00', 1, 'TCP option kind 30 at byte 0 has length 1, below the minimum of 2'],
    ['length byte 0', '01 02 00 00', 2, 'TCP option kind 2 at byte 1 has length 0, below the minimum of 2'],
    ['missing length byte', '01 01 01 02', 3, 'TCP option kind 2 at byte 3 has no length byte before the options end at byte 4'],
    ['length past the end', '01 08 0a 00', 2, 'TCP option kind 8 at byte 1 has length 10, running past the options end at byte 4'],
    ['MSS length 3', '02 03 05 01', 1, 'TCP MSS option at byte 0 has length 3, expected 4'],
    ['wscale length 4', '03 04 07 00', 1, 'TCP window scale option at byte 0 has length 4, expected 3'],
    ['SACK-permitted length 3', '04 03 00 00', 1, 'TCP SACK-permitted option at byte 0 has length 3, expected 2'],
    ['SACK length 2 (no blocks)', '05 02 00 00', 1, 'TCP SACK option at byte 0 has length 2, expected 2 + 8n with n = 1..4'],
    ['SACK length 7', '05 07 00 00 00 00 00 00', 1, 'TCP SACK option at byte 0 has length 7, expected 2 + 8n with n = 1..4'],
    ['SACK with 5 blocks', `05 2a ${'00 '.repeat(40)}`, 1, 'TCP SACK option at byte 0 has length 42, expected 2 + 8n with n = 1..4'],
    ['timestamps length 8', '08 08 00 00 00 00 00 00', 1, 'TCP timestamps option at byte 0 has length 8, expected 10'],
  ])('rejects %s, naming the option and offset', (_name, bytes, offset, message) => {
    expect(decodeTcpOptions(hex(bytes))).toEqual({ ok: false, error: message, offset });
  });

  it.each<[string, TcpOption[]]>([
    ['more than 40 bytes', [{ kind: 'sack', blocks: [[1, 2], [3, 4], [5, 6], [7, 8]] }, { kind: 'timestamps', tsVal: 1, tsEcr: 2 }]],
    ['SACK with no blocks', [{ kind: 'sack', blocks: [] }]],
    ['SACK with 5 blocks', [{ kind: 'sack', blocks: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]] }]],
    ['an unknown option using a known kind', [{ kind: 'unknown', type: 2, data: hex('05 b4') }]],
    ['an unknown option kind above 255', [{ kind: 'unknown', type: 256, data: new Uint8Array(0) }]],
    ['MSS 65536', [{ kind: 'mss', mss: 65536 }]],
    ['wscale 256', [{ kind: 'wscale', shift: 256 }]],
    ['a negative TSval', [{ kind: 'timestamps', tsVal: -1, tsEcr: 0 }]],
    ['a SACK edge of 2^32', [{ kind: 'sack', blocks: [[0, 2 ** 32]] }]],
  ])('throws a RangeError when encoding %s', (_name, options) => {
    expect(() => encodeTcpOptions(options)).toThrow(RangeError);
    expect(() => encodeTcp({ srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, window: 0, options }, new Uint8Array(0), SRC, DST)).toThrow(RangeError);
  });

  it('accepts exactly 40 bytes of options', () => {
    const options: TcpOption[] = [{ kind: 'sack', blocks: [[1, 2], [3, 4], [5, 6], [7, 8]] }, { kind: 'mss', mss: 1 }, { kind: 'nop' }, { kind: 'nop' }];
    expect(encodeTcpOptions(options).length).toBe(40);
  });
});

describe('decodeTcp errors', () => {
  it.each<[string, Uint8Array, number, string]>([
    ['fewer than 20 bytes', new Uint8Array(19), 19, 'TCP header needs 20 bytes but only 19 were received'],
    ['data offset 4', segmentWithOptions(new Uint8Array(0)).map((b, i) => (i === 12 ? 0x40 : b)), 12, 'TCP data offset 4 is below the minimum of 5 words (byte 12)'],
    ['data offset past the bytes', segmentWithOptions(new Uint8Array(4)).map((b, i) => (i === 12 ? 0xf0 : b)), 12, 'TCP data offset 15 (60 bytes) exceeds the 24 bytes received (byte 12)'],
    ['malformed options, with offsets counted from the segment start', segmentWithOptions(hex('01 02 03 05')), 22, 'TCP MSS option at byte 21 has length 3, expected 4'],
    ['an option running into the payload', (() => { const s = new Uint8Array(30); s.set(segmentWithOptions(hex('01 01 08 0a'))); return s; })(), 23, 'TCP option kind 8 at byte 22 has length 10, running past the options end at byte 24'],
  ])('fails on %s', (_name, bytes, offset, message) => {
    expect(decodeTcp(bytes, SRC, DST)).toEqual({ ok: false, error: message, offset });
  });

  it('throws a RangeError for fields out of range', () => {
    const base: TcpInput = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, window: 0 };
    const bad: Partial<TcpInput>[] = [{ srcPort: 65536 }, { dstPort: -1 }, { seq: 2 ** 32 }, { ack: 0.5 }, { flags: 256 }, { window: 70000 }, { urgentPointer: 65536 }];
    for (const override of bad) expect(() => encodeTcp({ ...base, ...override }, new Uint8Array(0), SRC, DST)).toThrow(RangeError);
    expect(() => encodeTcp(base, new Uint8Array(0), -1, DST)).toThrow(RangeError);
    expect(() => encodeTcp(base, new Uint8Array(65516), SRC, DST)).toThrow(RangeError);
    expect(encodeTcp(base, new Uint8Array(65515), SRC, DST).length).toBe(65535);
  });
});

describe('flag text and SEG.LEN', () => {
  it.each([
    [TcpFlag.SYN, 'SYN'],
    [TcpFlag.SYN | TcpFlag.ACK, 'SYN, ACK'],
    [TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK, 'FIN, PSH, ACK'],
    [TcpFlag.RST | TcpFlag.ACK, 'RST, ACK'],
    [TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR, 'SYN, ECE, CWR'],
    [0xff, 'FIN, SYN, RST, PSH, ACK, URG, ECE, CWR'],
    [0, '<None>'],
  ])('formats %i as "%s"', (flags, text) => {
    expect(tcpFlagsToString(flags)).toBe(text);
  });

  it('counts SYN and FIN as one octet each of sequence space', () => {
    expect(tcpSegmentLength({ flags: TcpFlag.SYN }, 0)).toBe(1);
    expect(tcpSegmentLength({ flags: TcpFlag.ACK }, 100)).toBe(100);
    expect(tcpSegmentLength({ flags: TcpFlag.FIN | TcpFlag.ACK }, 10)).toBe(11);
    expect(tcpSegmentLength({ flags: TcpFlag.SYN | TcpFlag.FIN }, 10)).toBe(12);
    expect(tcpSegmentLength({ flags: TcpFlag.RST }, 0)).toBe(0);
  });
});

describe('TCP properties', () => {
  it('round-trips random valid option lists on their own', () => {
    fc.assert(
      fc.property(tcpOptionsArb, (options) => {
        const bytes = encodeTcpOptions(options);
        expect(bytes.length % 4).toBe(0);
        expect(decodeTcpOptions(bytes)).toEqual({ ok: true, value: expectedDecodedOptions(options) });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips random valid segments byte-exactly', () => {
    fc.assert(
      fc.property(tcpInputArb, payloadArb, u32, u32, (input, payload, src, dst) => {
        const segment = encodeTcp(input, payload, src, dst);
        const { value } = decodeOk(segment, src, dst);
        const optionBytes = ((input.options ?? []).reduce((sum, o) => sum + tcpOptionWireLength(o), 0) + 3) & ~3;
        expect(value.checksumOk).toBe(true);
        expect({ ...value.header, checksum: 0 }).toEqual({
          srcPort: input.srcPort, dstPort: input.dstPort, seq: input.seq, ack: input.ack, flags: input.flags, window: input.window,
          urgentPointer: input.urgentPointer ?? 0, dataOffset: 5 + optionBytes / 4, checksum: 0, options: expectedDecodedOptions(input.options ?? []),
        });
        expect(value.payload).toEqual(payload);
        expect(encodeTcp(value.header, value.payload, src, dst)).toEqual(segment);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes, from either decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), u32, u32, (bytes, src, dst) => {
        for (const result of [decodeTcp(bytes, src, dst), decodeTcpOptions(bytes)]) {
          if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on truncated, bit-flipped or overwritten valid segments', () => {
    const mutated = fc
      .tuple(tcpInputArb, fc.uint8Array({ maxLength: 100 }))
      .chain(([input, payload]) => mutationArb(encodeTcp(input, payload, SRC, DST)));
    fc.assert(
      fc.property(mutated, (bytes) => {
        const result = decodeTcp(bytes, SRC, DST);
        if (!result.ok) expect(isWellFormedFailure(result, bytes.length)).toBe(true);
        else expect(result.value.payload.length).toBe(bytes.length - result.value.header.dataOffset * 4);
      }),
      { numRuns: 1000 },
    );
  });

  it('turns any single-bit flip of a valid segment into a checksum failure or a decode error', () => {
    const cases = fc
      .tuple(tcpInputArb, fc.uint8Array({ maxLength: 300 }), u32, u32)
      .chain(([input, payload, src, dst]) => {
        const segment = encodeTcp(input, payload, src, dst);
        return fc.tuple(fc.constant({ segment, src, dst }), fc.integer({ min: 0, max: segment.length * 8 - 1 }));
      });
    fc.assert(
      fc.property(cases, ([{ segment, src, dst }, bit]) => {
        const result = decodeTcp(flipBit(segment, bit), src, dst);
        expect(result.ok && result.value.checksumOk).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
