/**
 * The shared document: what a link carries — a built-in scenario, its seed,
 * parameter overrides (click-forks are overrides too), an optional title and
 * the view (step, selection, open panels). A valibot schema bounds every
 * field; then the scenario must exist and accept the overrides, so a document
 * that validates here is one the lab can run.
 */
import * as v from 'valibot';
import { findScenario } from '../scenarios/registry';
import { MAX_PANELS, MAX_SEED, MAX_STEP, MAX_TITLE_CHARS } from './limits';

/** The version of the document this lab writes. */
export const CURRENT_VERSION = 1;

const integer = (min: number, max: number, what: string) =>
  v.pipe(v.number(`must be ${what}`), v.integer(`must be ${what}`), v.minValue(min, `must be ${what}`), v.maxValue(max, `must be ${what}`));

// Titles are shown as text, never as markup; control and bidirectional-override characters could still disguise them.
const PLAIN_TEXT = /^[^\p{Cc}\u202a-\u202e\u2066-\u2069]*$/u;
const PANEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** What the lab was showing. */
export const ShareViewSchema = v.strictObject(
  {
    /** The current step (trace entry index); −1 before the first, as in the lab's store. */
    step: v.optional(integer(-1, MAX_STEP, `an integer from -1 to ${MAX_STEP}`)),
    /** The trace entry picked for the inspector. */
    selected: v.optional(integer(0, MAX_STEP, `an integer from 0 to ${MAX_STEP}`)),
    /** Names of the open panels; the lab ignores names it does not know. */
    panels: v.optional(
      v.pipe(
        v.array(v.pipe(v.string('must be a panel name'), v.regex(PANEL_NAME, 'must be a panel name: 1–32 lower-case letters, digits or "-"')), 'must be a list of panel names'),
        v.maxLength(MAX_PANELS, `must name at most ${MAX_PANELS} panels`),
        v.check((names) => new Set(names).size === names.length, 'must not name a panel twice'),
      ),
    ),
  },
  (issue) => (issue.expected === 'never' ? 'unknown field' : 'must be an object'),
);

/** The shared document, version 1. */
export const ShareDocumentSchema = v.strictObject(
  {
    v: v.literal(CURRENT_VERSION, `must be ${CURRENT_VERSION}`),
    /** A built-in scenario id (checked against the registry after the schema). */
    scenario: v.pipe(v.string('must be a scenario id'), v.maxLength(64, 'must be a scenario id (at most 64 characters)')),
    seed: integer(0, MAX_SEED, `an integer from 0 to ${MAX_SEED}`),
    /**
     * Overrides of the scenario's defaults, field by field. Only the shape is
     * checked here: the scenario's own parse() validates the fields (a record
     * schema would silently drop keys such as `__proto__`, which parse() names
     * as unknown instead).
     */
    params: v.optional(v.custom<Record<string, unknown>>(isPlainObject, 'must be an object of parameter overrides')),
    /** A label a person gave the link: plain text. */
    title: v.optional(
      v.pipe(
        v.string('must be text'),
        v.maxLength(MAX_TITLE_CHARS, `must be at most ${MAX_TITLE_CHARS} characters`),
        v.regex(PLAIN_TEXT, 'must be plain text (no control or direction-override characters)'),
      ),
    ),
    view: v.optional(ShareViewSchema),
  },
  (issue) => (issue.expected === 'never' ? 'unknown field' : 'must be an object'),
);

/** A shared document. */
export type ShareDocument = v.InferOutput<typeof ShareDocumentSchema>;
/** The view part of a shared document. */
export type ShareView = v.InferOutput<typeof ShareViewSchema>;

/** Validation result: the document, or a one-line error starting with the field path. */
export type DocumentResult = { ok: true; doc: ShareDocument } | { ok: false; error: string };

/** Validate a document in the current version: the schema, then the scenario, then its parameters. */
export function validateDocument(raw: unknown): DocumentResult {
  const result = v.safeParse(ShareDocumentSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    return { ok: false, error: `${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}` };
  }
  const doc = result.output;
  const scenario = findScenario(doc.scenario);
  if (!scenario) return { ok: false, error: `scenario: unknown scenario '${doc.scenario}'` };
  const parsed = scenario.parse(doc.params ?? {});
  if (!parsed.ok) return { ok: false, error: paramsError(parsed.error) };
  return { ok: true, doc };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scenario's parse error, its field path placed under `params`. */
function paramsError(error: string): string {
  const topLevel = '(top level)';
  return error.startsWith(topLevel) ? `params${error.slice(topLevel.length)}` : `params.${error}`;
}
