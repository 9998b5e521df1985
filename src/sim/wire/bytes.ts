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

/** Size of the shared slabs allocBytes carves packets from. */
const SLAB_BYTES = 64 * 1024;
/** Larger requests get their own array: a slab would hold too few of them to pay off. */
const SLAB_MAX_REQUEST = SLAB_BYTES / 8;
/** V8 keeps typed arrays up to this size on the JS heap, where allocating them is already cheap. */
const ON_HEAP_MAX = 64;

let slab = new ArrayBuffer(0);
let slabUsed = 0;

/**
 * A zero-filled array of `length` bytes for a packet being built. V8 gives
 * every `new Uint8Array(n)` above 64 bytes its own off-heap store, which costs
 * as much as encoding a whole segment; a view carved from a shared 64 KiB slab
 * costs a tenth of that. Regions are never handed out twice, so the array is as
 * private and zero-filled as a fresh one, but its `buffer` is shared (read it
 * through `byteOffset`/`byteLength`). Meant for packets, which live briefly (or
 * in the trace, which keeps them all anyway): a long-lived view keeps its whole
 * slab alive.
 */
export function allocBytes(length: number): Uint8Array {
  if (length <= ON_HEAP_MAX || length > SLAB_MAX_REQUEST) return new Uint8Array(length);
  if (slabUsed + length > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = new Uint8Array(slab, slabUsed, length);
  slabUsed += (length + 7) & ~7; // keep regions 8-byte aligned
  return bytes;
}
