/**
 * CRLF line scanning shared by the HTTP/1.1 (RFC 9112 §2.2) and SMTP (RFC 5321
 * §2.3.8) parsers. Both protocols end lines with CRLF only; a bare CR or LF is
 * rejected rather than guessed at, since a router and a target that split lines
 * differently would disagree about where a message ends.
 */

const CR = 0x0d;
const LF = 0x0a;

/** Where the next line ends, or why it cannot be found yet. */
export type LineScan =
  | { readonly kind: 'line'; /** Index of the CR. */ readonly end: number; /** Index just after the LF. */ readonly next: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly error: string };

/**
 * Finds the CRLF ending the line that starts at `from`. The line and its CRLF must
 * end at or before `limit`; a longer line is the error `tooLong`, not a wait.
 */
export function scanLine(bytes: Uint8Array, from: number, limit: number, tooLong: string): LineScan {
  const stop = Math.min(bytes.length, limit);
  for (let index = from; index < stop; index++) {
    const byte = bytes[index];
    if (byte === LF) return { kind: 'error', error: `bare LF at offset ${String(index)} (lines must end with CRLF)` };
    if (byte !== CR) continue;
    if (index + 1 >= limit) return { kind: 'error', error: tooLong };
    if (index + 1 >= bytes.length) return { kind: 'incomplete' };
    if (bytes[index + 1] !== LF) return { kind: 'error', error: `bare CR at offset ${String(index)} (lines must end with CRLF)` };
    return { kind: 'line', end: index, next: index + 2 };
  }
  return bytes.length >= limit ? { kind: 'error', error: tooLong } : { kind: 'incomplete' };
}

/** Whether the bytes at offset are CR LF. */
export function isCrlfAt(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === CR && bytes[offset + 1] === LF;
}

/** Quotes a line for an error message: at most 60 characters, control characters escaped. */
export function quoteLine(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(shown);
}
