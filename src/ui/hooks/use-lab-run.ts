import { useMemo } from 'react';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { StateFolder } from '../viewmodel/state-at';

/** The run for (scenario, seed), computed once, with its state folder; or an error to show. */
export function useLabRun(scenario: string, seed: number): { run: LabRun; folder: StateFolder } | { error: string } {
  return useMemo(() => {
    const result = runLab(scenario, seed);
    if (!result.ok) return { error: result.error };
    return { run: result.run, folder: new StateFolder(result.run.events) };
  }, [scenario, seed]);
}
