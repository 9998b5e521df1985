/**
 * A watch on a number that must never go backwards — acknowledgement numbers and
 * TSval on the client's wire — compared modulo 2^32 as TCP compares them.
 *
 * The network may reorder or duplicate, so a single stale segment arriving late
 * shows an older value; that is the path, not the stack. A transfer that lost
 * state shows a regression that persists: every later value stays below the old
 * maximum. So a dip is excused when a later value climbs back to the maximum it
 * fell from (or when nothing follows it), and is a break otherwise. The break is
 * reported at the dip, where the regression began.
 */
import { seqGe } from '../tcp/seq';
import type { Break } from './types';

interface Dip {
  readonly index: number;
  /** The maximum the value fell below; a later value at least this recovers it. */
  readonly from: number;
  readonly detail: string;
}

/** Tracks one never-decreasing value; see the file comment for what counts as a break. */
export class MonotoneWatch {
  private max: number | null = null;
  private open: Dip[] = [];
  private lastIndex = -1;

  /** Records `value` seen at trace `index`; `describe(max)` words the break should this dip persist. */
  observe(index: number, value: number, describe: (max: number) => string): void {
    this.lastIndex = index;
    if (this.max === null || seqGe(value, this.max)) {
      this.open = this.open.filter((d) => !seqGe(value, d.from));
      this.max = value;
      return;
    }
    this.open.push({ index, from: this.max, detail: describe(this.max) });
  }

  /** Dips never recovered, except a dip on the very last value (a straggler with nothing after it). */
  breaks(): Break[] {
    return this.open.filter((d) => d.index !== this.lastIndex).map((d) => ({ index: d.index, detail: d.detail }));
  }
}
