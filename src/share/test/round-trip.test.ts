// Proves that a share link carries its document and reproduces its run: for
// 2,000 random valid documents (every shareable built-in scenario, random
// seeds, parameter overrides and click-forks, titles and view state),
// decode(encode(doc)) deep-equals doc, re-encoding gives the same link, and
// the decoded scenario run with the decoded seed and parameters has the same
// trace hash as the original (4,000 short runs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../scenarios/registry';
import { decodeShare, encodeShare } from '../codec';
import { validateDocument, type ShareDocument } from '../document';
import { MAX_LINK_CHARS } from '../limits';
import { documentArbitrary } from './arbitraries';

/** The trace hash of the run a document describes. */
function traceHash(doc: ShareDocument): string {
  const scenario = findScenario(doc.scenario);
  const parsed = scenario?.parse(doc.params ?? {});
  if (!scenario || !parsed?.ok) throw new Error(`document does not load: ${JSON.stringify(doc)}`);
  return scenario.run(parsed.params as never, doc.seed).sim.trace.hash();
}

describe('share links round-trip', () => {
  it('decode(encode(doc)) deep-equals doc and replays the same trace, for 2,000 random documents', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(documentArbitrary, async (doc) => {
        // The generator must only make valid documents, or the property proves less than it says.
        expect(validateDocument(doc)).toEqual({ ok: true, doc });
        const link = await encodeShare(doc);
        expect(link).toMatch(/^#v1\.[A-Za-z0-9_-]+$/);
        expect(link.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
        // A whole URL, with a stale old-style query the fragment must win over.
        const decoded = await decodeShare(`https://lab.example/handoff/?scenario=zero-window&seed=9${link}`);
        if (!decoded.ok) throw new Error(decoded.error);
        expect(decoded.doc).toEqual(doc);
        expect(await encodeShare(decoded.doc)).toBe(link);
        expect(traceHash(decoded.doc)).toBe(traceHash(doc));
      }),
      { numRuns: 2_000 },
    );
    console.info(`share round trip: 2,000 documents, 4,000 runs, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);

  it('the trace hash tells runs apart (so equal hashes above mean something)', () => {
    const doc: ShareDocument = { v: 1, scenario: 'request-response', seed: 1 };
    expect(traceHash({ ...doc, seed: 2 })).not.toBe(traceHash(doc));
    expect(traceHash({ ...doc, params: { responseBytes: 1 } })).not.toBe(traceHash(doc));
  });
});
