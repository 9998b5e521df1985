/**
 * Big-endian (network byte order) field access and input checks shared by the
 * wire codecs. Internal to src/sim/wire: writes go straight into the packet's
 * bytes so encoders allocate nothing per field.
 */
import type { DecodeResult } from './types';

/** Reads an unsigned 16-bit big-endian field; the caller has checked bounds. */
export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** Reads an unsigned 32-bit big-endian field; the caller has checked bounds. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** Writes an unsigned 16-bit big-endian field (a Uint8Array keeps the low 8 bits of each store). */
export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value;
}

/** Writes an unsigned 32-bit big-endian field. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

/** Throws a RangeError unless value is an integer in 0..max: encoding a bad field is a programming error. */
export function assertUint(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} ${String(value)} is not an integer in 0..${String(max)}`);
  }
}

/** The failure branch of a DecodeResult. */
export type DecodeFailure = Extract<DecodeResult<unknown>, { ok: false }>;

/** Builds a decode failure naming what was wrong, at a byte offset. */
export function decodeFailure(error: string, offset: number): DecodeFailure {
  return { ok: false, error, offset };
}
