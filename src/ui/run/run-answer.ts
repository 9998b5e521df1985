/**
 * The simulation worker's messages and the work behind an answer: run the
 * scenario, then serialize the run with its analysis. Apart from the worker's
 * binding to `self` (lab.worker.ts), so tests run the worker's own path in
 * Node. The page imports only the types: the simulation stays in the worker.
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

/** The answer to one request; never throws (a failure is an answer the page shows). */
export function answerRequest({ id, scenario, seed, edits, forks }: RunRequest): RunAnswer {
  try {
    const result = runLab(scenario, seed, combineParams(scenario, edits, forks));
    return result.ok ? { id, ok: true, run: serializeRun(result.run) } : { id, ok: false, error: result.error };
  } catch (err) {
    return { id, ok: false, error: `the simulation failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
