/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). Every comparison of
 * sequence or acknowledgement numbers in the TCP goes through these, so wrap
 * around is handled in one place.
 */

/** a + n modulo 2^32. */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
/** Signed distance a − b, valid while |a − b| < 2^31. */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;
/** a < b in sequence space. */
export const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
/** a ≤ b in sequence space. */
export const seqLe = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
/** a > b in sequence space. */
export const seqGt = (a: number, b: number): boolean => ((a - b) | 0) > 0;
/** a ≥ b in sequence space. */
export const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;
/** The later of a and b. */
export const seqMax = (a: number, b: number): number => (seqGe(a, b) ? a : b);
/** The earlier of a and b. */
export const seqMin = (a: number, b: number): number => (seqLe(a, b) ? a : b);
/** lo ≤ x < hi in sequence space. */
export const seqInWindow = (x: number, lo: number, hi: number): boolean => seqLe(lo, x) && seqLt(x, hi);
