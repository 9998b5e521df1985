/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32. Each subsystem draws from its own named child stream, so an extra
 * draw in one (say, fault injection) never shifts another (say, ISN choice).
 */

/** 32-bit FNV-1a of a string; used to derive child-stream seeds from names. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** A deterministic random stream. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The 32-bit seed this stream was made from. */
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let st = this.seed;
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(st);
      st = next;
      out.push(value);
    }
    [this.s0, this.s1, this.s2, this.s3] = out as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** An independent stream named `name`, derived from this stream's seed only. */
  child(name: string): Prng {
    return new Prng(fnv1a32(name, this.seed ^ 0x811c9dc5));
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, bound) without modulo bias (Lemire's method with rejection). */
  below(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 0x1_0000_0000) {
      throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
    }
    const threshold = (0x1_0000_0000 - bound) % bound;
    for (let i = 0; i < 64; i++) {
      const x = this.nextU32();
      if (x >= threshold) return x % bound;
    }
    return this.nextU32() % bound; // bias after 64 rejections is below 2^-64; bound the loop anyway
  }

  /** True with probability perMille/1000. Integer rates keep runs exact across platforms. */
  chancePerMille(perMille: number): boolean {
    if (perMille <= 0) return false;
    if (perMille >= 1000) return true;
    return this.below(1000) < perMille;
  }

  /** Uniform integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
