/**
 * The Internet checksum (RFC 1071 §1, §4.1): the 16-bit one's-complement of the
 * one's-complement sum of the data taken as big-endian 16-bit words, an odd
 * final byte padded with a zero byte. Used by IPv4 (RFC 791 §3.1), TCP
 * (RFC 9293 §3.1) and UDP (RFC 768), the latter two over a pseudo-header.
 */

/** Folds a non-negative sum (< 2^53) of 16-bit words into 16 bits with end-around carry. */
function fold(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded % 0x10000) + Math.floor(folded / 0x10000);
  return folded;
}

/**
 * One's-complement 16-bit sum of bytes[start, end) plus `initial` (not complemented), for chaining partial sums.
 * High and low bytes of the words are summed separately and combined once: 2^16 ≡ 1 (mod 2^16 − 1), so
 * any grouping of the additions folds to the same result (RFC 1071 §2 (B), (C)), and the loop does one
 * load and one small-integer add per byte. A long range that starts on an even byte of its buffer
 * (a full-sized segment in a packet) is summed a 16-bit word per load instead (wordSum).
 */
export function onesComplementSum(bytes: Uint8Array, start = 0, end: number = bytes.length, initial = 0): number {
  if (end - start >= WORDS_FROM && ((bytes.byteOffset + start) & 1) === 0) {
    const wordsEnd = end - ((end - start) & 1);
    return fold(wordSum(bytes, start, wordsEnd) + byteSum(bytes, wordsEnd, end) + initial);
  }
  return fold(byteSum(bytes, start, end) + initial);
}

/** Unfolded sum of bytes[start, end) as big-endian 16-bit words, high and low bytes apart; an odd last byte is a high byte. */
function byteSum(bytes: Uint8Array, start: number, end: number): number {
  let high = 0;
  let low = 0;
  let i = start;
  const quadEnd = end - ((end - start) & 3);
  for (; i < quadEnd; i += 4) {
    high += bytes[i]! + bytes[i + 2]!;
    low += bytes[i + 1]! + bytes[i + 3]!;
  }
  for (; i + 1 < end; i += 2) {
    high += bytes[i]!;
    low += bytes[i + 1]!;
  }
  if (i < end) high += bytes[i]!;
  return high * 256 + low;
}

/** Ranges at least this long are worth the typed-array view wordSum makes. */
const WORDS_FROM = 256;
/** Whether a Uint16Array reads bytes b0 b1 as b0 + b1·2^8: then its elements are byte-swapped words. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Folded one's-complement sum of bytes[start, end) (start even in the buffer,
 * length even) read as 16-bit elements, four per pass: about twice as fast as
 * byteSum on a full-sized segment. On a little-endian machine each element is
 * a byte-swapped word, and the sum of swapped words is the swapped sum (RFC
 * 1071 §2 (B)), so it is swapped back once at the end: the same result on
 * every platform.
 */
function wordSum(bytes: Uint8Array, start: number, end: number): number {
  const words = new Uint16Array(bytes.buffer, bytes.byteOffset + start, (end - start) >>> 1);
  const quadEnd = words.length & ~3;
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i < quadEnd; i += 4) {
    even += words[i]! + words[i + 2]!;
    odd += words[i + 1]! + words[i + 3]!;
  }
  for (; i < words.length; i++) even += words[i]!;
  const sum = fold(even + odd);
  return LITTLE_ENDIAN ? ((sum & 0xff) << 8) | (sum >>> 8) : sum;
}

/** RFC 1071 checksum of bytes[start, end) seeded with a partial sum: 0 when verifying a block that carries a valid checksum. */
export function internetChecksum(bytes: Uint8Array, start = 0, end: number = bytes.length, initial = 0): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}

/** One's-complement sum of the IPv4 pseudo-header (src, dst, zero, protocol, length) without building its bytes. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}
