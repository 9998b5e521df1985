/**
 * The page's side of the simulation worker: one worker, requests by id, and
 * a small cache so stepping back to an earlier fork or scenario does not
 * re-run it. A newer request does not cancel an older one (the worker runs
 * one at a time); the hook ignores answers it no longer wants.
 */
import type { Forks } from '../../share/forks';
import type { LabRun } from '../viewmodel/lab-run';
import type { RunAnswer, RunRequest } from './run-answer';
import { deserializeRun } from './serialized-run';

/** A run, or why there is none. */
export type RunResult = { readonly ok: true; readonly run: LabRun } | { readonly ok: false; readonly error: string };

const CACHE_RUNS = 6;
const cache = new Map<string, Promise<RunResult>>();
const waiting = new Map<number, (answer: RunAnswer) => void>();
let worker: Worker | null = null;
let nextId = 1;

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<RunAnswer>) => {
    waiting.get(e.data.id)?.(e.data);
    waiting.delete(e.data.id);
  };
  w.onerror = (e) => {
    // A worker that cannot start (or dies) fails every open request with the reason, and the next request starts a new one.
    for (const resolve of waiting.values()) resolve({ id: 0, ok: false, error: `the simulation worker stopped: ${e.message || 'unknown error'}` });
    waiting.clear();
    cache.clear();
    worker = null;
  };
  worker = w;
  return w;
}

/** The worker's answer as the page uses it: the run rebuilt, its analysis already in analyseRun's cache. */
export function resultOf(answer: RunAnswer): RunResult {
  return answer.ok ? { ok: true, run: deserializeRun(answer.run) } : { ok: false, error: answer.error };
}

/** The run for these inputs: from the cache, else from the worker. */
export function requestRun(scenario: string, seed: number, edits: Readonly<Record<string, unknown>>, forks: Forks): Promise<RunResult> {
  const key = JSON.stringify([scenario, seed, edits, forks]);
  const cached = cache.get(key);
  if (cached) return cached;
  const id = nextId++;
  const request: RunRequest = { id, scenario, seed, edits, forks };
  const promise = new Promise<RunResult>((resolve) => {
    waiting.set(id, (answer) => resolve(resultOf(answer)));
    theWorker().postMessage(request);
  });
  cache.set(key, promise);
  if (cache.size > CACHE_RUNS) cache.delete(cache.keys().next().value as string);
  return promise;
}
