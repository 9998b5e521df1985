/**
 * An application's view of a TCP connection that records, in the trace, every
 * range of stream bytes the app consumes or writes (`app-bytes` entries). The
 * offsets count from the first data byte of each direction, taken from the TCB,
 * so a target app that resumes a transferred connection continues the same
 * numbering the routing app used — which is what the exactly-once checker needs.
 */
import type { Simulation } from '../../../sim/core/simulation';
import type { Connection } from '../../../sim/tcp/connection';
import { seqDiff } from '../../../sim/tcp/seq';

/** FNV-1a-32 of bytes. */
export function digest(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A socket wrapper that traces app-level bytes. */
export class AppSocket {
  private consumed: number;
  private written: number;

  constructor(
    private readonly sim: Simulation,
    readonly connection: Connection,
    private readonly node: string,
    private readonly app: string,
    /** Trace name of the connection (the client-side 4-tuple). */
    readonly conn: string,
    /** Which stream this side reads: servers read c2s, clients read s2c. */
    private readonly reads: 'c2s' | 's2c',
  ) {
    const t = connection.tcb;
    this.consumed = Math.max(0, seqDiff(t.rcvNxt, (t.irs + 1) >>> 0) - t.receiveBuffer.length - (t.finReceived ? 1 : 0));
    this.written = Math.max(0, seqDiff(t.sndDataEnd, (t.iss + 1) >>> 0));
  }

  /** Unread bytes, without consuming them (recv with MSG_PEEK). */
  peek(): Uint8Array {
    return this.connection.peek();
  }

  /** Consume `n` bytes. */
  consume(n: number): Uint8Array {
    const bytes = this.connection.recv(n);
    if (bytes.length > 0) {
      this.sim.trace.record({ kind: 'app-bytes', node: this.node, app: this.app, conn: this.conn, stream: this.reads, direction: 'in', offset: this.consumed, length: bytes.length, digest: digest(bytes) });
      this.consumed += bytes.length;
    }
    return bytes;
  }

  /** Write bytes (all of them: the send buffer is large enough for these dialogues). */
  write(bytes: Uint8Array): void {
    const n = this.connection.send(bytes);
    if (n === 0) return;
    this.sim.trace.record({ kind: 'app-bytes', node: this.node, app: this.app, conn: this.conn, stream: this.reads === 'c2s' ? 's2c' : 'c2s', direction: 'out', offset: this.written, length: n, digest: digest(bytes.subarray(0, n)) });
    this.written += n;
  }
}
