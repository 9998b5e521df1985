/**
 * Base64 (RFC 4648 §4, the standard alphabet with '=' padding) for HTTP Basic
 * credentials (RFC 7617 §2). lib ES2022 has no atob/btoa, hence this small codec.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Encodes bytes as padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const b0 = bytes[index]!;
    const b1 = bytes[index + 1];
    const b2 = bytes[index + 2];
    const group = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 0x3f]!;
    text += b1 === undefined ? '=' : ALPHABET[(group >> 6) & 0x3f]!;
    text += b2 === undefined ? '=' : ALPHABET[group & 0x3f]!;
  }
  return text;
}

/**
 * Decodes base64; null for characters outside the alphabet, misplaced padding or a
 * dangling sextet. Padding may be omitted (RFC 4648 §3.2 lets a specification allow it).
 */
export function base64Decode(text: string): Uint8Array | null {
  const unpadded = stripPadding(text);
  if (unpadded === null || unpadded.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((unpadded.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let length = 0;
  for (let index = 0; index < unpadded.length; index++) {
    const value = ALPHABET.indexOf(unpadded[index]!);
    if (value < 0) return null;
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[length++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}

/** The text without its '=' padding, or null when padding is malformed. */
function stripPadding(text: string): string | null {
  if (text.length % 4 !== 0) return text.includes('=') ? null : text;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const unpadded = text.slice(0, text.length - padding);
  return unpadded.includes('=') ? null : unpadded;
}
