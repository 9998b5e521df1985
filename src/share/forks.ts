/**
 * Click-forks (dropped segments, a crashed stack, refusing target apps) as
 * parameter overrides and back. forksToParams keeps the lab's forkParams
 * semantics exactly (src/ui/hooks/use-lab-run.ts; a test holds the two
 * equal), so a link made from the lab's state replays the same run;
 * paramsToForks undoes it for a decoded link and hands back whatever
 * overrides are not forks.
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

type TargetDefaults = readonly { readonly app: string; readonly refuse?: string }[];

/** The scenario's default targets: only sysplex scenarios have them, and only they take forks. */
function defaultTargets(scenario: string): TargetDefaults | undefined {
  return (findScenario(scenario)?.defaults as { targets?: TargetDefaults } | undefined)?.targets;
}

/** Scenario parameters for the forks (the lab's forkParams). */
export function forksToParams(scenario: string, forks: Forks): Record<string, unknown> {
  const targets = defaultTargets(scenario);
  if (!targets) return {};
  const params: Record<string, unknown> = {};
  if (forks.faults.length > 0) params.faults = forks.faults;
  if (forks.crash) params.crash = forks.crash;
  if (forks.refusing.length > 0) params.targets = targets.map((t) => (forks.refusing.includes(t.app) ? { ...t, refuse: 'always', reason: REFUSED_BY_YOU } : t));
  return params;
}

/**
 * The forks in a document's parameter overrides, and the overrides that are
 * not forks (`rest`, empty for a link the lab made from its forks). Assumes
 * the overrides passed the scenario's parse (decodeShare has checked them).
 */
export function paramsToForks(scenario: string, params: Readonly<Record<string, unknown>>): { forks: Forks; rest: Record<string, unknown> } {
  const { faults, crash, targets, ...rest } = params;
  const forks: Forks = {
    faults: Array.isArray(faults) ? (faults as ScriptedFault[]) : [],
    crash: (crash as Forks['crash'] | undefined) ?? null,
    refusing: refusingApps(targets),
  };
  // Whatever forksToParams cannot rebuild exactly stays an ordinary override.
  const rebuilt = forksToParams(scenario, forks);
  const unfolded: Record<string, unknown> = { ...rest };
  for (const [key, value] of Object.entries({ faults, crash, targets })) {
    if (value !== undefined && !sameJson(rebuilt[key], value)) unfolded[key] = value;
  }
  const folded = Object.keys(unfolded).length === Object.keys(rest).length ? forks : forksOnlyOf(forks, unfolded);
  return { forks: folded, rest: unfolded };
}

/** Forks minus the kinds that stayed overrides. */
function forksOnlyOf(forks: Forks, unfolded: Readonly<Record<string, unknown>>): Forks {
  return {
    faults: 'faults' in unfolded ? [] : forks.faults,
    crash: 'crash' in unfolded ? null : forks.crash,
    refusing: 'targets' in unfolded ? [] : forks.refusing,
  };
}

/** Apps a person made refuse: the targets forksToParams marked. */
function refusingApps(targets: unknown): string[] {
  if (!Array.isArray(targets)) return [];
  return (targets as { app?: unknown; refuse?: unknown; reason?: unknown }[])
    .filter((t) => t.refuse === 'always' && t.reason === REFUSED_BY_YOU && typeof t.app === 'string')
    .map((t) => t.app as string);
}

/** Deep equality of JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((k) => Object.hasOwn(bRecord, k) && sameJson((a as Record<string, unknown>)[k], bRecord[k]));
}
