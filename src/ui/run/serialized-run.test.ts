/**
 * The worker's analysis is the page's analysis: what the worker posts (run and
 * analysis, one structured clone) rebuilds into a run whose analyseRun is the
 * posted analysis — a cache hit, not a second decoding on the main thread — and
 * that analysis deep-equals what the page would compute from the run it received.
 */
import { describe, expect, it } from 'vitest';
import { NO_FORKS } from '../../share/forks';
import { analyseRun, buildAnalysis, primeAnalysis } from '../viewmodel/ladder-analysis';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { answerRequest } from './run-answer';
import { resultOf } from './run-client';

/** The worker's side and the hop to the page: the answer the worker posts, as the page receives it. */
function overTheWire(scenario: string, seed: number): { posted: ReturnType<typeof answerRequest>; run: LabRun } {
  const posted = structuredClone(answerRequest({ id: 1, scenario, seed, edits: {}, forks: NO_FORKS }));
  const result = resultOf(posted);
  if (!result.ok) throw new Error(result.error);
  return { posted, run: result.run };
}

// http-transfer is the default scenario (a sysplex: topology from the run); lossy-link has no
// topology (derived from the trace) and drops; sysplex-swarm has many clients and transfers.
describe.each([
  ['http-transfer', 1],
  ['lossy-link', 3],
  ['sysplex-swarm', 7],
])('the analysis of %s (seed %i) posted by the worker', (scenario, seed) => {
  const { posted, run } = overTheWire(scenario, seed);

  it('is what analyseRun returns on the page (a cache hit, not a second decoding)', () => {
    if (!posted.ok) throw new Error(posted.error);
    // A mark only the posted analysis carries: a recomputation on the page would not have it.
    const marked = { ...posted, run: { ...posted.run, analysis: { ...posted.run.analysis, clients: ['(from the worker)'] } } };
    const result = resultOf(marked);
    if (!result.ok) throw new Error(result.error);
    expect(analyseRun(result.run).clients).toEqual(['(from the worker)']);
    expect(analyseRun(result.run)).toBe(analyseRun(result.run));
  });

  it('deep-equals the analysis the page would compute from the run it received', () => {
    // toStrictEqual also compares prototypes: a class instance turned into a plain object by the clone fails here.
    expect(analyseRun(run)).toStrictEqual(buildAnalysis(run));
  });

  it('describes a non-trivial run', () => {
    const analysis = analyseRun(run);
    expect(analysis.hops.length).toBeGreaterThan(10);
    expect(analysis.packets.size).toBeGreaterThan(10);
    expect(analysis.lanes.length).toBeGreaterThan(1);
  });
});

describe('primeAnalysis', () => {
  it('makes analyseRun return the primed object for that run only', () => {
    const lab = runLab('http-transfer', 1);
    if (!lab.ok) throw new Error(lab.error);
    const primed = buildAnalysis(lab.run);
    const other = { ...lab.run };
    primeAnalysis(lab.run, primed);
    expect(analyseRun(lab.run)).toBe(primed);
    expect(analyseRun(other)).not.toBe(primed);
    expect(analyseRun(other)).toStrictEqual(primed);
  });
});

describe('a failed run', () => {
  it('crosses to the page as its error', () => {
    const posted = structuredClone(answerRequest({ id: 2, scenario: 'no-such-scenario', seed: 1, edits: {}, forks: NO_FORKS }));
    expect(resultOf(posted)).toEqual({ ok: false, error: "unknown scenario 'no-such-scenario'" });
  });
});
