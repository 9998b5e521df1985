// Proves that `npm run sim` runs a share link: a whole lab URL with a `#v1.`
// fragment runs the linked scenario with the linked seed and parameters (the
// printed trace hash equals the one computed in process), `--seed` and
// `--pcap-dir` still apply, an old `?scenario=` link runs, and a bad link
// exits with code 2 and one line on stderr naming what is wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../scenarios/registry';
import { encodeShare, type ShareDocument } from '../share';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const LAB = 'https://lab.example/handoff/';

function sim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/sim.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The trace hash of a document's run, computed here rather than by the CLI. */
function traceHash(doc: ShareDocument, seed = doc.seed): string {
  const scenario = findScenario(doc.scenario);
  const parsed = scenario?.parse(doc.params ?? {});
  if (!scenario || !parsed?.ok) throw new Error('bad test document');
  return scenario.run(parsed.params as never, seed).sim.trace.hash();
}

const DOC: ShareDocument = { v: 1, scenario: 'http-transfer', seed: 42, params: { xcfDelayUs: 250 }, title: 'A slow XCF', view: { step: 30 } };

describe('npm run sim with a share link', () => {
  it('runs the linked scenario, seed and parameters', async () => {
    const r = sim(`${LAB}?embed=1${await encodeShare(DOC)}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^http-transfer seed=42 hash=${traceHash(DOC)} `));
    // The parameters reached the run: without them the hash differs.
    expect(traceHash({ ...DOC, params: {} })).not.toBe(traceHash(DOC));
  }, 150_000);

  it('--seed overrides the link’s seed, and --pcap-dir writes a capture per point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handoff-lab-share-'));
    const r = sim(await encodeShare(DOC), '--seed', '5', '--pcap-dir', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^http-transfer seed=5 hash=${traceHash(DOC, 5)} `));
    expect(readdirSync(dir)).toContain('client1-eth0.pcap');
  }, 150_000);

  it('runs an old ?scenario= link', () => {
    const r = sim(`${LAB}?scenario=zero-window&seed=3&step=10`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^zero-window seed=3 hash=[0-9a-f]+ /);
  }, 150_000);

  it.each([
    ['a truncated link', async () => (await encodeShare(DOC)).slice(0, '#v1.'.length + 24), /^sim: the link’s data is not valid deflate data/],
    ['a link from a later version', () => `${LAB}#v9.AAAA`, /^sim: link version 9 is not one this lab reads/],
    ['a link to an unknown scenario', () => `${LAB}?scenario=no-such-thing`, /^sim: scenario: unknown scenario 'no-such-thing'$/],
    ['a link with a bad seed', () => `${LAB}?scenario=zero-window&seed=x`, /^sim: seed: the link’s seed "x" is not an integer/],
  ])('refuses %s with exit code 2 and one line', async (_name, link, error) => {
    const r = sim(await link());
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(error);
  }, 150_000);
});
