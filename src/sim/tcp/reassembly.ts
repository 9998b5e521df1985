/**
 * Receive-side out-of-order queue (RFC 9293 §3.10.7.4, seventh step) and the
 * SACK blocks it implies (RFC 2018 §4). Segments beyond RCV.NXT are kept as
 * disjoint, merged ranges; the first SACK block always covers the most
 * recently received segment, the rest follow in recency order.
 */
import { seqAdd, seqDiff, seqGt, seqLe, seqLt, seqMax } from './seq';

/** One held range [seq, seq + bytes.length), possibly ending with a FIN. */
interface Held {
  seq: number;
  bytes: Uint8Array;
  fin: boolean;
  /** Receive order of the newest segment merged in, for SACK block order. */
  stamp: number;
}

/** What an empty queue holds: shared, and never mutated (every change replaces `held`). */
const NOTHING_HELD: readonly Held[] = [];

/** Out-of-order segments waiting for the hole before them to fill. */
export class Reassembly {
  private held: readonly Held[] = NOTHING_HELD;
  private stamp = 0;

  /** True when nothing is held. */
  get empty(): boolean {
    return this.held.length === 0;
  }

  /** Bytes held. */
  get bytes(): number {
    let n = 0;
    for (let i = 0; i < this.held.length; i++) n += (this.held[i] as Held).bytes.length;
    return n;
  }

  /** Hold a segment that starts after RCV.NXT. Overlaps keep the bytes already held. */
  insert(seq: number, bytes: Uint8Array, fin: boolean): void {
    const stamp = ++this.stamp;
    let start = seq;
    let data = bytes;
    let hasFin = fin;
    const kept: Held[] = [];
    for (const h of this.held) {
      const hEnd = seqAdd(h.seq, h.bytes.length);
      const end = seqAdd(start, data.length);
      if (seqLt(hEnd, start) || seqGt(h.seq, end)) {
        kept.push(h); // disjoint and not adjacent
        continue;
      }
      // Overlapping or adjacent: merge into one range.
      const mergedStart = seqLt(h.seq, start) ? h.seq : start;
      const mergedEnd = seqMax(hEnd, end);
      const merged = new Uint8Array(seqDiff(mergedEnd, mergedStart));
      merged.set(data, seqDiff(start, mergedStart));
      merged.set(h.bytes, seqDiff(h.seq, mergedStart));
      start = mergedStart;
      data = merged;
      hasFin = hasFin || h.fin;
    }
    kept.push({ seq: start, bytes: data, fin: hasFin, stamp });
    kept.sort((a, b) => seqDiff(a.seq, b.seq));
    this.held = kept;
  }

  /**
   * Remove and return what now continues from `rcvNxt`, trimmed of bytes
   * before it, or null if the next range still starts after a hole.
   */
  takeInOrder(rcvNxt: number): { bytes: Uint8Array; fin: boolean } | null {
    const first = this.held[0];
    if (!first || seqGt(first.seq, rcvNxt)) return null;
    this.held = this.held.slice(1);
    const skip = seqDiff(rcvNxt, first.seq);
    return { bytes: first.bytes.subarray(Math.min(skip, first.bytes.length)), fin: first.fin };
  }

  /** Drop held ranges that end at or before `rcvNxt` (already delivered). */
  discardBefore(rcvNxt: number): void {
    if (this.held.length === 0) return;
    this.held = this.held.filter((h) => seqGt(seqAdd(h.seq, h.bytes.length), rcvNxt) || (h.fin && seqLe(rcvNxt, seqAdd(h.seq, h.bytes.length))));
  }

  /** SACK blocks [left, right) to advertise, newest first, at most `max` (RFC 2018 §4). */
  sackBlocks(max: number): [number, number][] {
    return [...this.held]
      .filter((h) => h.bytes.length > 0)
      .sort((a, b) => b.stamp - a.stamp)
      .slice(0, max)
      .map((h) => [h.seq, seqAdd(h.seq, h.bytes.length)]);
  }
}
