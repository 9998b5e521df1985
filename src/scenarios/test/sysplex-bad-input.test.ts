// Proves that a bad sysplex scenario is refused at load time with one line
// that names the offending field: each case goes through the scenario's own
// parse(), through loadScenarioText() (a JSON scenario file, where the field
// path gains a "params." prefix), and two of them through the real CLI in a
// child process, which must exit with code 2 and say so on one stderr line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, MAX_SCENARIO_TEXT } from '../load';
import { findScenario } from '../registry';
import type { AnyScenario } from '../types';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

function scenario(id: string): AnyScenario {
  const s = findScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

/** The error parse() gives, or a failure if it accepted the input. */
function parseError(id: string, input: unknown): string {
  const r = scenario(id).parse(input);
  if (r.ok) throw new Error(`${id} accepted ${JSON.stringify(input)}`);
  return r.error;
}

/** The error loadScenarioText() gives for a scenario file, or a failure if it loaded. */
function loadError(file: unknown): string {
  const r = loadScenarioText(typeof file === 'string' ? file : JSON.stringify(file));
  if (r.ok) throw new Error(`loaded ${JSON.stringify(file)}`);
  return r.error;
}

const rule = (name: string, targets: readonly string[]) => ({ name, match: { kind: 'http-path-prefix', prefix: '/orders' }, targets });

/** [case, params, the error's start: the field path, then a colon]. */
const CASES: readonly (readonly [string, Record<string, unknown>, string, RegExp])[] = [
  ['a policy rule naming a missing target', { policy: { rules: [rule('orders', ['WEB9'])], fallback: ['WEB2'] } }, 'policy.rules.0.targets.0', /WEB9/],
  ['a policy fallback naming a missing target', { policy: { rules: [], fallback: ['WEB2', 'NOPE'] } }, 'policy.fallback.1', /NOPE/],
  ['a DVIPA owner that is not a stack', { dvipaOwner: 'SYS9' }, 'dvipaOwner', /SYS9.*not one of the stacks/],
  ['a DVIPA owner that is not listed first', { dvipaOwner: 'SYS2' }, 'dvipaOwner', /first/],
  ['a target placed on the routing stack', { targets: [{ app: 'WEB2', stack: 'SYS1' }, { app: 'WEB3', stack: 'SYS3' }] }, 'targets.0.stack', /routing stack/],
  ['a target on a stack that does not exist', { targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS7' }] }, 'targets.1.stack', /SYS7/],
  ['two targets with one app name', { targets: [{ app: 'WEB3', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS3' }] }, 'targets', /unique/],
  ['fewer than 3 stacks', { stacks: ['SYS1', 'SYS2'] }, 'stacks', /at least 3 stacks/],
  ['no stacks at all', { stacks: [] }, 'stacks', /at least 3 stacks/],
  ['duplicate stack names', { stacks: ['SYS1', 'SYS2', 'SYS2'] }, 'stacks', /unique/],
  ['a stack name with a space', { stacks: ['SYS1', 'SYS 2', 'SYS3'] }, 'stacks.1', /letters, digits/],
  ['an unknown field', { colour: 'red' }, 'colour', /Invalid key/],
  ['an unknown field inside a target', { targets: [{ app: 'WEB2', stack: 'SYS2', weight: 3 }, { app: 'WEB3', stack: 'SYS3' }] }, 'targets.0.weight', /Invalid key/],
  ['an unknown field inside the crash', { crash: { stack: 'SYS3', atUs: 5, twice: true } }, 'crash.twice', /Invalid key/],
  ['a number given as a string', { clients: 'two' }, 'clients', /Expected number/],
  ['a list given as a string', { stacks: 'SYS1,SYS2,SYS3' }, 'stacks', /Expected Array/],
  ['an object given as a number', { policy: 5 }, 'policy', /must be an object/],
  ['a choice outside its list', { freeze: 'explode' }, 'freeze', /Invalid type/],
  ['a boolean where a number goes', { followUps: true }, 'followUps', /Expected number/],
  ['a fraction where an integer goes', { clients: 1.5 }, 'clients', /integer/],
  ['a negative count', { followUps: -1 }, 'followUps', />=0/],
  ['a huge number of clients', { clients: 1e9 }, 'clients', /<=2000/],
  ['a huge horizon', { horizonUs: 1e300 }, 'horizonUs', /<=3600000000/],
  ['a huge request body', { decidingBodyBytes: 1e6 }, 'decidingBodyBytes', /<=40000/],
  ['a huge XCF delay', { xcfDelayUs: 1e7 }, 'xcfDelayUs', /<=1000000/],
  ['a crash naming a missing stack', { crash: { stack: 'SYS9', atUs: 26_000 } }, 'crash.stack', /SYS9/],
  ['a crash without a time', { crash: { stack: 'SYS3' } }, 'crash.atUs', /atUs/],
];

describe('sysplex parameters: load-time errors name the field', () => {
  it('the defaults and a sensible override load (the refusals below are not blanket ones)', () => {
    expect(scenario('http-transfer').parse({}).ok).toBe(true);
    expect(scenario('http-transfer').parse({ clients: 3, stacks: ['SYS1', 'SYS2', 'SYS3', 'SYS4'], crash: { stack: 'SYS4', atUs: 1 } }).ok).toBe(true);
    const loaded = loadScenarioText(JSON.stringify({ scenario: 'http-transfer', seed: 7, params: { clients: 2 } }));
    expect(loaded.ok && loaded.value.seed).toBe(7);
    expect(loaded.ok && (loaded.value.params as { clients: number }).clients).toBe(2);
  });

  it.each(CASES)('parse(): %s', (_name, params, field, detail) => {
    const error = parseError('http-transfer', params);
    expect(error.startsWith(`${field}: `), error).toBe(true);
    expect(error).toMatch(detail);
    expect(error).not.toMatch(/\n/);
  });

  it.each(CASES)('loadScenarioText(): %s', (_name, params, field, detail) => {
    const error = loadError({ scenario: 'http-transfer', seed: 1, params });
    expect(error.startsWith(`params.${field}: `), error).toBe(true);
    expect(error).toMatch(detail);
    expect(error).not.toMatch(/\n/);
  });

  it('every sysplex scenario checks relations on top of its own overrides', () => {
    // smtp-transfer's targets are MAIL-HQ and MAIL-SALES, so its default policy still fits them …
    expect(scenario('smtp-transfer').parse({}).ok).toBe(true);
    // … but a policy naming the http scenario's WEB3 does not.
    expect(parseError('smtp-transfer', { policy: { rules: [rule('orders', ['WEB3'])], fallback: [] } })).toMatch(/^policy\.rules\.0\.targets\.0: /);
    expect(parseError('target-crash', { crash: { stack: 'SYS5', atUs: 1 } })).toMatch(/^crash\.stack: /);
    expect(parseError('re-transfer', { stacks: ['SYS1', 'SYS2'] })).toMatch(/^stacks: /);
  });

  it('the scenario file itself: unknown fields, bad seeds, unknown scenarios, broken JSON, oversize', () => {
    expect(loadError({ scenario: 'http-transfer', colour: 1 })).toBe('colour: unknown field (expected scenario, seed, params)');
    expect(loadError({ scenario: 'no-such-thing' })).toBe("scenario: unknown scenario 'no-such-thing'");
    expect(loadError({ scenario: 5 })).toMatch(/^scenario: /);
    expect(loadError({ params: {} })).toMatch(/^scenario: /);
    expect(loadError({ scenario: 'http-transfer', seed: -1 })).toMatch(/^seed: expected an integer/);
    expect(loadError({ scenario: 'http-transfer', seed: 1e20 })).toMatch(/^seed: expected an integer/);
    expect(loadError({ scenario: 'http-transfer', seed: 'one' })).toMatch(/^seed: /);
    expect(loadError('[1, 2]')).toBe('scenario file: expected a JSON object');
    expect(loadError('{"scenario": "http-transfer",')).toMatch(/^scenario file is not valid JSON: /);
    expect(loadError(' '.repeat(MAX_SCENARIO_TEXT + 1))).toMatch(/^scenario file too large: /);
  });
});

describe('the CLI refuses bad scenario files with exit code 2 and one line on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-lab-bad-input-'));

  function sim(name: string, content: unknown): { status: number | null; stdout: string; stderr: string } {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    const r = spawnSync('npx', ['tsx', 'src/cli/sim.ts', file], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it.each([
    ['missing-target.json', { scenario: 'http-transfer', params: { policy: { rules: [rule('orders', ['WEB9'])], fallback: ['WEB2'] } } }, 'params.policy.rules.0.targets.0'],
    ['huge-clients.json', { scenario: 'http-transfer', params: { clients: 1e9 } }, 'params.clients'],
  ] as const)('%s', (name, content, field) => {
    const r = sim(name, content);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith(`sim: ${field}: `), lines[0]).toBe(true);
  }, 150_000);

  it('a good file runs and exits 0 (the exit code 2 above is not the CLI failing to start)', () => {
    const r = sim('good.json', { scenario: 'http-transfer', seed: 1, params: {} });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^http-transfer seed=1 /);
  }, 150_000);
});
