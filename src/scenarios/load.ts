/**
 * Turning untrusted input — a built-in id or the text of a scenario file —
 * into a scenario, its parameters and a seed, with an error that names the
 * field when something is wrong. Nothing here runs the simulation.
 */
import { findScenario } from './registry';
import type { AnyScenario } from './types';

/** A scenario ready to run. */
export interface LoadedScenario {
  readonly scenario: AnyScenario;
  readonly params: unknown;
  readonly seed: number;
}

/** Load result: the scenario, or a one-line error. */
export type LoadResult = { ok: true; value: LoadedScenario } | { ok: false; error: string };

/** Largest size of a scenario file we read, in characters. */
export const MAX_SCENARIO_TEXT = 1_000_000;

/** Validate a seed from any source. */
export function parseSeed(raw: unknown, field = 'seed'): { ok: true; seed: number } | { ok: false; error: string } {
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff) {
    return { ok: false, error: `${field}: expected an integer from 0 to 4294967295, got ${JSON.stringify(raw)?.slice(0, 40) ?? String(raw)}` };
  }
  return { ok: true, seed: n };
}

/** A built-in scenario by id, with its default parameters. */
export function loadBuiltIn(id: string, seed: number): LoadResult {
  const scenario = findScenario(id);
  if (!scenario) return { ok: false, error: `unknown scenario '${id.slice(0, 60)}' (npm run sim -- --list shows the built-in ones)` };
  const parsed = scenario.parse({});
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, value: { scenario, params: parsed.params, seed } };
}

/**
 * A scenario file: `{ "scenario": "<built-in id>", "seed": N, "params": { … } }`.
 * `params` overrides the built-in's defaults field by field (a nested object replaces the default's whole object).
 */
export function loadScenarioText(text: string, seedOverride?: number): LoadResult {
  if (text.length > MAX_SCENARIO_TEXT) return { ok: false, error: `scenario file too large: ${text.length} characters (limit ${MAX_SCENARIO_TEXT})` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `scenario file is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'scenario file: expected a JSON object' };
  const record = data as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((k) => !['scenario', 'seed', 'params', 'title'].includes(k));
  if (unknownKey) return { ok: false, error: `${unknownKey}: unknown field (expected scenario, seed, params)` };
  if (typeof record.scenario !== 'string') return { ok: false, error: 'scenario: expected the id of a built-in scenario' };
  const scenario = findScenario(record.scenario);
  if (!scenario) return { ok: false, error: `scenario: unknown scenario '${record.scenario.slice(0, 60)}'` };
  const seed = seedOverride === undefined ? parseSeed(record.seed ?? 1) : ({ ok: true, seed: seedOverride } as const);
  if (!seed.ok) return seed;
  if (record.params !== undefined && (typeof record.params !== 'object' || record.params === null || Array.isArray(record.params))) {
    return { ok: false, error: 'params: expected an object of parameter overrides' };
  }
  const parsed = scenario.parse(record.params ?? {});
  if (!parsed.ok) return { ok: false, error: `params.${parsed.error}` };
  return { ok: true, value: { scenario, params: parsed.params, seed: seed.seed } };
}
