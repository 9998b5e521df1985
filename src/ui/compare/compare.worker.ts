/**
 * Runs the comparison (three simulations of the same workload) off the main
 * thread, so the page keeps answering while it computes. The worker is the
 * same deterministic code Node runs for `npm run sim -- compare`.
 */
import { parseCompareParams, runCompare, type CompareReport } from '../../scenarios/compare';

/** What the page asks for. */
export interface CompareRequest {
  readonly seed: number;
  readonly params: unknown;
}

/** What the worker answers. */
export type CompareAnswer = { readonly ok: true; readonly report: CompareReport } | { readonly ok: false; readonly error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<CompareRequest>) => void) | null; postMessage: (answer: CompareAnswer) => void };

scope.onmessage = (e) => {
  const parsed = parseCompareParams(e.data.params);
  if (!parsed.ok) {
    scope.postMessage({ ok: false, error: parsed.error });
    return;
  }
  try {
    scope.postMessage({ ok: true, report: runCompare(parsed.params, e.data.seed) });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
