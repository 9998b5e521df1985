/**
 * Click-forks (dropped segments, a crashed stack, refusing target apps) as
 * parameter overrides and back. forksToParams and combineParams keep the
 * lab's semantics (forkParams and runParams in src/ui/hooks/use-lab-run.ts; a
 * test holds forksToParams equal to forkParams), so a link made from the
 * lab's state replays the same run. paramsToForks undoes combineParams for a
 * decoded link: it returns forks the lab can show as forks, and the rest as
 * editor overrides, such that combining them gives the link's parameters back.
 */
import { findScenario } from '../scenarios/registry';
import type { ScriptedFault } from '../scenarios/scripted-faults';

/** Forks a person added by clicking (the lab store's faults, crash and refusing). */
export interface Forks {
  readonly faults: readonly ScriptedFault[];
  readonly crash: { readonly stack: string; readonly atUs: number } | null;
  readonly refusing: readonly string[];
}

/** No forks. */
export const NO_FORKS: Forks = { faults: [], crash: null, refusing: [] };

/** The reason a refusing target gives when a person made it refuse. */
const REFUSED_BY_YOU = 'refused by you';

type Targets = readonly { readonly app: string; readonly refuse?: string }[];

/** The scenario's default targets: only sysplex scenarios have them, and only they take forks. */
function defaultTargets(scenario: string): Targets | undefined {
  return (findScenario(scenario)?.defaults as { targets?: Targets } | undefined)?.targets;
}

/** The targets with the refusing apps made to refuse, as the lab does it. */
function withRefusing(targets: Targets, refusing: readonly string[]): Targets {
  return targets.map((t) => (refusing.includes(t.app) ? { ...t, refuse: 'always', reason: REFUSED_BY_YOU } : t));
}

/**
 * Scenario parameters for the forks (the lab's forkParams): a refusing fork
 * applies to the edited targets when `edits` has some, else to the defaults.
 */
export function forksToParams(scenario: string, forks: Forks, edits: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const defaults = defaultTargets(scenario);
  if (!defaults) return {};
  const targets = Array.isArray(edits.targets) ? (edits.targets as Targets) : defaults;
  const params: Record<string, unknown> = {};
  if (forks.faults.length > 0) params.faults = forks.faults;
  if (forks.crash) params.crash = forks.crash;
  if (forks.refusing.length > 0) params.targets = withRefusing(targets, forks.refusing);
  return params;
}

/** The parameters a run gets (the lab's runParams): editor overrides, forks on top. This is what a link's `params` holds. */
export function combineParams(scenario: string, edits: Readonly<Record<string, unknown>>, forks: Forks): Record<string, unknown> {
  return { ...edits, ...forksToParams(scenario, forks, edits) };
}

/**
 * Split a link's parameters into forks and editor overrides, so that
 * combineParams(scenario, edits, forks) deep-equals `params` (the same run).
 * Faults and a crash become forks; refusing targets become forks only when
 * they are the defaults with some apps made to refuse — otherwise the refusal
 * stays inside the edited targets, which replays the same run. Assumes the
 * parameters passed the scenario's parse (decodeShare checks them).
 */
export function paramsToForks(scenario: string, params: Readonly<Record<string, unknown>>): { forks: Forks; edits: Record<string, unknown> } {
  const defaults = defaultTargets(scenario);
  if (!defaults) return { forks: NO_FORKS, edits: { ...params } };
  const { faults, crash, targets, ...rest } = params;
  const edits: Record<string, unknown> = { ...rest };
  const faultForks = Array.isArray(faults) && faults.length > 0 ? (faults as ScriptedFault[]) : [];
  if (faults !== undefined && faultForks.length === 0) edits.faults = faults;
  const crashFork = isObject(crash) ? (crash as unknown as Forks['crash']) : null;
  if (crash !== undefined && crashFork === null) edits.crash = crash;
  const refusing = refusingApps(targets);
  const refusingFork = refusing.length > 0 && sameJson(withRefusing(defaults, refusing), targets);
  if (targets !== undefined && !refusingFork) edits.targets = targets;
  return { forks: { faults: faultForks, crash: crashFork, refusing: refusingFork ? refusing : [] }, edits };
}

/** Apps a person made refuse: the targets forksToParams marked. */
function refusingApps(targets: unknown): string[] {
  if (!Array.isArray(targets)) return [];
  return (targets as unknown[])
    .filter((t): t is { app: string } => isObject(t) && t.refuse === 'always' && t.reason === REFUSED_BY_YOU && typeof t.app === 'string')
    .map((t) => t.app);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (key order ignored); depth is bounded by the document's nesting cap. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  if (keys.length !== Object.keys(bRecord).length) return false;
  return keys.every((k) => Object.hasOwn(bRecord, k) && sameJson(aRecord[k], bRecord[k]));
}
