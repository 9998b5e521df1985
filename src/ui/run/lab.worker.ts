/**
 * The simulation runs here, off the page's thread: the page stays responsive
 * while a large scenario computes, and the simulation's code (machines,
 * scenarios, checkers) is not part of what a first visit must download before
 * anything shows. Same deterministic code as Node: same trace hash.
 */
import { combineParams, type Forks } from '../../share/forks';
import { runLab } from '../viewmodel/lab-run';
import { serializeRun, type SerializedRun } from './serialized-run';

/** What the page asks for: a run, named by everything that determines it. */
export interface RunRequest {
  readonly id: number;
  readonly scenario: string;
  readonly seed: number;
  readonly edits: Readonly<Record<string, unknown>>;
  readonly forks: Forks;
}

/** The answer, tagged with the request's id. */
export type RunAnswer = { readonly id: number; readonly ok: true; readonly run: SerializedRun } | { readonly id: number; readonly ok: false; readonly error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<RunRequest>) => void) | null; postMessage: (answer: RunAnswer) => void };

scope.onmessage = (e) => {
  const { id, scenario, seed, edits, forks } = e.data;
  try {
    const result = runLab(scenario, seed, combineParams(scenario, edits, forks));
    scope.postMessage(result.ok ? { id, ok: true, run: serializeRun(result.run) } : { id, ok: false, error: result.error });
  } catch (err) {
    scope.postMessage({ id, ok: false, error: `the simulation failed: ${err instanceof Error ? err.message : String(err)}` });
  }
};
