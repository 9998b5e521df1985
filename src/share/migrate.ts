/**
 * Older link formats, and the steps that bring them to the current document.
 *
 * Version 0 is the query the lab wrote before share links existed:
 * `?scenario=<id>&seed=<n>&step=<n>`, every field optional (the lab opened
 * http-transfer, seed 1, at the beginning for a missing one) and other query
 * fields ignored. Version 1 is the JSON document of ./document.ts, carried
 * compressed in a `#v1.` fragment.
 *
 * A migration takes a plain object of version n and returns one of version
 * n + 1; migrate() applies them in turn. The result still goes through the
 * current schema, so a migration only reshapes — it never vouches for values.
 */
import { CURRENT_VERSION } from './document';
import { MAX_SEED, MAX_STEP } from './limits';

/** The scenario a version-0 link without `scenario=` opened (the lab's DEFAULT_SCENARIO then). */
export const V0_DEFAULT_SCENARIO = 'http-transfer';
/** The seed a version-0 link without `seed=` used. */
export const V0_DEFAULT_SEED = 1;

/** A version-0 document: the query's fields, as the text they were. */
export interface V0Document {
  readonly v: 0;
  readonly scenario?: string;
  readonly seed?: string;
  readonly step?: string;
}

/** Migration result: a plain object of the current version (not yet validated), or a one-line error. */
export type MigrateResult = { ok: true; raw: Record<string, unknown> } | { ok: false; error: string };

type Migration = (doc: Record<string, unknown>) => MigrateResult;

/** Read a version-0 query (with or without its leading `?`). */
export function v0FromQuery(query: string): V0Document {
  const params = new URLSearchParams(query);
  const field = (name: string) => {
    const value = params.get(name);
    return value === null ? {} : { [name]: value };
  };
  return { v: 0, ...field('scenario'), ...field('seed'), ...field('step') };
}

/** Version 0 → 1: defaults for missing fields, numbers from their text, the step under `view`. */
function v0ToV1(doc: Record<string, unknown>): MigrateResult {
  const { scenario = V0_DEFAULT_SCENARIO, seed: seedText, step: stepText } = doc;
  const seed = seedText === undefined ? V0_DEFAULT_SEED : wholeNumber(seedText);
  if (seed === undefined || seed > MAX_SEED) return { ok: false, error: `seed: the link’s seed ${quote(seedText)} is not an integer from 0 to ${MAX_SEED}` };
  const step = stepText === undefined ? undefined : wholeNumber(stepText);
  if (stepText !== undefined && step === undefined) return { ok: false, error: `view.step: the link’s step ${quote(stepText)} is not a step number` };
  // The lab took any step and stopped at the run's last one; past MAX_STEP every run has ended, so clamping keeps such links opening.
  return { ok: true, raw: { v: 1, scenario, seed, ...(step === undefined ? {} : { view: { step: Math.min(step, MAX_STEP) } }) } };
}

/** Migrations by the version they read. */
const MIGRATIONS: Readonly<Record<number, Migration>> = { 0: v0ToV1 };

/** Bring a document of any readable version to the current one. */
export function migrate(raw: unknown): MigrateResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: '(top level): must be a JSON object' };
  const version = (raw as Record<string, unknown>).v;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return { ok: false, error: 'v: must be the format version, a whole number' };
  if (version > CURRENT_VERSION) return { ok: false, error: `v: version ${version} is newer than this lab reads (up to ${CURRENT_VERSION})` };
  let doc = raw as Record<string, unknown>;
  // Bounded: one step per version below the current one.
  for (let at = version; at < CURRENT_VERSION; at++) {
    const step = MIGRATIONS[at];
    if (!step) return { ok: false, error: `v: no migration from version ${at}` };
    const next = step(doc);
    if (!next.ok) return next;
    doc = next.raw;
  }
  return { ok: true, raw: doc };
}

/** A decimal whole number written as text, if it is one and safe. */
function wholeNumber(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function quote(value: unknown): string {
  return JSON.stringify(String(value).slice(0, 40));
}
