// Proves that click-forks survive a link: forksToParams gives what the lab's
// own forkParams gives (random forks on every sysplex scenario), and
// paramsToForks splits any link's parameters into forks and editor overrides
// that combine back to the very same parameters, so the same run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forkParams } from '../../ui/hooks/use-lab-run';
import { combineParams, forksToParams, NO_FORKS, paramsToForks } from '../forks';
import { forksArbitrary, paramsArbitrary, SHAREABLE_IDS } from './arbitraries';

const scenarioAndForks = fc.constantFrom(...SHAREABLE_IDS).chain((id) => fc.tuple(fc.constant(id), forksArbitrary(id), paramsArbitrary(id)));

describe('forks as parameters', () => {
  it('forksToParams equals the lab’s forkParams', () => {
    fc.assert(
      fc.property(scenarioAndForks, ([id, forks]) => {
        expect(forksToParams(id, forks)).toEqual(forkParams(id, forks));
      }),
      { numRuns: 500 },
    );
  });

  it('paramsToForks then combineParams gives the parameters back, for editor overrides with forks on top', () => {
    fc.assert(
      fc.property(scenarioAndForks, ([id, forks, edits]) => {
        const params = combineParams(id, edits, forks);
        const split = paramsToForks(id, params);
        expect(combineParams(id, split.edits, split.forks)).toEqual(params);
      }),
      { numRuns: 500 },
    );
  });

  it('forks alone come back as the same forks and no overrides (refusing in the scenario’s target order)', () => {
    fc.assert(
      fc.property(scenarioAndForks, ([id, forks]) => {
        const split = paramsToForks(id, forksToParams(id, forks));
        expect(split.edits).toEqual({});
        const hasTargets = Object.keys(forksToParams(id, { ...NO_FORKS, refusing: ['x'] })).length > 0;
        if (!hasTargets) return;
        expect(split.forks.faults).toEqual(forks.faults);
        expect(split.forks.crash).toEqual(forks.crash);
        expect([...split.forks.refusing].sort()).toEqual([...forks.refusing].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('scenarios without targets take no forks, and keep their overrides as they are', () => {
    expect(forksToParams('request-response', { faults: [{ kind: 'drop', node: 'client', iface: 'eth0', ordinal: 0 }], crash: null, refusing: [] })).toEqual({});
    expect(paramsToForks('request-response', { responseBytes: 5 })).toEqual({ forks: NO_FORKS, edits: { responseBytes: 5 } });
  });

  it('edited targets with a refusal baked in stay overrides (the same run, not a fork)', () => {
    const targets = [
      { app: 'WEB2', stack: 'SYS2', refuse: 'always', reason: 'refused by you' },
      { app: 'WEB4', stack: 'SYS3', refuse: 'never', reason: 'overloaded' },
    ];
    expect(paramsToForks('http-transfer', { targets })).toEqual({ forks: NO_FORKS, edits: { targets } });
  });
});
