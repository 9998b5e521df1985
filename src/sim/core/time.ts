/**
 * Simulated time. One unit is one microsecond; values are non-negative integers
 * so that event order never depends on floating-point rounding.
 */

/** A point or span of simulated time, in integer microseconds. */
export type SimTime = number;

/** Microseconds in one millisecond. */
export const US_PER_MS = 1_000;
/** Microseconds in one second. */
export const US_PER_S = 1_000_000;

/** `n` milliseconds as SimTime. */
export const ms = (n: number): SimTime => Math.round(n * US_PER_MS);
/** `n` seconds as SimTime. */
export const seconds = (n: number): SimTime => Math.round(n * US_PER_S);

/** True when `t` is a valid SimTime: a finite, non-negative safe integer. */
export function isSimTime(t: number): t is SimTime {
  return Number.isSafeInteger(t) && t >= 0;
}

/** Human text for a time: "1.234567 s". Used in traces, the CLI and the UI. */
export function formatSimTime(t: SimTime): string {
  const whole = Math.floor(t / US_PER_S);
  const frac = String(t % US_PER_S).padStart(6, '0');
  return `${whole}.${frac} s`;
}
