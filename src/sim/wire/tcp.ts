/**
 * TCP segments (RFC 9293 §3.1 header format, pseudo-header and checksum; RFC 3168
 * §6.1 ECE/CWR bits) and the options of RFC 9293 §3.2 (EOL, NOP, MSS), RFC 7323
 * §2.2 and §3.2 (window scale, timestamps) and RFC 2018 §2–3 (SACK-permitted, SACK).
 */
import { allocBytes, assertUint, decodeFailure as fail, readU16, readU32, writeU16, writeU32, type DecodeFailure } from './bytes';
import { internetChecksum, pseudoHeaderSum } from './checksum';
import { ipv4HeaderLength, writeIpv4Header, type Ipv4Input } from './ipv4';
import { IpProtocol, TcpFlag, TcpOptionKind } from './types';
import type { DecodeResult, TcpHeader, TcpOption } from './types';

/** Fields to encode; a decoded TcpHeader is a valid input. */
export interface TcpInput {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Bit mask of TcpFlag values. */
  readonly flags: number;
  readonly window: number;
  /** Default 0. */
  readonly urgentPointer?: number;
  /** Written in this order, then padded with EOL bytes to a 4-byte boundary; default none. */
  readonly options?: readonly TcpOption[];
}

/** A decoded segment; payload and the data of unknown options are views into the decoded bytes. */
export interface DecodedTcp {
  readonly header: TcpHeader;
  readonly payload: Uint8Array;
  readonly checksumOk: boolean;
}

const MIN_HEADER = 20;
const MAX_OPTIONS = 40;
const KNOWN_KINDS: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 8]);
const EOL_OPTION: TcpOption = Object.freeze({ kind: 'eol' });
const NOP_OPTION: TcpOption = Object.freeze({ kind: 'nop' });
const SACK_PERMITTED_OPTION: TcpOption = Object.freeze({ kind: 'sack-permitted' });
const NO_OPTIONS: readonly TcpOption[] = Object.freeze([]);

/** Wire length of one option; throws a RangeError for a SACK block count or unknown kind that cannot be encoded. */
function optionLength(option: TcpOption): number {
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
      if (option.blocks.length < 1 || option.blocks.length > 4) {
        throw new RangeError(`TCP SACK option has ${String(option.blocks.length)} blocks; need 1..4`);
      }
      return 2 + 8 * option.blocks.length;
    case 'timestamps':
      return 10;
    case 'unknown':
      if (KNOWN_KINDS.has(option.type)) throw new RangeError(`TCP option kind ${String(option.type)} is known; encode it by name`);
      assertUint('TCP option kind', option.type, 0xff);
      return 2 + option.data.length;
  }
}

type TimestampsOption = Extract<TcpOption, { kind: 'timestamps' }>;

/** NOP, NOP, timestamps: 1 + 1 + 10 bytes. */
const TIMESTAMPS_ONLY_LENGTH = 12;

/**
 * The timestamps option when `options` is exactly NOP, NOP, timestamps — the
 * list on nearly every segment once timestamps are agreed (RFC 7323 Appendix
 * A) — else null: such a list is measured and written without walking it.
 */
function timestampsOnly(options: readonly TcpOption[]): TimestampsOption | null {
  if (options.length !== 3) return null;
  const stamp = options[2]!;
  return options[0]!.kind === 'nop' && options[1]!.kind === 'nop' && stamp.kind === 'timestamps' ? stamp : null;
}

/** Unpadded wire length of an option list; throws a RangeError when it exceeds the 40 bytes a header can carry. */
function optionsLength(options: readonly TcpOption[]): number {
  if (timestampsOnly(options) !== null) return TIMESTAMPS_ONLY_LENGTH;
  let length = 0;
  for (let i = 0; i < options.length; i++) length += optionLength(options[i] as TcpOption);
  if (length > MAX_OPTIONS) throw new RangeError(`TCP options take ${String(length)} bytes; at most 40 fit`);
  return length;
}

/** Writes the SACK option at `at` and returns the offset after it. */
function writeSack(out: Uint8Array, at: number, blocks: readonly (readonly [number, number])[]): number {
  out[at] = TcpOptionKind.SACK;
  out[at + 1] = 2 + 8 * blocks.length;
  let i = at + 2;
  for (const [left, right] of blocks) {
    assertUint('TCP SACK left edge', left, 0xffffffff);
    assertUint('TCP SACK right edge', right, 0xffffffff);
    writeU32(out, i, left);
    writeU32(out, i + 4, right);
    i += 8;
  }
  return i;
}

/** Writes one option at `at` (the bytes are zero) and returns the offset after it. */
function writeOption(out: Uint8Array, at: number, option: TcpOption): number {
  switch (option.kind) {
    case 'eol':
      return at + 1;
    case 'nop':
      out[at] = TcpOptionKind.NOP;
      return at + 1;
    case 'mss':
      assertUint('TCP MSS', option.mss, 0xffff);
      out[at] = TcpOptionKind.MSS;
      out[at + 1] = 4;
      writeU16(out, at + 2, option.mss);
      return at + 4;
    case 'wscale':
      assertUint('TCP window scale shift', option.shift, 0xff);
      out[at] = TcpOptionKind.WSCALE;
      out[at + 1] = 3;
      out[at + 2] = option.shift;
      return at + 3;
    case 'sack-permitted':
      out[at] = TcpOptionKind.SACK_PERMITTED;
      out[at + 1] = 2;
      return at + 2;
    case 'sack':
      return writeSack(out, at, option.blocks);
    case 'timestamps':
      assertUint('TCP TSval', option.tsVal, 0xffffffff);
      assertUint('TCP TSecr', option.tsEcr, 0xffffffff);
      out[at] = TcpOptionKind.TIMESTAMPS;
      out[at + 1] = 10;
      writeU32(out, at + 2, option.tsVal);
      writeU32(out, at + 6, option.tsEcr);
      return at + 10;
    case 'unknown':
      out[at] = option.type;
      out[at + 1] = 2 + option.data.length;
      out.set(option.data, at + 2);
      return at + 2 + option.data.length;
  }
}

/** Writes an option list at `at`; the zeroed bytes after it are the EOL padding. */
function writeOptions(out: Uint8Array, at: number, options: readonly TcpOption[]): void {
  const stamp = timestampsOnly(options);
  if (stamp !== null) {
    out[at] = TcpOptionKind.NOP;
    out[at + 1] = TcpOptionKind.NOP;
    writeOption(out, at + 2, stamp);
    return;
  }
  let i = at;
  for (let k = 0; k < options.length; k++) i = writeOption(out, i, options[k] as TcpOption);
}

/** Encodes an option list in order, padded with EOL bytes to a multiple of 4; throws a RangeError past 40 bytes. */
export function encodeTcpOptions(options: readonly TcpOption[]): Uint8Array {
  const out = new Uint8Array((optionsLength(options) + 3) & ~3);
  writeOptions(out, 0, options);
  return out;
}

/** True when every header field fits: the common case of checkTcpInput, one mask per field. */
function tcpInputFits(f: TcpInput, srcIp: number, dstIp: number, length: number): boolean {
  const urgentPointer = f.urgentPointer ?? 0;
  return (
    (f.srcPort & 0xffff) === f.srcPort &&
    (f.dstPort & 0xffff) === f.dstPort &&
    (f.seq >>> 0) === f.seq &&
    (f.ack >>> 0) === f.ack &&
    (f.flags & 0xff) === f.flags &&
    (f.window & 0xffff) === f.window &&
    (urgentPointer & 0xffff) === urgentPointer &&
    (srcIp >>> 0) === srcIp &&
    (dstIp >>> 0) === dstIp &&
    (length & 0xffff) === length
  );
}

/** Throws a RangeError for any header field the segment cannot carry. */
function checkTcpInput(f: TcpInput, srcIp: number, dstIp: number, length: number): void {
  if (tcpInputFits(f, srcIp, dstIp, length)) return;
  assertUint('TCP source port', f.srcPort, 0xffff);
  assertUint('TCP destination port', f.dstPort, 0xffff);
  assertUint('TCP sequence number', f.seq, 0xffffffff);
  assertUint('TCP acknowledgment number', f.ack, 0xffffffff);
  assertUint('TCP flags', f.flags, 0xff);
  assertUint('TCP window', f.window, 0xffff);
  assertUint('TCP urgent pointer', f.urgentPointer ?? 0, 0xffff);
  assertUint('TCP source address', srcIp, 0xffffffff);
  assertUint('TCP destination address', dstIp, 0xffffffff);
  assertUint('TCP segment length', length, 0xffff);
}

/** Header length (20 + options padded to 4 bytes) of a segment with these options; throws as optionsLength does. */
function tcpHeaderLength(options: readonly TcpOption[]): number {
  return MIN_HEADER + ((optionsLength(options) + 3) & ~3);
}

/**
 * Writes a segment at out[at, at + headerLength + payload.length) (zeroed):
 * header, options, a copy of payload, and the checksum over the RFC 9293
 * pseudo-header of srcIp/dstIp. Throws a RangeError for a field that does not fit.
 */
function writeTcp(out: Uint8Array, at: number, fields: TcpInput, headerLength: number, payload: Uint8Array, srcIp: number, dstIp: number): void {
  const length = headerLength + payload.length;
  checkTcpInput(fields, srcIp, dstIp, length);
  writeU16(out, at, fields.srcPort);
  writeU16(out, at + 2, fields.dstPort);
  writeU32(out, at + 4, fields.seq);
  writeU32(out, at + 8, fields.ack);
  out[at + 12] = (headerLength >>> 2) << 4;
  out[at + 13] = fields.flags;
  writeU16(out, at + 14, fields.window);
  writeU16(out, at + 18, fields.urgentPointer ?? 0);
  writeOptions(out, at + MIN_HEADER, fields.options ?? NO_OPTIONS);
  out.set(payload, at + headerLength);
  const sum = pseudoHeaderSum(srcIp, dstIp, IpProtocol.TCP, length);
  writeU16(out, at + 16, internetChecksum(out, at, at + length, sum));
}

/** Builds a segment with computed data offset and a checksum over the RFC 9293 pseudo-header of srcIp/dstIp. */
export function encodeTcp(fields: TcpInput, payload: Uint8Array, srcIp: number, dstIp: number): Uint8Array {
  const headerLength = tcpHeaderLength(fields.options ?? NO_OPTIONS);
  const out = new Uint8Array(headerLength + payload.length);
  writeTcp(out, 0, fields, headerLength, payload, srcIp, dstIp);
  return out;
}

/**
 * Builds an IPv4 datagram carrying a TCP segment: the same bytes as
 * `encodeIpv4(ip, encodeTcp(tcp, payload, ip.src, ip.dst))` (ip.protocol is
 * expected to be 6), written into one array with one copy of the payload
 * instead of two arrays and two copies. The array comes from allocBytes, so it
 * may be a view into a shared buffer.
 */
export function encodeTcpInIpv4(ip: Ipv4Input, tcp: TcpInput, payload: Uint8Array): Uint8Array {
  const ipHeaderLength = ipv4HeaderLength(ip);
  const tcpHeaderBytes = tcpHeaderLength(tcp.options ?? NO_OPTIONS);
  const totalLength = ipHeaderLength + tcpHeaderBytes + payload.length;
  const out = allocBytes(totalLength);
  writeTcp(out, ipHeaderLength, tcp, tcpHeaderBytes, payload, ip.src, ip.dst);
  writeIpv4Header(out, ip, totalLength);
  return out;
}

/** True when a parse step failed; the success values (options, lengths) never carry `ok`. */
function isFailure(x: TcpOption | number | DecodeFailure): x is DecodeFailure {
  return typeof x === 'object' && 'ok' in x;
}

/** Builds the error for a known option kind carrying the wrong length. */
function wrongLength(name: string, at: number, length: number, expected: string): DecodeFailure {
  return fail(`TCP ${name} option at byte ${String(at)} has length ${String(length)}, expected ${expected}`, at + 1);
}

/** Decodes a SACK option of `length` bytes at `at` (bounds already checked). */
function parseSack(bytes: Uint8Array, at: number, length: number): TcpOption | DecodeFailure {
  const count = (length - 2) / 8;
  if (!Number.isInteger(count) || count < 1 || count > 4) return wrongLength('SACK', at, length, '2 + 8n with n = 1..4');
  const blocks: (readonly [number, number])[] = [];
  for (let i = at + 2; i < at + length; i += 8) blocks.push([readU32(bytes, i), readU32(bytes, i + 4)]);
  return { kind: 'sack', blocks };
}

/** Decodes one option of kind ≥ 2 whose `length` bytes at `at` lie inside the header. */
function parseOption(bytes: Uint8Array, at: number, kind: number, length: number): TcpOption | DecodeFailure {
  switch (kind) {
    case TcpOptionKind.MSS:
      if (length !== 4) return wrongLength('MSS', at, length, '4');
      return { kind: 'mss', mss: readU16(bytes, at + 2) };
    case TcpOptionKind.WSCALE:
      if (length !== 3) return wrongLength('window scale', at, length, '3');
      return { kind: 'wscale', shift: bytes[at + 2]! };
    case TcpOptionKind.SACK_PERMITTED:
      if (length !== 2) return wrongLength('SACK-permitted', at, length, '2');
      return SACK_PERMITTED_OPTION;
    case TcpOptionKind.SACK:
      return parseSack(bytes, at, length);
    case TcpOptionKind.TIMESTAMPS:
      if (length !== 10) return wrongLength('timestamps', at, length, '10');
      return { kind: 'timestamps', tsVal: readU32(bytes, at + 2), tsEcr: readU32(bytes, at + 6) };
    default:
      return { kind: 'unknown', type: kind, data: bytes.subarray(at + 2, at + length) };
  }
}

/** Checks the length byte of the option at `at`; returns its length or a failure. */
function optionLengthAt(bytes: Uint8Array, at: number, end: number): number | DecodeFailure {
  if (at + 1 >= end) {
    return fail(`TCP option kind ${String(bytes[at])} at byte ${String(at)} has no length byte before the options end at byte ${String(end)}`, at);
  }
  const length = bytes[at + 1]!;
  if (length < 2) return fail(`TCP option kind ${String(bytes[at])} at byte ${String(at)} has length ${String(length)}, below the minimum of 2`, at + 1);
  if (at + length > end) {
    return fail(`TCP option kind ${String(bytes[at])} at byte ${String(at)} has length ${String(length)}, running past the options end at byte ${String(end)}`, at + 1);
  }
  return length;
}

/** Decodes the options in bytes[start, end); offsets in errors count from the start of `bytes`. */
function parseOptions(bytes: Uint8Array, start: number, end: number): DecodeResult<TcpOption[]> {
  if (start >= end) return { ok: true, value: [] };

  const options: TcpOption[] = [];
  let at = start;
  while (at < end) {
    const kind = bytes[at]!;
    if (kind === TcpOptionKind.EOL) {
      options.push(EOL_OPTION);
      break;
    }
    if (kind === TcpOptionKind.NOP) {
      options.push(NOP_OPTION);
      at++;
      continue;
    }
    const length = optionLengthAt(bytes, at, end);
    if (isFailure(length)) return length;
    const option = parseOption(bytes, at, kind, length);
    if (isFailure(option)) return option;
    options.push(option);
    at += length;
  }
  return { ok: true, value: options };
}

/** Decodes raw option bytes without throwing: EOL ends the list (recorded once), bytes after it are ignored. */
export function decodeTcpOptions(bytes: Uint8Array): DecodeResult<TcpOption[]> {
  return parseOptions(bytes, 0, bytes.length);
}

/** Decodes a segment without throwing, verifying its checksum against the pseudo-header of srcIp/dstIp. */
export function decodeTcp(bytes: Uint8Array, srcIp: number, dstIp: number): DecodeResult<DecodedTcp> {
  if (bytes.length < MIN_HEADER) return fail(`TCP header needs 20 bytes but only ${String(bytes.length)} were received`, bytes.length);
  const dataOffset = bytes[12]! >>> 4;
  if (dataOffset < 5) return fail(`TCP data offset ${String(dataOffset)} is below the minimum of 5 words (byte 12)`, 12);
  const headerLength = dataOffset * 4;
  if (headerLength > bytes.length) {
    return fail(`TCP data offset ${String(dataOffset)} (${String(headerLength)} bytes) exceeds the ${String(bytes.length)} bytes received (byte 12)`, 12);
  }
  const options = parseOptions(bytes, MIN_HEADER, headerLength);
  if (!options.ok) return options;
  const header: TcpHeader = {
    srcPort: readU16(bytes, 0),
    dstPort: readU16(bytes, 2),
    seq: readU32(bytes, 4),
    ack: readU32(bytes, 8),
    dataOffset,
    flags: bytes[13]!,
    window: readU16(bytes, 14),
    checksum: readU16(bytes, 16),
    urgentPointer: readU16(bytes, 18),
    options: options.value,
  };
  const sum = pseudoHeaderSum(srcIp, dstIp, IpProtocol.TCP, bytes.length);
  const checksumOk = internetChecksum(bytes, 0, bytes.length, sum) === 0;
  return { ok: true, value: { header, payload: bytes.subarray(headerLength), checksumOk } };
}

const FLAG_NAMES: readonly (readonly [number, string])[] = [
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.CWR, 'CWR'],
];

/** Flags as Wireshark's info column lists them inside brackets, e.g. "SYN, ACK"; "<None>" when no flag is set. */
export function tcpFlagsToString(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names.length === 0 ? '<None>' : names.join(', ');
}

/** SEG.LEN of RFC 9293 §3.4: payload octets plus one each for SYN and FIN, which occupy sequence space. */
export function tcpSegmentLength(header: Pick<TcpHeader, 'flags'>, payloadLength: number): number {
  return payloadLength + ((header.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((header.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
}
