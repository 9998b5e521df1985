/**
 * Sender-side SACK scoreboard (RFC 2018, RFC 6675 simplified): the ranges the
 * receiver reported holding above SND.UNA, so retransmissions go to the holes
 * and skip what already arrived.
 */
import { seqAdd, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq';

/** What an empty scoreboard holds: shared, and never mutated (every change replaces `ranges`). */
const NO_RANGES: readonly (readonly [number, number])[] = [];

/** Ranges [left, right) reported by SACK blocks, disjoint and sorted. */
export class Scoreboard {
  private ranges: readonly (readonly [number, number])[] = NO_RANGES;

  /** True when nothing is SACKed. */
  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** Highest SACKed sequence number + 1, or null. */
  get highest(): number | null {
    const last = this.ranges[this.ranges.length - 1];
    return last ? last[1] : null;
  }

  /** Add blocks from an ACK; ignore those at or below SND.UNA or beyond SND.MAX. */
  add(blocks: readonly (readonly [number, number])[], sndUna: number, sndMax: number): void {
    for (const [l, r] of blocks) {
      if (!seqLt(l, r) || seqLe(r, sndUna) || seqGt(r, sndMax)) continue;
      this.insert(seqMax(l, sndUna), r);
    }
  }

  /** Forget everything below the new SND.UNA. */
  advance(sndUna: number): void {
    if (this.ranges.length === 0) return;
    this.ranges = this.ranges.filter(([, r]) => seqGt(r, sndUna)).map(([l, r]) => [seqMax(l, sndUna), r]);
  }

  /** Clear (after an RTO the receiver may have reneged, RFC 2018 §8). */
  clear(): void {
    this.ranges = NO_RANGES;
  }

  /** True when `seq` lies in a SACKed range. */
  isSacked(seq: number): boolean {
    return this.ranges.some(([l, r]) => seqLe(l, seq) && seqLt(seq, r));
  }

  /** If `seq` is SACKed, the end of its range; else `seq`. Lets the sender skip received data. */
  skipSacked(seq: number): number {
    for (const [l, r] of this.ranges) if (seqLe(l, seq) && seqLt(seq, r)) return r;
    return seq;
  }

  /** The first un-SACKed byte at or after `from` and below the highest SACKed byte, or null. */
  nextHole(from: number): number | null {
    const top = this.highest;
    if (top === null) return null;
    const seq = this.skipSacked(from);
    return seqLt(seq, top) ? seq : null;
  }

  /** Length of the hole starting at `seq`: up to the next SACKed range. */
  holeLength(seq: number, max: number): number {
    for (const [l] of this.ranges) if (seqGt(l, seq)) return Math.min(max, (l - seq) >>> 0);
    return max;
  }

  private insert(l: number, r: number): void {
    let left = l;
    let right = r;
    const out: [number, number][] = [];
    for (const [a, b] of this.ranges) {
      if (seqLt(b, left) || seqGt(a, right)) out.push([a, b]);
      else {
        left = seqMin(left, a);
        right = seqMax(right, b);
      }
    }
    out.push([left, right]);
    out.sort((x, y) => (seqLt(x[0], y[0]) ? -1 : 1));
    this.ranges = out;
  }
}

/** True when [seq, seq+len) is fully SACKed. */
export function fullySacked(board: Scoreboard, seq: number, len: number): boolean {
  return len > 0 && seqGe(board.skipSacked(seq), seqAdd(seq, len));
}
