/** Binary search over ascending lists, for the per-step lookups the views make in large runs. */

/** How many leading items have `key(item)` ≤ value (the index of the first one above it). */
export function countUpTo<T>(sorted: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = sorted[mid];
    if (item !== undefined && key(item) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Identity key, for lists of numbers. */
export const asNumber = (n: number): number => n;

/** The last number below `value` and the first above it in an ascending list of integers (undefined: none). */
export function neighbours(sorted: readonly number[], value: number): { readonly before: number | undefined; readonly after: number | undefined } {
  return { before: sorted[countUpTo(sorted, value - 1, asNumber) - 1], after: sorted[countUpTo(sorted, value, asNumber)] };
}
