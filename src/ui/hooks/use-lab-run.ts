import { useMemo } from 'react';
import { combineParams, forksToParams, type Forks } from '../../share/forks';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { StateFolder } from '../viewmodel/state-at';

export type { Forks };

/** Scenario parameters for the forks (see share/forks: one definition for the lab and its links). */
export function forkParams(scenario: string, forks: Forks, edits: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return forksToParams(scenario, forks, edits);
}

/** The parameters a run gets: the editor's overrides, with the forks on top — what a link's `params` holds. */
export function runParams(scenario: string, edits: Readonly<Record<string, unknown>>, forks: Forks): Record<string, unknown> {
  return combineParams(scenario, edits, forks);
}

/** The run for (scenario, seed, edits, forks), computed once, with its state folder; or an error to show. */
export function useLabRun(scenario: string, seed: number, edits: Readonly<Record<string, unknown>>, forks: Forks): { run: LabRun; folder: StateFolder } | { error: string } {
  return useMemo(() => {
    const result = runLab(scenario, seed, runParams(scenario, edits, forks));
    if (!result.ok) return { error: result.error };
    return { run: result.run, folder: new StateFolder(result.run.events) };
  }, [scenario, seed, edits, forks]);
}
