// Proves the limb-wise FNV-1a-64 matches the published test vectors, so the
// trace hash is the standard function and not an accident of this code.
import { describe, expect, it } from 'vitest';
import { Fnv64, fnv64Hex } from './hash';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('FNV-1a-64', () => {
  it('matches the reference vectors', () => {
    expect(fnv64Hex(new Uint8Array())).toBe('cbf29ce484222325');
    expect(fnv64Hex(ascii('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv64Hex(ascii('foobar'))).toBe('85944171f73967e8');
  });

  it('hashes ASCII text the same as its bytes', () => {
    const h = new Fnv64();
    h.text('foobar');
    expect(h.hex()).toBe('85944171f73967e8');
  });
});
