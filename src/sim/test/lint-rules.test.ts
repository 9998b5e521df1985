// Proves the determinism and layering lint rules fire: sample code that reads
// the wall clock, draws Math.random, sets a timer or imports React is linted as
// if it lived in src/sim, with the project's real ESLint config.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Type-aware rules need the file to exist in a tsconfig; the determinism and
// import rules are syntactic, so the probe turns type information off.
const eslint = new ESLint({ overrideConfig: [tseslint.configs.disableTypeChecked] });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('lint rules for the simulation core', () => {
  const banned: [string, RegExp][] = [
    ['export const x = Math.random();', /no-restricted-properties.*PRNG/],
    ['export const t = Date.now();', /no-restricted-properties.*simulated time/],
    ['export const d = new Date();', /no-restricted-globals.*simulated time/],
    ['setTimeout(() => undefined, 5);', /no-restricted-globals.*simulation clock/],
    ['setInterval(() => undefined, 5);', /no-restricted-globals.*simulation clock/],
    ['export const p = performance.now();', /no-restricted-(globals|properties)/],
    ['export const u = crypto.randomUUID();', /no-restricted-(globals|properties).*PRNG/],
    ["import { createMachine } from 'xstate';\nexport const m = createMachine;", /no-restricted-imports/],
    ["import { useState } from 'react';\nexport const s = useState;", /no-restricted-imports/],
  ];

  it.each(banned)('rejects %s in src/sim', async (code, expected) => {
    const messages = await ruleIds(code, 'src/sim/core/probe.ts');
    expect(messages.join('\n')).toMatch(expected);
  });

  it('rejects clocks in src/machines too', async () => {
    expect((await ruleIds('export const t = Date.now();', 'src/machines/probe.ts')).join('\n')).toMatch(/simulated time/);
  });

  it('accepts the same code in the UI layer, where clocks belong', async () => {
    expect(await ruleIds('export const t = Date.now();', 'src/ui/probe.ts')).toEqual([]);
  });

  it('accepts clean simulation code', async () => {
    expect(await ruleIds('export const double = (n: number): number => n * 2;', 'src/sim/core/probe.ts')).toEqual([]);
  });
});
