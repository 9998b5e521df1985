// Proves that click-forks survive a link: a refusing fork marks the targets
// the run really has (the editor's, else the scenario's), and
// paramsToForks splits any link's parameters into forks and editor overrides
// that combine back to the very same parameters, so the same run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineParams, forksToParams, NO_FORKS, paramsToForks } from '../forks';
import { forksArbitrary, paramsArbitrary, SHAREABLE_IDS } from './arbitraries';

const scenarioAndForks = fc.constantFrom(...SHAREABLE_IDS).chain((id) => fc.tuple(fc.constant(id), forksArbitrary(id), paramsArbitrary(id)));

describe('forks as parameters', () => {
  it('a refusing fork marks the edited targets when the editor changed them, else the scenario’s own', () => {
    const edited = [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB4', stack: 'SYS3' }];
    expect(forksToParams('http-transfer', { ...NO_FORKS, refusing: ['WEB4'] }, { targets: edited }).targets).toEqual([
      { app: 'WEB2', stack: 'SYS2' },
      { app: 'WEB4', stack: 'SYS3', refuse: 'always', reason: 'refused by you' },
    ]);
    const plain = forksToParams('http-transfer', { ...NO_FORKS, refusing: ['WEB3'] }).targets as { app: string; refuse?: string }[];
    expect(plain.map((t) => [t.app, t.refuse ?? 'never'])).toEqual([['WEB2', 'never'], ['WEB3', 'always']]);
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
