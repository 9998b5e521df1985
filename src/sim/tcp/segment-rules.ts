/**
 * Per-segment rules of RFC 9293 §3.10.7.4 and RFC 7323 as pure functions of
 * the TCB and the segment: the acceptability test, the window-update rule,
 * PAWS, and the receive window to advertise.
 */
import { receiveCapacity, type Tcb } from './tcb';
import { seqAdd, seqDiff, seqGe, seqInWindow, seqLe, seqLt } from './seq';

/** The receive window currently offered: from RCV.NXT to the advertised right edge. */
export function offeredWindow(tcb: Tcb): number {
  return Math.max(0, seqDiff(tcb.rcvAdvEdge, tcb.rcvNxt));
}

/** Segment acceptability (RFC 9293 §3.10.7.4, first step, the four cases). */
export function isAcceptable(tcb: Tcb, seq: number, segLen: number): boolean {
  const wnd = offeredWindow(tcb);
  if (segLen === 0) return wnd === 0 ? seq === tcb.rcvNxt : seqInWindow(seq, tcb.rcvNxt, seqAdd(tcb.rcvNxt, wnd));
  if (wnd === 0) return false;
  const end = seqAdd(tcb.rcvNxt, wnd);
  return seqInWindow(seq, tcb.rcvNxt, end) || seqInWindow(seqAdd(seq, segLen - 1), tcb.rcvNxt, end);
}

/** Whether this ACK may update the send window (RFC 9293 §3.10.7.4, fifth step, ESTABLISHED). */
export function shouldUpdateWindow(tcb: Tcb, seq: number, ack: number): boolean {
  return seqLt(tcb.sndWl1, seq) || (tcb.sndWl1 === seq && seqLe(tcb.sndWl2, ack));
}

/** PAWS (RFC 7323 §5.3): a segment whose TSval is older than TS.Recent is a stale duplicate. */
export function failsPaws(tcb: Tcb, tsVal: number): boolean {
  return tcb.tsOk && seqLt(tsVal, tcb.tsRecent);
}

/** Whether to record TSval as TS.Recent (RFC 7323 §4.3 (2)). */
export function shouldRecordTimestamp(tcb: Tcb, seq: number, tsVal: number): boolean {
  return seqGe(tsVal, tcb.tsRecent) && seqLe(seq, tcb.lastAckSent);
}

/**
 * The window to advertise now, in bytes. The right edge never moves left;
 * it moves right only by at least min(buffer/2, MSS), which avoids the silly
 * window syndrome on the receive side (RFC 9293 §3.8.6.2.2).
 */
export function windowToAdvertise(tcb: Tcb): number {
  const capacity = receiveCapacity(tcb);
  const free = Math.max(0, capacity - tcb.receiveBuffer.length - tcb.reassembly.bytes);
  const current = offeredWindow(tcb);
  const step = Math.min(Math.floor(capacity / 2), tcb.rcvMss);
  if (free < current) return current;
  if (free - current < step) return current;
  const granule = 1 << tcb.rcvWscale;
  const scaled = Math.min(free, 0xffff * granule);
  return scaled - (scaled % granule);
}
