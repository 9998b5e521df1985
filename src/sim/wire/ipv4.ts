/**
 * IPv4 datagrams (RFC 791 §3.1 header format; RFC 2474 §3 DSCP and RFC 3168 §5
 * ECN in the former TOS byte; RFC 1071 header checksum). Options are carried as
 * raw bytes; fragmentation fields are kept but never acted on here.
 */
import { assertUint, decodeFailure as fail, readU16, readU32, writeU16, writeU32 } from './bytes';
import type { DecodeFailure } from './bytes';
import { internetChecksum } from './checksum';
import type { DecodeResult, Ipv4Header } from './types';

/** Fields to encode; omitted ones take the defaults documented on each. A decoded Ipv4Header is a valid input. */
export interface Ipv4Input {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  /** Default 64. */
  readonly ttl?: number;
  /** Default 0. */
  readonly identification?: number;
  /** Default true (the lab never fragments; hosts do PMTU discovery). */
  readonly dontFragment?: boolean;
  /** Default false. */
  readonly moreFragments?: boolean;
  /** In 8-byte units; default 0. */
  readonly fragmentOffset?: number;
  /** Default 0. */
  readonly dscp?: number;
  /** Default 0. */
  readonly ecn?: number;
  /** Raw option bytes, a multiple of 4 and at most 40 long; default none. */
  readonly options?: Uint8Array;
}

/** A decoded datagram; payload and header.options are views into the decoded bytes, not copies. */
export interface DecodedIpv4 {
  readonly header: Ipv4Header;
  readonly payload: Uint8Array;
  readonly checksumOk: boolean;
}

const MIN_HEADER = 20;
const MAX_OPTIONS = 40;
const NO_OPTIONS = new Uint8Array(0);
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

/** True when every field fits its header field: the common case, tested with one mask per field. */
function ipv4InputFits(f: Ipv4Input, options: Uint8Array, totalLength: number): boolean {
  const ttl = f.ttl ?? 64;
  const id = f.identification ?? 0;
  const fragmentOffset = f.fragmentOffset ?? 0;
  const dscp = f.dscp ?? 0;
  const ecn = f.ecn ?? 0;
  return (
    (f.src >>> 0) === f.src &&
    (f.dst >>> 0) === f.dst &&
    (f.protocol & 0xff) === f.protocol &&
    (ttl & 0xff) === ttl &&
    (id & 0xffff) === id &&
    (fragmentOffset & 0x1fff) === fragmentOffset &&
    (dscp & 0x3f) === dscp &&
    (ecn & 0x3) === ecn &&
    options.length % 4 === 0 &&
    options.length <= MAX_OPTIONS &&
    totalLength <= 0xffff
  );
}

/** Throws a RangeError for any field the header cannot carry. */
function checkIpv4Input(f: Ipv4Input, options: Uint8Array, totalLength: number): void {
  if (ipv4InputFits(f, options, totalLength)) return;
  assertUint('IPv4 src', f.src, 0xffffffff);
  assertUint('IPv4 dst', f.dst, 0xffffffff);
  assertUint('IPv4 protocol', f.protocol, 0xff);
  assertUint('IPv4 ttl', f.ttl ?? 64, 0xff);
  assertUint('IPv4 identification', f.identification ?? 0, 0xffff);
  assertUint('IPv4 fragment offset', f.fragmentOffset ?? 0, 0x1fff);
  assertUint('IPv4 DSCP', f.dscp ?? 0, 0x3f);
  assertUint('IPv4 ECN', f.ecn ?? 0, 0x3);
  if (options.length % 4 !== 0 || options.length > MAX_OPTIONS) {
    throw new RangeError(`IPv4 options are ${String(options.length)} bytes; need a multiple of 4, at most 40`);
  }
  assertUint('IPv4 total length', totalLength, 0xffff);
}

/** Header length (20 + options) of a datagram built from `fields`. */
export function ipv4HeaderLength(fields: Ipv4Input): number {
  return MIN_HEADER + (fields.options ?? NO_OPTIONS).length;
}

/**
 * Writes the IPv4 header for `fields` at the start of `out` (zeroed, at least
 * the header long), with IHL, total length and header checksum; throws a
 * RangeError for a field the header cannot carry. The payload is the caller's.
 */
export function writeIpv4Header(out: Uint8Array, fields: Ipv4Input, totalLength: number): void {
  const options = fields.options ?? NO_OPTIONS;
  const headerLength = MIN_HEADER + options.length;
  checkIpv4Input(fields, options, totalLength);
  const versionAndTos = ((0x40 | (headerLength >>> 2)) << 8) | ((fields.dscp ?? 0) << 2) | (fields.ecn ?? 0);
  const identification = fields.identification ?? 0;
  const fragment = ((fields.dontFragment ?? true) ? FLAG_DF : 0) | (fields.moreFragments === true ? FLAG_MF : 0) | (fields.fragmentOffset ?? 0);
  const ttlAndProtocol = ((fields.ttl ?? 64) << 8) | fields.protocol;
  const { src, dst } = fields;
  writeU16(out, 0, versionAndTos);
  writeU16(out, 2, totalLength);
  writeU16(out, 4, identification);
  writeU16(out, 6, fragment);
  writeU16(out, 8, ttlAndProtocol);
  writeU32(out, 12, src);
  writeU32(out, 16, dst);
  if (options.length > 0) out.set(options, MIN_HEADER);
  // The fixed 20 bytes are summed from the words just written rather than read back; options, if any, from the bytes.
  const fixedSum = versionAndTos + totalLength + identification + fragment + ttlAndProtocol + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
  writeU16(out, 10, internetChecksum(out, MIN_HEADER, headerLength, fixedSum));
}

/** Builds a datagram: header with computed IHL, total length and checksum, followed by a copy of payload. */
export function encodeIpv4(fields: Ipv4Input, payload: Uint8Array): Uint8Array {
  const headerLength = ipv4HeaderLength(fields);
  const totalLength = headerLength + payload.length;
  const out = new Uint8Array(totalLength);
  writeIpv4Header(out, fields, totalLength);
  out.set(payload, headerLength);
  return out;
}

/** Checks the length fields; returns an error message/offset or undefined when the datagram is well-formed. */
export function ipv4LengthProblem(bytes: Uint8Array): DecodeFailure | undefined {
  if (bytes.length < MIN_HEADER) return fail(`IPv4 header needs 20 bytes but only ${String(bytes.length)} were received`, bytes.length);
  const version = bytes[0]! >>> 4;
  if (version !== 4) return fail(`IPv4 version ${String(version)} is not 4 (byte 0)`, 0);
  const ihl = bytes[0]! & 0x0f;
  if (ihl < 5) return fail(`IPv4 IHL ${String(ihl)} is below the minimum of 5 words (byte 0)`, 0);
  if (ihl * 4 > bytes.length) {
    return fail(`IPv4 IHL ${String(ihl)} (${String(ihl * 4)} bytes) exceeds the ${String(bytes.length)} bytes received (byte 0)`, 0);
  }
  const totalLength = readU16(bytes, 2);
  if (totalLength < ihl * 4) {
    return fail(`IPv4 total length ${String(totalLength)} is shorter than the ${String(ihl * 4)}-byte header (byte 2)`, 2);
  }
  if (totalLength > bytes.length) {
    return fail(`IPv4 total length ${String(totalLength)} exceeds the ${String(bytes.length)} bytes received (byte 2)`, 2);
  }
  return undefined;
}

/**
 * The header fields of a datagram that passed ipv4LengthProblem. Options are a
 * view into `bytes`; a header without options shares one empty array, which
 * saves a typed-array view per datagram (most datagrams carry none).
 */
export function readIpv4Header(bytes: Uint8Array): Ipv4Header {
  const headerLength = (bytes[0]! & 0x0f) * 4;
  const fragment = readU16(bytes, 6);
  return {
    ihl: headerLength >>> 2,
    dscp: bytes[1]! >>> 2,
    ecn: bytes[1]! & 0x03,
    totalLength: readU16(bytes, 2),
    identification: readU16(bytes, 4),
    dontFragment: (fragment & FLAG_DF) !== 0,
    moreFragments: (fragment & FLAG_MF) !== 0,
    fragmentOffset: fragment & 0x1fff,
    ttl: bytes[8]!,
    protocol: bytes[9]!,
    checksum: readU16(bytes, 10),
    src: readU32(bytes, 12),
    dst: readU32(bytes, 16),
    options: headerLength === MIN_HEADER ? NO_OPTIONS : bytes.subarray(MIN_HEADER, headerLength),
  };
}

/*
 * Single fields of a datagram that passed ipv4LengthProblem, read straight
 * from its bytes: the receive path needs only these, and reading them costs
 * less than building the whole header.
 */

/** Header length in bytes (IHL × 4). */
export function ipv4HeaderBytes(bytes: Uint8Array): number {
  return (bytes[0]! & 0x0f) * 4;
}

/** Total length: header plus payload, without link padding. */
export function ipv4TotalLength(bytes: Uint8Array): number {
  return readU16(bytes, 2);
}

/** The protocol number of the payload (6 = TCP). */
export function ipv4Protocol(bytes: Uint8Array): number {
  return bytes[9]!;
}

/** Source address as an unsigned 32-bit integer. */
export function ipv4Source(bytes: Uint8Array): number {
  return readU32(bytes, 12);
}

/** Destination address as an unsigned 32-bit integer. */
export function ipv4Destination(bytes: Uint8Array): number {
  return readU32(bytes, 16);
}

/** Decodes a datagram without throwing; bytes past the total length (link padding) are ignored. */
export function decodeIpv4(bytes: Uint8Array): DecodeResult<DecodedIpv4> {
  const problem = ipv4LengthProblem(bytes);
  if (problem !== undefined) return problem;
  const header = readIpv4Header(bytes);
  const headerLength = header.ihl * 4;
  const payload = bytes.subarray(headerLength, header.totalLength);
  return { ok: true, value: { header, payload, checksumOk: internetChecksum(bytes, 0, headerLength) === 0 } };
}

/** Whether bytes start with an IPv4 header whose checksum verifies (false if the header is cut short or its IHL is invalid). */
export function ipv4HeaderChecksumOk(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_HEADER) return false;
  const headerLength = (bytes[0]! & 0x0f) * 4;
  if (headerLength < MIN_HEADER || headerLength > bytes.length) return false;
  return internetChecksum(bytes, 0, headerLength) === 0;
}
