/**
 * One run of the simulation: the scheduler (the only clock), the root PRNG
 * (the only source of randomness) and the trace (the only record). Everything
 * else in the kernel receives this object instead of reaching for globals.
 */
import { Prng } from './prng';
import { Scheduler } from './scheduler';
import { Trace, type TraceMode } from './trace';

/** Options for a simulation run. */
export interface SimulationOptions {
  /** Seed of the root PRNG; the same seed and scenario reproduce a run exactly. */
  readonly seed: number;
  readonly traceMode?: TraceMode;
}

/** Shared services of one run. */
export class Simulation {
  readonly scheduler = new Scheduler();
  readonly rng: Prng;
  readonly trace: Trace;
  readonly seed: number;

  constructor(options: SimulationOptions) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 0xffff_ffff) {
      throw new RangeError(`seed must be an integer in 0..4294967295, got ${options.seed}`);
    }
    this.seed = options.seed;
    this.rng = new Prng(options.seed);
    this.trace = new Trace(() => this.scheduler.now, options.traceMode ?? 'full');
  }

  /** Current simulated time in microseconds. */
  get now(): number {
    return this.scheduler.now;
  }
}
