/**
 * The common shape of every invariant checker: what it reads (a TraceView, which
 * the simulation's Trace already satisfies, so checkers run on live runs and on
 * hand-built test traces alike) and what it answers (a CheckResult naming the
 * trace entry where the invariant first broke, so the UI can jump there).
 */
import type { PacketRecord, TraceEntry } from '../core/trace';

/** What a checker reads: the entries in order, and the bytes of each registered packet. */
export interface TraceView {
  readonly events: readonly TraceEntry[];
  packetBytes(id: number): Uint8Array | undefined;
  /**
   * Where each packet came from (forwarded copies point at their parent), when
   * known: lets a checker order what the client received by when the server sent
   * it, so reordering in the network is not taken for a server going backwards.
   */
  readonly packets?: readonly Pick<PacketRecord, 'createdAt' | 'parentId'>[];
}

/** The verdict of one checker over one trace. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Trace index of the entry at which the invariant first broke; null when it holds. */
  readonly firstFailingIndex: number | null;
  /** Plain language: what broke and where, or a one-line summary of what was checked. */
  readonly detail: string;
}

/** One violation found while scanning; a checker reports the earliest. */
export interface Break {
  readonly index: number;
  readonly detail: string;
}

/** A passing result with a summary of what was checked. */
export function pass(name: string, detail: string): CheckResult {
  return { name, ok: true, firstFailingIndex: null, detail };
}

/**
 * The result for a list of violations: passing when empty, otherwise failing at
 * the earliest index. Some breaks are only known at the end of the trace (a gap
 * never filled) yet point back to where they began, so breaks arrive unordered.
 */
export function verdict(name: string, breaks: readonly Break[], summary: string): CheckResult {
  let first: Break | undefined;
  for (const b of breaks) if (first === undefined || b.index < first.index) first = b;
  if (first === undefined) return pass(name, summary);
  const more = breaks.length > 1 ? ` (${String(breaks.length - 1)} more break${breaks.length > 2 ? 's' : ''} found)` : '';
  return { name, ok: false, firstFailingIndex: first.index, detail: first.detail + more };
}

/** "#12", the way details refer to a trace entry. */
export function at(index: number): string {
  return `#${String(index)}`;
}
