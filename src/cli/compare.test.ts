/**
 * `npm run sim -- compare --json` prints exactly the report computed in
 * process for the same seed and client count (spawned once: the CLI adds
 * nothing and loses nothing), and the command's argument checks name the flag
 * — those are checked in process, without spawning.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCompareParams, runCompare } from '../scenarios/compare';
import { compareCommand, formatCompareTable } from './compare';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run sim -- compare', () => {
  it('prints the in-process report as JSON', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/sim.ts', 'compare', '--json', '--clients', '20', '--seed', '3'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    expect(r.status, r.stderr).toBe(0);
    const parsed = parseCompareParams({ clients: 20 });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(JSON.parse(r.stdout)).toEqual(runCompare(parsed.params, 3));
  }, 120_000);

  it('names the flag in argument errors', () => {
    expect(compareCommand({ clients: '0', json: true })).toEqual({ ok: false, error: expect.stringMatching(/^--clients: /) as unknown });
    expect(compareCommand({ clients: 'ten', json: true })).toEqual({ ok: false, error: "--clients: expected a whole number, got 'ten'" });
    expect(compareCommand({ seed: '-1', json: true })).toMatchObject({ ok: false, error: expect.stringMatching(/^--seed: /) as unknown });
  });

  it('prints a table with one column per way', () => {
    const parsed = parseCompareParams({ clients: 2, requestsPerClient: 1 });
    if (!parsed.ok) throw new Error(parsed.error);
    const table = formatCompareTable(runCompare(parsed.params, 1));
    expect(table).toMatch(/Patent handoff \(content-aware\) +L7 proxy \(content-aware\) +SYN-time ROUNDROBIN \(content-blind\)/);
    expect(table).toMatch(/^requests completed +2\/2 +2\/2 +2\/2$/m);
    expect(table).toContain('read from the simulation’s trace');
  }, 60_000);
});
