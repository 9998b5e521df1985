import { useMemo } from 'react';
import { findScenario } from '../../scenarios/registry';
import type { ScriptedFault } from '../../scenarios/scripted-faults';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { StateFolder } from '../viewmodel/state-at';

/** Forks a person added by clicking: they become scenario parameters, so the run replays deterministically. */
export interface Forks {
  readonly faults: readonly ScriptedFault[];
  readonly crash: { readonly stack: string; readonly atUs: number } | null;
  readonly refusing: readonly string[];
}

/** Scenario parameters for the forks: only sysplex scenarios take them. A refusing fork applies to the edited targets when there are some. */
export function forkParams(scenario: string, forks: Forks, edits: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const def = findScenario(scenario);
  const defaults = def?.defaults as { targets?: readonly { app: string; refuse?: string }[] } | undefined;
  if (!defaults?.targets) return {};
  const targets = (Array.isArray(edits.targets) ? edits.targets : defaults.targets) as readonly { app: string; refuse?: string }[];
  const params: Record<string, unknown> = {};
  if (forks.faults.length > 0) params.faults = forks.faults;
  if (forks.crash) params.crash = forks.crash;
  if (forks.refusing.length > 0) params.targets = targets.map((t) => (forks.refusing.includes(t.app) ? { ...t, refuse: 'always', reason: 'refused by you' } : t));
  return params;
}

/** The parameters a run gets: the editor's overrides, with the forks on top. */
export function runParams(scenario: string, edits: Readonly<Record<string, unknown>>, forks: Forks): Record<string, unknown> {
  return { ...edits, ...forkParams(scenario, forks, edits) };
}

/** The run for (scenario, seed, edits, forks), computed once, with its state folder; or an error to show. */
export function useLabRun(scenario: string, seed: number, edits: Readonly<Record<string, unknown>>, forks: Forks): { run: LabRun; folder: StateFolder } | { error: string } {
  return useMemo(() => {
    const result = runLab(scenario, seed, runParams(scenario, edits, forks));
    if (!result.ok) return { error: result.error };
    return { run: result.run, folder: new StateFolder(result.run.events) };
  }, [scenario, seed, edits, forks]);
}
