/**
 * UTF-8 (RFC 3629) encoding and decoding for the dialogue codecs. The simulation
 * core compiles against lib ES2022 only, which has no TextEncoder/TextDecoder, so
 * this file implements the WHATWG Encoding Standard's UTF-8 decoder (§9.1.1):
 * each maximal invalid subpart becomes one U+FFFD, exactly as TextDecoder does.
 */

/** The character substituted for an invalid sequence or a lone surrogate. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

const REPLACEMENT_CODE_POINT = 0xfffd;
/** String.fromCodePoint takes its arguments on the stack; chunks keep that bounded. */
const FROM_CODE_POINT_CHUNK = 4096;

/** Encodes text as UTF-8; a lone surrogate becomes U+FFFD (EF BF BD), as TextEncoder does. */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    let codePoint = text.charCodeAt(index);
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      codePoint = combineSurrogates(text, index);
      if (codePoint > 0xffff) index++;
    }
    length = writeCodePoint(out, length, codePoint);
  }
  return out.slice(0, length);
}

/** The code point of the surrogate at index with its partner, or U+FFFD when it is lone. */
function combineSurrogates(text: string, index: number): number {
  const high = text.charCodeAt(index);
  const low = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
  if (high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
    return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  }
  return REPLACEMENT_CODE_POINT;
}

/** Writes one code point's 1–4 UTF-8 bytes at offset and returns the new offset. */
function writeCodePoint(out: Uint8Array, offset: number, codePoint: number): number {
  if (codePoint < 0x80) {
    out[offset] = codePoint;
    return offset + 1;
  }
  if (codePoint < 0x800) {
    out[offset] = 0xc0 | (codePoint >> 6);
    out[offset + 1] = 0x80 | (codePoint & 0x3f);
    return offset + 2;
  }
  if (codePoint < 0x10000) {
    out[offset] = 0xe0 | (codePoint >> 12);
    out[offset + 1] = 0x80 | ((codePoint >> 6) & 0x3f);
    out[offset + 2] = 0x80 | (codePoint & 0x3f);
    return offset + 3;
  }
  out[offset] = 0xf0 | (codePoint >> 18);
  out[offset + 1] = 0x80 | ((codePoint >> 12) & 0x3f);
  out[offset + 2] = 0x80 | ((codePoint >> 6) & 0x3f);
  out[offset + 3] = 0x80 | (codePoint & 0x3f);
  return offset + 4;
}

/** Decodes UTF-8, replacing each invalid sequence with U+FFFD; never throws. */
export function utf8Decode(bytes: Uint8Array): string {
  return fromCodePoints(decodeCodePoints(bytes).codePoints);
}

/** Decodes UTF-8 that must be well formed; null if any sequence is invalid or truncated. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  const decoded = decodeCodePoints(bytes);
  return decoded.valid ? fromCodePoints(decoded.codePoints) : null;
}

/** Bytes of text that is ASCII by construction (protocol keywords); anything else is a programming error. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) throw new RangeError(`asciiBytes: non-ASCII code unit 0x${code.toString(16)} at ${String(index)}`);
    out[index] = code;
  }
  return out;
}

/** Reads bytes as ISO-8859-1 (one character per byte), for protocol text already checked to be ASCII. */
export function latin1Decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = '';
  for (let index = start; index < end; index++) text += String.fromCharCode(bytes[index]!);
  return text;
}

/** Bounds of the next continuation byte; they narrow after E0, ED, F0 and F4 (WHATWG §9.1.1). */
interface Pending {
  codePoint: number;
  needed: number;
  seen: number;
  lower: number;
  upper: number;
}

/** The WHATWG UTF-8 decoder: each byte is looked at once, or twice when it ends an invalid sequence. */
function decodeCodePoints(bytes: Uint8Array): { codePoints: number[]; valid: boolean } {
  const codePoints: number[] = [];
  const pending: Pending = { codePoint: 0, needed: 0, seen: 0, lower: 0x80, upper: 0xbf };
  let valid = true;
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (pending.needed === 0) {
      const single = startSequence(pending, byte);
      if (single !== null) codePoints.push(single);
      if (single === REPLACEMENT_CODE_POINT) valid = false; // ASCII never decodes to U+FFFD
      index++;
    } else if (byte < pending.lower || byte > pending.upper) {
      // The byte does not continue the sequence: emit U+FFFD and reprocess it as a lead byte.
      resetPending(pending);
      codePoints.push(REPLACEMENT_CODE_POINT);
      valid = false;
    } else {
      const complete = continueSequence(pending, byte);
      if (complete !== null) codePoints.push(complete);
      index++;
    }
  }
  if (pending.needed !== 0) {
    codePoints.push(REPLACEMENT_CODE_POINT);
    valid = false;
  }
  return { codePoints, valid };
}

/** Handles a lead byte: returns an ASCII code point, U+FFFD for an invalid lead, or null when a sequence starts. */
function startSequence(pending: Pending, byte: number): number | null {
  if (byte <= 0x7f) return byte;
  if (byte >= 0xc2 && byte <= 0xdf) {
    pending.needed = 1;
    pending.codePoint = byte & 0x1f;
  } else if (byte >= 0xe0 && byte <= 0xef) {
    if (byte === 0xe0) pending.lower = 0xa0; // rejects overlong three-byte forms
    if (byte === 0xed) pending.upper = 0x9f; // rejects encoded surrogates
    pending.needed = 2;
    pending.codePoint = byte & 0x0f;
  } else if (byte >= 0xf0 && byte <= 0xf4) {
    if (byte === 0xf0) pending.lower = 0x90; // rejects overlong four-byte forms
    if (byte === 0xf4) pending.upper = 0x8f; // rejects code points above U+10FFFF
    pending.needed = 3;
    pending.codePoint = byte & 0x07;
  } else {
    return REPLACEMENT_CODE_POINT;
  }
  return null;
}

/** Adds a continuation byte; returns the code point once the sequence is complete. */
function continueSequence(pending: Pending, byte: number): number | null {
  pending.lower = 0x80;
  pending.upper = 0xbf;
  pending.codePoint = (pending.codePoint << 6) | (byte & 0x3f);
  pending.seen++;
  if (pending.seen < pending.needed) return null;
  const codePoint = pending.codePoint;
  resetPending(pending);
  return codePoint;
}

/** Forgets a partial sequence. */
function resetPending(pending: Pending): void {
  pending.codePoint = 0;
  pending.needed = 0;
  pending.seen = 0;
  pending.lower = 0x80;
  pending.upper = 0xbf;
}

/** Builds a string from code points in bounded chunks. */
function fromCodePoints(codePoints: readonly number[]): string {
  let text = '';
  for (let start = 0; start < codePoints.length; start += FROM_CODE_POINT_CHUNK) {
    text += String.fromCodePoint(...codePoints.slice(start, start + FROM_CODE_POINT_CHUNK));
  }
  return text;
}
