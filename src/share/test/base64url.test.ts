// Proves the hand-written base64url codec against Node's own (Buffer's
// 'base64url'), on random bytes both ways, and that the decoder is strict:
// foreign characters, impossible lengths and stray low bits are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../base64url';

describe('base64url', () => {
  it('encodes as Node does and decodes its own output, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64url(text)).toEqual({ ok: true, bytes });
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes whatever Node decodes the same way, or refuses it with a reason', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/), (text) => {
        const ours = decodeBase64url(text);
        if (ours.ok) expect(Buffer.from(ours.bytes).toString('base64url')).toBe(text);
        else expect(ours.error).toMatch(/^not base64url: (a length of|the last character has stray low bits)/);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['a character outside the alphabet', 'ab+d', /character "\+" at position 2/],
    ['padding', 'ab==', /character "=" at position 2/],
    ['whitespace', 'ab d', /character " " at position 2/],
    ['a non-ASCII character', 'abé', /character "é" at position 2/],
    ['one character left over', 'abcde', /length of 5 characters/],
    ['stray low bits in the last character', 'AB', /stray low bits/],
  ])('refuses %s', (_name, text, error) => {
    const r = decodeBase64url(text);
    expect(r.ok ? 'decoded' : r.error).toMatch(error);
  });

  it('the empty text is the empty byte string', () => {
    expect(decodeBase64url('')).toEqual({ ok: true, bytes: new Uint8Array() });
    expect(encodeBase64url(new Uint8Array())).toBe('');
  });
});
