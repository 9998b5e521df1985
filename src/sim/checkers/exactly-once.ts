/**
 * Exactly once: every byte of each direction of a connection is consumed once,
 * in order, by whichever application holds the connection at the time — the
 * routing app first, then each target app in turn. A transfer that re-delivers
 * bytes the routing app already read (a byte consumed twice) or drops bytes it
 * had queued (a byte skipped) breaks the application dialogue even when the TCP
 * wire looks perfect, so this reads the apps' socket boundary (app-bytes
 * entries), not the wire. Writes must tile the stream the same way, since the
 * stream offsets of what apps read are defined by what apps wrote.
 */
import type { TraceEntry } from '../core/trace';
import { at, verdict } from './types';
import type { Break, CheckResult, TraceView } from './types';

const NAME = 'exactly-once';

/** An app-bytes trace entry. */
type AppBytes = Extract<TraceEntry, { kind: 'app-bytes' }>;

/** One range an app read or wrote, remembered to name it in a later break. */
interface Range {
  readonly entry: AppBytes;
  readonly start: number;
  readonly end: number;
}

/**
 * Checks, per connection and stream, that the `in` ranges of all apps together
 * run contiguously from offset 0 in trace order — no byte twice, none skipped,
 * none before it was written — and that a read equal to a write has its digest.
 */
export function checkExactlyOnce(trace: TraceView): CheckResult {
  const streams = new Map<string, StreamWatch>();
  const breaks: Break[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'app-bytes' || e.length === 0) continue;
    const key = `${e.conn} ${e.stream}`;
    let stream = streams.get(key);
    if (stream === undefined) streams.set(key, (stream = new StreamWatch()));
    const found = e.direction === 'in' ? stream.read(e) : stream.write(e);
    if (found !== undefined) breaks.push(found);
  }
  return verdict(NAME, breaks, `${String(streams.size)} stream(s): every byte read exactly once, in order, after it was written`);
}

/** Reads and writes of one direction of one connection. */
class StreamWatch {
  private written = 0;
  private consumed = 0;
  private readonly writes: Range[] = [];
  private readonly reads: Range[] = [];
  /** After the first break the offsets no longer mean anything; later entries are not judged. */
  private broken = false;

  /** An app wrote [offset, offset+length): it must start where the stream's writes so far end. */
  write(e: AppBytes): Break | undefined {
    const range = { entry: e, start: e.offset, end: e.offset + e.length };
    const found = e.offset < this.written ? this.twice(range, this.writes, 'written') : e.offset > this.written ? this.skipped(range, this.written, 'written') : undefined;
    this.writes.push(range);
    this.written = Math.max(this.written, range.end);
    return this.judge(found);
  }

  /** An app consumed [offset, offset+length): next in line, already written, and equal to what was written. */
  read(e: AppBytes): Break | undefined {
    const range = { entry: e, start: e.offset, end: e.offset + e.length };
    const found = e.offset < this.consumed ? this.twice(range, this.reads, 'consumed')
      : e.offset > this.consumed ? this.skipped(range, this.consumed, 'consumed')
      : range.end > this.written ? this.overRead(range) : this.digestMismatch(range);
    this.reads.push(range);
    this.consumed = Math.max(this.consumed, range.end);
    return this.judge(found);
  }

  /** Reports only the first break of the stream; the rest follow from it. */
  private judge(found: Break | undefined): Break | undefined {
    if (found === undefined || this.broken) return undefined;
    this.broken = true;
    return found;
  }

  /** Bytes of `range` that an earlier range already covered. */
  private twice(range: Range, earlier: readonly Range[], verb: string): Break {
    const prior = earlier.find((r) => r.start < range.end && range.start < r.end);
    const lo = Math.max(range.start, prior?.start ?? range.start);
    const hi = Math.min(range.end, prior?.end ?? range.end);
    const e = range.entry;
    const first = prior === undefined ? 'already' : `by ${who(prior.entry)} ${at(prior.entry.index)}`;
    return { index: e.index, detail: `bytes ${span(lo, hi)} of ${e.stream} on ${e.conn} ${verb} ${first} and again by ${who(e)} ${at(e.index)}` };
  }

  /** A range starting past the end of everything before it: the bytes between are skipped. */
  private skipped(range: Range, expected: number, verb: string): Break {
    const e = range.entry;
    return { index: e.index, detail: `bytes ${span(expected, range.start)} of ${e.stream} on ${e.conn} are never ${verb}: ${who(e)} ${at(e.index)} goes on at offset ${String(range.start)}` };
  }

  /** A read past the end of what had been written so far: bytes that did not exist yet. */
  private overRead(range: Range): Break {
    const e = range.entry;
    return { index: e.index, detail: `${who(e)} ${at(e.index)} consumes bytes ${span(range.start, range.end)} of ${e.stream} on ${e.conn}, but only ${String(this.written)} bytes had been written` };
  }

  /** A read of exactly a written range must carry that write's digest. */
  private digestMismatch(range: Range): Break | undefined {
    const w = this.writes.find((r) => r.start === range.start && r.end === range.end);
    const e = range.entry;
    if (w === undefined || w.entry.digest === e.digest) return undefined;
    return { index: e.index, detail: `bytes ${span(range.start, range.end)} of ${e.stream} on ${e.conn} consumed by ${who(e)} ${at(e.index)} differ from what ${who(w.entry)} ${at(w.entry.index)} wrote (digest ${hex(e.digest)}, written ${hex(w.entry.digest)})` };
  }
}

/** "routing-app on SYS1". */
function who(e: AppBytes): string {
  return `${e.app} on ${e.node}`;
}

/** "200..260", a half-open byte range. */
function span(start: number, end: number): string {
  return `${String(start)}..${String(end)}`;
}

/** A digest as 8 hex digits. */
function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
