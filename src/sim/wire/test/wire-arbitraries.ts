/**
 * Shared test helpers for the wire codecs: hex parsing, fast-check arbitraries
 * for valid headers and option lists, packet mutations, and a deliberately naive
 * RFC 1071 reference checksum that shares no code with src/sim/wire/checksum.ts.
 */
import fc from 'fast-check';
import type { TcpOption } from '../types';
import type { Ipv4Input } from '../ipv4';
import type { TcpInput } from '../tcp';

/** Parses "45 00 00 73" (whitespace-separated hex bytes) into bytes. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(/\s+/).filter((s) => s.length > 0), (s) => Number.parseInt(s, 16));
}

/** A copy of bytes with bit `bitIndex` (0 = most significant bit of byte 0) inverted. */
export function flipBit(bytes: Uint8Array, bitIndex: number): Uint8Array {
  const copy = bytes.slice();
  const byte = bitIndex >>> 3;
  copy[byte] = copy[byte]! ^ (0x80 >>> (bitIndex & 7));
  return copy;
}

/** Naive one's-complement sum: add 16-bit words one by one with end-around carry (RFC 1071 §2(1)). */
export function referenceSum(bytes: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    acc += (bytes[i]! << 8) + (bytes[i + 1] ?? 0);
    if (acc > 0xffff) acc -= 0xffff;
  }
  return acc;
}

/** Naive check that data carrying its checksum verifies, given the explicit pseudo-header bytes (if any). */
export function referenceVerifies(pseudoHeader: readonly number[], data: Uint8Array): boolean {
  return referenceSum([...pseudoHeader, ...data]) === 0xffff;
}

/** Explicit pseudo-header bytes (RFC 9293 §3.1, RFC 768): src, dst, zero, protocol, length. */
export function pseudoHeaderBytes(src: number, dst: number, protocol: number, length: number): number[] {
  return [src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255, dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255, 0, protocol, length >>> 8, length & 255];
}

/** Any unsigned 32-bit integer (addresses, sequence numbers, timestamps). */
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Any unsigned 16-bit integer (ports, windows). */
export const u16 = fc.integer({ min: 0, max: 0xffff });
/** Any byte value. */
export const u8 = fc.integer({ min: 0, max: 0xff });
/** A payload of up to 2000 random bytes (larger than one Ethernet MTU). */
export const payloadArb = fc.uint8Array({ maxLength: 2000 });

/** Valid IPv4 encoder input; optional fields are sometimes absent so defaults are exercised. */
export const ipv4InputArb: fc.Arbitrary<Ipv4Input> = fc.record(
  {
    src: u32,
    dst: u32,
    protocol: u8,
    ttl: u8,
    identification: u16,
    dontFragment: fc.boolean(),
    moreFragments: fc.boolean(),
    fragmentOffset: fc.integer({ min: 0, max: 0x1fff }),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    options: fc.integer({ min: 0, max: 10 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
  },
  { requiredKeys: ['src', 'dst', 'protocol'] },
);

/** Option kinds the codec does not know, which decode as 'unknown'. */
const unknownKindArb = fc.integer({ min: 6, max: 255 }).filter((k) => k !== 8);

/** One valid TCP option other than EOL (EOL is only ever appended last). */
export const tcpOptionArb: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: 'nop' }),
  u16.map((mss): TcpOption => ({ kind: 'mss', mss })),
  u8.map((shift): TcpOption => ({ kind: 'wscale', shift })),
  fc.constant<TcpOption>({ kind: 'sack-permitted' }),
  fc.array(fc.tuple(u32, u32), { minLength: 1, maxLength: 4 }).map((blocks): TcpOption => ({ kind: 'sack', blocks })),
  fc.tuple(u32, u32).map(([tsVal, tsEcr]): TcpOption => ({ kind: 'timestamps', tsVal, tsEcr })),
  fc.tuple(unknownKindArb, fc.uint8Array({ maxLength: 12 })).map(([type, data]): TcpOption => ({ kind: 'unknown', type, data })),
);

/** Test-side wire length of an option (independent of the codec). */
export function tcpOptionWireLength(option: TcpOption): number {
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sack-permitted':
      return 2;
    case 'sack':
      return 2 + 8 * option.blocks.length;
    case 'timestamps':
      return 10;
    case 'unknown':
      return 2 + option.data.length;
  }
}

/** The longest prefix of a list that fits in `budget` bytes. */
function fitPrefix(options: readonly TcpOption[], budget: number): TcpOption[] {
  const out: TcpOption[] = [];
  let used = 0;
  for (const option of options) {
    used += tcpOptionWireLength(option);
    if (used > budget) break;
    out.push(option);
  }
  return out;
}

/** A valid option list of at most 40 bytes, sometimes ending in an explicit EOL. */
export const tcpOptionsArb: fc.Arbitrary<TcpOption[]> = fc
  .tuple(fc.array(tcpOptionArb, { maxLength: 10 }), fc.boolean())
  .map(([options, endWithEol]) => (endWithEol ? [...fitPrefix(options, 39), { kind: 'eol' } as const] : fitPrefix(options, 40)));

/** What decoding the encoded list yields: the list itself, plus an EOL when the codec had to pad with EOL bytes. */
export function expectedDecodedOptions(options: readonly TcpOption[]): readonly TcpOption[] {
  const length = options.reduce((sum, o) => sum + tcpOptionWireLength(o), 0);
  const endsWithEol = options.at(-1)?.kind === 'eol';
  return endsWithEol || length % 4 === 0 ? options : [...options, { kind: 'eol' }];
}

/** Valid TCP encoder input; urgentPointer and options are sometimes absent. */
export const tcpInputArb: fc.Arbitrary<TcpInput> = fc.record(
  { srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16, urgentPointer: u16, options: tcpOptionsArb },
  { requiredKeys: ['srcPort', 'dstPort', 'seq', 'ack', 'flags', 'window'] },
);

/** Mutations of a valid packet that decoders must survive: truncation, bit flips, or a random byte overwrite. */
export function mutationArb(packet: Uint8Array): fc.Arbitrary<Uint8Array> {
  const bits = packet.length * 8;
  return fc.oneof(
    fc.integer({ min: 0, max: packet.length }).map((n) => packet.slice(0, n)),
    fc.array(fc.integer({ min: 0, max: bits - 1 }), { minLength: 1, maxLength: 8 }).map((flips) => flips.reduce(flipBit, packet)),
    fc.tuple(fc.integer({ min: 0, max: packet.length - 1 }), u8).map(([at, value]) => {
      const copy = packet.slice();
      copy[at] = value;
      return copy;
    }),
  );
}

/** Asserts the shape every decoder failure must have: a message and an offset inside (or at the end of) the input. */
export function isWellFormedFailure(result: { ok: false; error: string; offset: number }, inputLength: number): boolean {
  return result.error.length > 0 && Number.isInteger(result.offset) && result.offset >= 0 && result.offset <= inputLength;
}
