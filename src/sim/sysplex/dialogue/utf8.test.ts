// Proves the hand-written UTF-8 codec against known byte sequences (multi-byte, surrogate
// pairs, overlongs, encoded surrogates, truncations) and, with fast-check (1000 runs each),
// against Node's TextEncoder/TextDecoder, which implement the same WHATWG algorithm.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiBytes, latin1Decode, utf8Decode, utf8DecodeStrict, utf8Encode } from './utf8';

const RUNS = { numRuns: 1000 };
const referenceEncoder = new TextEncoder();
const referenceDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Whether the reference decoder in fatal mode rejects the bytes. */
function referenceRejects(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

describe('utf8Encode known answers', () => {
  it.each([
    ['A', [0x41]],
    ['é', [0xc3, 0xa9]],
    ['€', [0xe2, 0x82, 0xac]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]],
    ['\u{10ffff}', [0xf4, 0x8f, 0xbf, 0xbf]],
    ['\ud800', [0xef, 0xbf, 0xbd]],
    ['\udc00x', [0xef, 0xbf, 0xbd, 0x78]],
    ['\ud83d\ud83d\ude00', [0xef, 0xbf, 0xbd, 0xf0, 0x9f, 0x98, 0x80]],
  ])('encodes %j as %j', (text, expected) => {
    expect([...utf8Encode(text)]).toEqual(expected);
  });
});

describe('utf8Decode known answers', () => {
  it.each([
    [[0xc3, 0xa9], 'é'],
    [[0xc3], '\ufffd'],
    [[0xe2, 0x82], '\ufffd'],
    [[0xe2, 0x82, 0x41], '\ufffdA'],
    [[0xc0, 0x80], '\ufffd\ufffd'],
    [[0xed, 0xa0, 0x80], '\ufffd\ufffd\ufffd'],
    [[0xf0, 0x80, 0x80, 0x80], '\ufffd\ufffd\ufffd\ufffd'],
    [[0xf4, 0x90, 0x80, 0x80], '\ufffd\ufffd\ufffd\ufffd'],
    [[0xff, 0x41], '\ufffdA'],
    [[0xef, 0xbb, 0xbf, 0x41], '\ufeffA'],
  ])('decodes %j as %j', (bytes, expected) => {
    expect(utf8Decode(Uint8Array.from(bytes))).toBe(expected);
  });

  it('strict decoding refuses what lenient decoding replaces, but keeps a literal U+FFFD', () => {
    expect(utf8DecodeStrict(Uint8Array.from([0xc3]))).toBeNull();
    expect(utf8DecodeStrict(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeNull();
    expect(utf8DecodeStrict(Uint8Array.from([0xef, 0xbf, 0xbd]))).toBe('\ufffd');
    expect(utf8DecodeStrict(new Uint8Array(0))).toBe('');
  });

  it('decodes more code points than one String.fromCodePoint chunk', () => {
    const text = `${'a'.repeat(5000)}😀${'é'.repeat(5000)}`;
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });
});

describe('asciiBytes / latin1Decode', () => {
  it('maps ASCII one byte per character and refuses anything else', () => {
    expect([...asciiBytes('EHLO')]).toEqual([0x45, 0x48, 0x4c, 0x4f]);
    expect(() => asciiBytes('é')).toThrow(RangeError);
    expect(latin1Decode(Uint8Array.from([0x47, 0xe9, 0x54]), 1)).toBe('\u00e9T');
  });
});

describe('UTF-8 properties against the reference codec', () => {
  const anyCodeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 }).map((units) => String.fromCharCode(...units));

  it('encodes every UTF-16 string, lone surrogates included, as TextEncoder does', () => {
    fc.assert(fc.property(anyCodeUnits, (text) => {
      expect(utf8Encode(text)).toEqual(referenceEncoder.encode(text));
    }), RUNS);
  });

  it('decodes arbitrary bytes as TextDecoder does, and strict decoding fails exactly when fatal TextDecoder does', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(utf8Decode(bytes)).toBe(referenceDecoder.decode(bytes));
      expect(utf8DecodeStrict(bytes) === null).toBe(referenceRejects(bytes));
    }), RUNS);
  });

  it('round-trips well-formed strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
      expect(utf8DecodeStrict(utf8Encode(text))).toBe(text);
    }), RUNS);
  });
});
