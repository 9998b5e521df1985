/**
 * All invariant checkers at once — transparency, exactly-once and one-owner —
 * the way tests, the swarm and the UI's invariant chips run them, and the one
 * break to show first when several fail.
 */
import { checkExactlyOnce } from './exactly-once';
import { checkOneOwner } from './one-owner';
import type { OneOwnerOptions } from './one-owner';
import { checkTransparency } from './transparency';
import type { TransparencyOptions } from './transparency';
import type { CheckResult, TraceView } from './types';

export type { Break, CheckResult, TraceView } from './types';
export type { OneOwnerOptions } from './one-owner';
export type { TransparencyOptions } from './transparency';
export { checkExactlyOnce, checkOneOwner, checkTransparency };

/** What the checkers need to know about the topology: the clients' wire, the DVIPA and the stacks' XCF addresses. */
export type CheckerOptions = TransparencyOptions & OneOwnerOptions;

/** Runs every checker over the trace; results in a fixed order: transparency, exactly-once, one-owner. */
export function runAllCheckers(trace: TraceView, options: CheckerOptions): readonly CheckResult[] {
  return [checkTransparency(trace, options), checkExactlyOnce(trace), checkOneOwner(trace, options)];
}

/**
 * The failing result whose break comes earliest in the trace — the first thing
 * that went wrong, which usually explains the rest — or null when all hold.
 * Ties go to the earlier result in the list.
 */
export function firstBreak(results: readonly CheckResult[]): CheckResult | null {
  let first: CheckResult | null = null;
  for (const r of results) {
    if (r.ok) continue;
    if (first === null || rank(r) < rank(first)) first = r;
  }
  return first;
}

/** Sort key of a failure: its index, with a failure that names no entry after all others. */
function rank(r: CheckResult): number {
  return r.firstFailingIndex ?? Number.POSITIVE_INFINITY;
}
