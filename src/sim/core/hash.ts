/**
 * FNV-1a, 64-bit, computed in four 16-bit limbs so it needs neither BigInt nor
 * floating point. Used for the trace hash that identifies a run: two runs are
 * the same run exactly when their hashes match.
 */

const PRIME_LOW = 0x1b3; // FNV-64 prime is 2^40 + 0x1b3

/** Incremental FNV-1a-64 hasher. */
export class Fnv64 {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  /** Mix one byte (0..255) into the hash. */
  byte(b: number): void {
    this.h0 ^= b & 0xff;
    const t0 = this.h0 * PRIME_LOW;
    const t1 = this.h1 * PRIME_LOW + (t0 >>> 16);
    const t2 = this.h2 * PRIME_LOW + (this.h0 << 8) + (t1 >>> 16);
    const t3 = this.h3 * PRIME_LOW + (this.h1 << 8) + (t2 >>> 16);
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
  }

  /** Mix a byte array. */
  bytes(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.byte(data[i] as number);
  }

  /** Mix a string as UTF-16 code units, low byte first (stable for any text). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c & 0xff);
      if (c > 0xff) this.byte(c >>> 8);
    }
  }

  /** The hash as 16 lowercase hex digits. */
  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((l) => l.toString(16).padStart(4, '0')).join('');
  }
}

/** FNV-1a-64 of a byte array, as 16 hex digits. */
export function fnv64Hex(data: Uint8Array): string {
  const h = new Fnv64();
  h.bytes(data);
  return h.hex();
}
