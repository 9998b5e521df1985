// Proves that every link version still opens: version 0 (the lab's old
// `?scenario=…&seed=…&step=…` query) migrates to the current document with
// the lab's own defaults — checked against the lab's parseLabQuery on random
// queries — and version 1 passes through unchanged; unknown versions and
// non-documents are refused with the field named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../../scenarios/registry';
import { parseLabQuery } from '../../ui/store/lab-store';
import { decodeShare, encodeShare } from '../codec';
import { CURRENT_VERSION } from '../document';
import { MAX_SEED, MAX_STEP } from '../limits';
import { migrate, v0FromQuery } from '../migrate';

describe('version 0: the old query link', () => {
  it.each([
    ['all three fields', '?scenario=zero-window&seed=7&step=3', { v: 1, scenario: 'zero-window', seed: 7, view: { step: 3 } }],
    ['no fields: the lab’s defaults', '?', { v: 1, scenario: 'http-transfer', seed: 1 }],
    ['only a seed', '?seed=4294967295', { v: 1, scenario: 'http-transfer', seed: MAX_SEED }],
    ['leading zeros', '?seed=007&step=0', { v: 1, scenario: 'http-transfer', seed: 7, view: { step: 0 } }],
    ['other query fields (page modes) ignored', '?embed=1&scenario=target-crash&utm_source=mail', { v: 1, scenario: 'target-crash', seed: 1 }],
    ['percent-encoding', '?scenario=%7A%65ro-window', { v: 1, scenario: 'zero-window', seed: 1 }],
    ['a step past every run’s end, clamped', '?step=9007199254740991', { v: 1, scenario: 'http-transfer', seed: 1, view: { step: MAX_STEP } }],
  ])('%s', (_name, query, doc) => {
    expect(migrate(v0FromQuery(query))).toEqual({ ok: true, raw: doc });
  });

  it.each([
    ['a negative seed', '?seed=-1', /^seed: the link’s seed "-1" is not an integer/],
    ['a seed past 32 bits', '?seed=4294967296', /^seed: /],
    ['a fractional seed', '?seed=1.5', /^seed: /],
    ['an empty seed', '?seed=', /^seed: /],
    ['a step that is not a number', '?step=end', /^view\.step: the link’s step "end" is not a step number$/],
  ])('refuses %s', (_name, query, error) => {
    const r = migrate(v0FromQuery(query));
    expect(r.ok ? 'migrated' : r.error).toMatch(error);
  });

  it('a whole old URL decodes to a document that encodes as a v1 link', async () => {
    const r = await decodeShare('https://lab.example/handoff/?scenario=peeked-data&seed=12&step=40');
    expect(r).toEqual({ ok: true, doc: { v: 1, scenario: 'peeked-data', seed: 12, view: { step: 40 } } });
    if (r.ok) expect(await decodeShare(await encodeShare(r.doc))).toEqual(r);
  });

  it('opens every old link the lab opened without complaint, as the lab did (random queries)', async () => {
    const ids = BUILT_IN_SCENARIOS.map((s) => s.id);
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('-1', '1e3', '0x10', ' 1', '4294967296', ''));
    const query = fc.record(
      {
        scenario: fc.oneof(fc.constantFrom(...ids), text),
        seed: fc.oneof(fc.integer({ min: 0, max: MAX_SEED }).map(String), text),
        step: fc.oneof(fc.integer({ min: 0, max: MAX_STEP }).map(String), fc.constantFrom('9007199254740991', '9007199254740992'), text),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (fields) => {
        const search = `?${new URLSearchParams(fields).toString()}`;
        const lab = parseLabQuery(search);
        const r = await decodeShare(search);
        if (lab.urlError !== null) {
          expect(r.ok, `the lab refused ${search} (${lab.urlError}), the codec did not`).toBe(false);
          return;
        }
        expect(r).toEqual({ ok: true, doc: { v: 1, scenario: lab.scenario, seed: lab.seed, ...(lab.step === -1 ? {} : { view: { step: Math.min(lab.step, MAX_STEP) } }) } });
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('version 1 and the version field', () => {
  it('a current document passes through unchanged', () => {
    const doc = { v: CURRENT_VERSION, scenario: 'http-transfer', seed: 3, params: { clients: 2 } };
    expect(migrate(doc)).toEqual({ ok: true, raw: doc });
  });

  it.each([
    ['a newer version', { v: 2 }, /^v: version 2 is newer than this lab reads \(up to 1\)$/],
    ['a negative version', { v: -1 }, /^v: must be the format version/],
    ['a version as text', { v: '1' }, /^v: must be the format version/],
    ['no version', { scenario: 'http-transfer' }, /^v: must be the format version/],
    ['not an object', [1], /^\(top level\): must be a JSON object$/],
    ['null', null, /^\(top level\): must be a JSON object$/],
  ])('refuses %s', (_name, raw, error) => {
    const r = migrate(raw);
    expect(r.ok ? 'migrated' : r.error).toMatch(error);
  });
});
