/**
 * The comparison's workload, drawn once from the seed and then run three ways,
 * so every way sees the same requests at the same times. Each client makes
 * `requestsPerClient` requests, each on its own connection (HTTP/1.0-style, as
 * in LARD's evaluation: one request, one response, the client closes), for
 * paths `/obj/<rank>` drawn from a Zipf-like distribution: the object of rank
 * r is asked for with weight 1/r^s. Arrival times are open-loop, uniform over
 * `spreadUs` — a request starts at its time whether earlier ones finished or
 * not, so a slow way shows as latency, not as fewer requests.
 *
 * Assumption: the weights are computed with Math.pow and rounded to integers
 * (scale 10^6 for rank 1), so they are exact integers from there on; pow is
 * correctly rounded enough in V8 (Node, Chromium) for the same seed to give the
 * same requests everywhere we run it.
 */
import { Prng } from '../sim/core/prng';

/** What the workload is made of. */
export interface WorkloadShape {
  readonly clients: number;
  readonly requestsPerClient: number;
  /** Distinct objects (paths). */
  readonly objects: number;
  /** Zipf exponent s, in thousandths (1000 = the classic 1/r). */
  readonly zipfExponentMilli: number;
  /** Requests arrive uniformly over this window, µs. */
  readonly spreadUs: number;
}

/** One request of the workload. */
export interface WorkloadRequest {
  readonly client: number;
  /** Offset from the workload's start, µs. */
  readonly atUs: number;
  readonly path: string;
  /** Popularity rank of the object, 1 = hottest. */
  readonly rank: number;
}

/** Weight of rank 1; lower ranks scale down from it. */
const WEIGHT_SCALE = 1_000_000;

/** Cumulative integer weights of ranks 1..objects under 1/r^s; the last entry is the total. */
export function zipfCumulative(objects: number, exponentMilli: number): number[] {
  const s = exponentMilli / 1000;
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= objects; r++) {
    total += Math.max(1, Math.round(WEIGHT_SCALE / Math.pow(r, s)));
    cumulative.push(total);
  }
  return cumulative;
}

/** The rank (1-based) whose cumulative weight first exceeds `u` (binary search). */
function rankOf(cumulative: readonly number[], u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** Every request, sorted by time (then client), from the seed's 'compare-workload' stream. */
export function buildWorkload(shape: WorkloadShape, seed: number): WorkloadRequest[] {
  const rng = new Prng(seed).child('compare-workload');
  const cumulative = zipfCumulative(shape.objects, shape.zipfExponentMilli);
  const total = cumulative.at(-1) ?? 1;
  const requests: WorkloadRequest[] = [];
  for (let client = 0; client < shape.clients; client++) {
    for (let k = 0; k < shape.requestsPerClient; k++) {
      const rank = rankOf(cumulative, rng.below(total));
      requests.push({ client, atUs: rng.below(Math.max(1, shape.spreadUs)), path: `/obj/${rank}`, rank });
    }
  }
  return requests.sort((a, b) => a.atUs - b.atUs || a.client - b.client);
}
