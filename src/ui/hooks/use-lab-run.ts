import { useEffect, useState } from 'react';
import type { Forks } from '../../share/forks';
import { requestRun } from '../run/run-client';
import type { LabRun } from '../viewmodel/lab-run';
import { StateFolder } from '../viewmodel/state-at';

export type { Forks };

/** What the page shows for a run: the run with its state folder, an error, or (while the worker computes) nothing yet. */
export type LabRunState = { readonly run: LabRun; readonly folder: StateFolder; readonly pending: boolean } | { readonly error: string } | { readonly loading: true };

type Settled = { readonly run: LabRun; readonly folder: StateFolder } | { readonly error: string };

/**
 * The run for (scenario, seed, edits, forks), computed in the simulation
 * worker. While a new run computes, the previous one stays on screen, marked
 * pending, so a fork or a new seed never blanks the page.
 */
export function useLabRun(scenario: string, seed: number, edits: Readonly<Record<string, unknown>>, forks: Forks): LabRunState {
  const key = JSON.stringify([scenario, seed, edits, forks]);
  const [shown, setShown] = useState<{ readonly key: string; readonly settled: Settled } | null>(null);
  useEffect(() => {
    let wanted = true;
    void requestRun(scenario, seed, edits, forks).then((result) => {
      // The folder is built here, not in the worker like the run's analysis: its checkpoints (~30 MB on
      // a 100k-event run) would cost more to deserialize on this thread than folding the trace (~0.1 s).
      if (wanted) setShown({ key, settled: result.ok ? { run: result.run, folder: new StateFolder(result.run.events) } : { error: result.error } });
    });
    return () => {
      wanted = false;
    };
  }, [key, scenario, seed, edits, forks]);
  if (!shown) return { loading: true };
  if ('run' in shown.settled) return { ...shown.settled, pending: shown.key !== key };
  return shown.key === key ? shown.settled : { loading: true };
}
