/**
 * Sequence continuity of the server side as the client sees it. A segment may
 * repeat or fall behind what was already seen (retransmission, reordering), but
 * a segment starting past everything seen so far leaves a gap. Loss before the
 * client's wire leaves such a gap too, and the sender's retransmission fills it
 * later. A new owner that did not take over SND.NXT leaves a gap nothing ever
 * fills: those bytes were never sent. So a gap is a break only if it is still
 * open at the end of the trace, and it is reported at the segment that jumped.
 */
import { seqAdd, seqDiff } from '../tcp/seq';
import type { Break } from './types';

interface Gap {
  readonly index: number;
  /** Offsets from ISS+1, half-open. */
  readonly start: number;
  readonly end: number;
  readonly detail: string;
}

/** Sequence-space coverage of one direction of one connection, from its ISS. */
export class SeqGaps {
  /** Offset from ISS+1 of the next byte after everything seen: the highest segment end. */
  private frontier = 0;
  private readonly covered: [number, number][] = [];
  private readonly gaps: Gap[] = [];

  constructor(private readonly iss: number) {}

  /** The absolute sequence number just past everything seen so far. */
  get next(): number {
    return seqAdd(this.iss, 1 + this.frontier);
  }

  /** Offset of `seq` from ISS+1; negative for a number before the first data byte. */
  offsetOf(seq: number): number {
    return seqDiff(seq, seqAdd(this.iss, 1));
  }

  /** Records a segment [seq, seq+segLen) seen at `index`; `describe` words the break if a gap it opens stays open. */
  observe(index: number, seq: number, segLen: number, describe: () => string): void {
    const start = this.offsetOf(seq);
    const end = start + segLen;
    if (start > this.frontier) this.gaps.push({ index, start: this.frontier, end: start, detail: describe() });
    if (end > start) this.covered.push([start, end]);
    if (end > this.frontier) this.frontier = end;
  }

  /** Gaps some bytes of which no segment ever carried. */
  breaks(): Break[] {
    const merged = mergeRanges(this.covered);
    return this.gaps.filter((g) => !coveredBy(merged, g.start, g.end)).map((g) => ({ index: g.index, detail: g.detail }));
  }
}

/** Sorted, merged union of half-open ranges. */
function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Whether [start, end) lies inside one merged range. */
function coveredBy(merged: readonly (readonly [number, number])[], start: number, end: number): boolean {
  return merged.some(([s, e]) => s <= start && end <= e);
}
