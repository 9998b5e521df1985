/**
 * A request/response application pair over simulated TCP: the client sends a
 * request of known bytes, the server answers with a response of known bytes,
 * and each side checks it received exactly what the other sent — the
 * exactly-once, in-order property a reliable stream must give its apps.
 */
import type { Simulation } from '../../sim/core/simulation';
import type { Connection } from '../../sim/tcp/connection';

/** Deterministic content: byte i of a stream with this salt. */
export function streamBytes(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + salt * 7 + (i >> 8)) & 0xff;
  return b;
}

/** What one side of the exchange received, for the integrity check. */
export interface StreamLog {
  received: number;
  /** Bytes that differed from what the peer sent, or arrived beyond it. */
  mismatches: number;
}

/** Compare incoming bytes against the expected stream, counting mismatches. */
export function checkIncoming(log: StreamLog, chunk: Uint8Array, expected: Uint8Array): void {
  for (let i = 0; i < chunk.length; i++) {
    if (log.received + i >= expected.length || chunk[i] !== expected[log.received + i]) log.mismatches++;
  }
  log.received += chunk.length;
}

/**
 * When each side closes: the client after the response; the server after
 * sending it; both at one instant; or the client half-closes right after its
 * request and the server answers into the half-open connection.
 */
export type CloseOrder = 'client-first' | 'server-first' | 'together' | 'client-half-close';

/** Options for the exchange. */
export interface ExchangeOptions {
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly closeOrder: CloseOrder;
  /** Time at which both close, for 'together'. */
  readonly closeAtUs?: number;
  /** Client stops reading this long after its first read. */
  readonly clientReadPauseUs?: number;
}

/** Server side: read the request, answer, close per the close order. */
export function serveRequests(sim: Simulation, node: string, conn: Connection, o: ExchangeOptions, log: StreamLog): void {
  const request = streamBytes(o.requestBytes, 1);
  const response = streamBytes(o.responseBytes, 2);
  let answered = false;
  let offset = 0;
  let closeAfterResponse = o.closeOrder === 'server-first';
  const pump = (): void => {
    while (offset < response.length) {
      const n = conn.send(response.subarray(offset));
      if (n === 0) return;
      offset += n;
    }
    if (closeAfterResponse) conn.close();
  };
  conn.handlers = {
    onReadable: () => {
      checkIncoming(log, conn.recv(), request);
      if (!answered && log.received >= request.length) {
        answered = true;
        sim.trace.record({ kind: 'app', node, app: 'server', message: `request complete (${log.received} bytes); sending ${response.length}` });
        pump();
      }
    },
    onWritable: () => {
      if (answered) pump();
    },
    onPeerClosed: () => {
      if (o.closeOrder === 'client-first') conn.close();
      if (o.closeOrder === 'client-half-close') {
        closeAfterResponse = true;
        if (offset >= response.length) conn.close();
      }
    },
  };
}

/** Client side: send the request once connected, read the response, close per the close order. */
export function requestOnce(sim: Simulation, node: string, conn: Connection, o: ExchangeOptions, log: StreamLog): void {
  const request = streamBytes(o.requestBytes, 1);
  const response = streamBytes(o.responseBytes, 2);
  let paused = false;
  let resumeScheduled = false;
  const read = (): void => {
    if (paused) return;
    checkIncoming(log, conn.recv(), response);
    if (o.clientReadPauseUs && !resumeScheduled) {
      resumeScheduled = true;
      paused = true;
      sim.scheduler.after(o.clientReadPauseUs, () => {
        paused = false;
        sim.trace.record({ kind: 'app', node, app: 'client', message: 'resumes reading' });
        read();
      });
      return;
    }
    if (log.received >= response.length && o.closeOrder === 'client-first') {
      sim.trace.record({ kind: 'app', node, app: 'client', message: `response complete (${log.received} bytes); closing` });
      conn.close();
    }
  };
  conn.handlers = {
    onEstablished: () => {
      conn.send(request);
      if (o.closeOrder === 'client-half-close') conn.shutdown();
    },
    onReadable: read,
    onPeerClosed: () => {
      if (o.closeOrder === 'server-first') conn.close();
    },
  };
  // Both sides close at the agreed instant, or at once if the connection came up after it (a lossy link).
  if (o.closeOrder === 'together' && o.closeAtUs !== undefined) sim.scheduler.at(Math.max(o.closeAtUs, sim.now), () => conn.close());
}
