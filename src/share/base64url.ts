/**
 * Base64url (RFC 4648 §5) without padding, written out rather than built on
 * btoa/atob: those work on Latin-1 strings, throw on bad input, and accept
 * the `+/=` alphabet, while a share link needs a strict decoder that says what
 * is wrong and returns a result instead of throwing.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value, or −1 for a character outside the alphabet. */
const VALUE_OF: readonly number[] = (() => {
  const table = new Array<number>(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Bytes → base64url text, no padding. */
export function encodeBase64url(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    // Missing bytes of the last group count as zero; their characters are left off below.
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const characters = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < characters; k++) out.push(ALPHABET.charAt((chunk >> (18 - 6 * k)) & 63));
  }
  return out.join('');
}

/** Decode result: the bytes, or a one-line reason. */
export type Base64urlResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Base64url text → bytes. Strict: only the url-safe alphabet, no padding, no
 * whitespace, and the unused bits of the last character must be zero, so every
 * byte string has exactly one text (a flipped low bit is an error, not a
 * silent twin of the same link).
 */
export function decodeBase64url(text: string): Base64urlResult {
  if (text.length % 4 === 1) return { ok: false, error: `not base64url: a length of ${text.length} characters cannot be whole bytes` };
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (VALUE_OF[code] ?? -1) : -1;
    if (value < 0) return { ok: false, error: `not base64url: character ${JSON.stringify(text.charAt(i))} at position ${i}` };
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return { ok: false, error: 'not base64url: the last character has stray low bits' };
  return { ok: true, bytes };
}
