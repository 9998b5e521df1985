/**
 * Retransmission timeout per RFC 6298: SRTT and RTTVAR from samples, RTO =
 * SRTT + max(G, 4·RTTVAR) clamped to the profile's bounds, exponential
 * back-off on expiry. Karn's rule is applied by the caller, which only offers
 * samples from segments that were not retransmitted (or timestamp echoes).
 */
import type { SimTime } from '../core/time';

/** RTT estimator state; part of the TCB. */
export interface RttState {
  /** Smoothed RTT in µs, or −1 before the first sample. */
  srttUs: number;
  rttvarUs: number;
  /** Current RTO in µs, without back-off. */
  rtoUs: number;
  /** Number of consecutive back-offs applied (RFC 6298 (5.5)). */
  backoff: number;
}

/** Clock granularity G assumed for the RTO formula: 1 ms, like Linux's jiffies at HZ=1000. */
export const CLOCK_GRANULARITY_US = 1_000;

/** A fresh estimator with the initial RTO (RFC 6298 (2.1)). */
export function newRttState(initialRtoUs: SimTime): RttState {
  return { srttUs: -1, rttvarUs: 0, rtoUs: initialRtoUs, backoff: 0 };
}

/** Take one RTT sample `r` (RFC 6298 (2.2), (2.3)) and recompute the RTO. */
export function sampleRtt(s: RttState, r: SimTime, minUs: SimTime, maxUs: SimTime): void {
  if (s.srttUs < 0) {
    s.srttUs = r;
    s.rttvarUs = r / 2;
  } else {
    s.rttvarUs = 0.75 * s.rttvarUs + 0.25 * Math.abs(s.srttUs - r);
    s.srttUs = 0.875 * s.srttUs + 0.125 * r;
  }
  const raw = Math.round(s.srttUs + Math.max(CLOCK_GRANULARITY_US, 4 * s.rttvarUs));
  s.rtoUs = Math.min(maxUs, Math.max(minUs, raw));
  s.backoff = 0; // a new valid sample ends the back-off (RFC 6298 (5.7) note)
}

/** The timeout to arm now: RTO doubled once per back-off, capped (RFC 6298 (5.5)). */
export function currentRto(s: RttState, maxUs: SimTime): SimTime {
  return Math.min(maxUs, s.rtoUs * 2 ** s.backoff);
}
