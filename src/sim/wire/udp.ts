/**
 * UDP datagrams (RFC 768: header, pseudo-header checksum, a computed zero sent
 * as all ones and a zero field meaning "no checksum"; RFC 1071 arithmetic).
 */
import { assertUint, decodeFailure as fail, readU16, writeU16 } from './bytes';
import { internetChecksum, pseudoHeaderSum } from './checksum';
import { IpProtocol } from './types';
import type { DecodeResult, UdpHeader } from './types';

/** Fields to encode; length and checksum are computed. A decoded UdpHeader is a valid input. */
export interface UdpInput {
  readonly srcPort: number;
  readonly dstPort: number;
}

/** A decoded datagram; payload is a view into the decoded bytes. */
export interface DecodedUdp {
  readonly header: UdpHeader;
  readonly payload: Uint8Array;
  /** True when the checksum verifies or the sender sent none (field 0). */
  readonly checksumOk: boolean;
}

const HEADER = 8;

/** Builds a datagram whose checksum covers the pseudo-header of srcIp/dstIp. */
export function encodeUdp(fields: UdpInput, payload: Uint8Array, srcIp: number, dstIp: number): Uint8Array {
  const length = HEADER + payload.length;
  assertUint('UDP source port', fields.srcPort, 0xffff);
  assertUint('UDP destination port', fields.dstPort, 0xffff);
  assertUint('UDP source address', srcIp, 0xffffffff);
  assertUint('UDP destination address', dstIp, 0xffffffff);
  assertUint('UDP length', length, 0xffff);
  const out = new Uint8Array(length);
  writeU16(out, 0, fields.srcPort);
  writeU16(out, 2, fields.dstPort);
  writeU16(out, 4, length);
  out.set(payload, HEADER);
  const checksum = internetChecksum(out, 0, length, pseudoHeaderSum(srcIp, dstIp, IpProtocol.UDP, length));
  writeU16(out, 6, checksum === 0 ? 0xffff : checksum);
  return out;
}

/** Decodes a datagram without throwing; bytes past the UDP length field are ignored. */
export function decodeUdp(bytes: Uint8Array, srcIp: number, dstIp: number): DecodeResult<DecodedUdp> {
  if (bytes.length < HEADER) return fail(`UDP header needs 8 bytes but only ${String(bytes.length)} were received`, bytes.length);
  const length = readU16(bytes, 4);
  if (length < HEADER) return fail(`UDP length ${String(length)} is shorter than the 8-byte header (byte 4)`, 4);
  if (length > bytes.length) return fail(`UDP length ${String(length)} exceeds the ${String(bytes.length)} bytes received (byte 4)`, 4);
  const checksum = readU16(bytes, 6);
  const header: UdpHeader = { srcPort: readU16(bytes, 0), dstPort: readU16(bytes, 2), length, checksum };
  const checksumOk = checksum === 0 || internetChecksum(bytes, 0, length, pseudoHeaderSum(srcIp, dstIp, IpProtocol.UDP, length)) === 0;
  return { ok: true, value: { header, payload: bytes.subarray(HEADER, length), checksumOk } };
}
