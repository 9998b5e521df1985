/**
 * The seventh step of segment arrival (RFC 9293 §3.10.7.4): accept text into
 * the receive buffer, hold out-of-order segments for reassembly, and decide
 * when to ACK — at once for out-of-order data, a filled hole, quick-ACK mode
 * or enough unacknowledged bytes; otherwise after the delayed-ACK timeout.
 */
import { TcpFlag } from '../wire/types';
import type { Connection } from './connection';
import { has, type InboundSegment } from './inbound';
import { scheduleAck, sendAck } from './output';
import { offeredWindow } from './segment-rules';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq';
import type { Tcb } from './tcb';

/** Take the segment's text; returns true when the peer's FIN is now in order. */
export function receiveText(conn: Connection, seg: InboundSegment): boolean {
  const t = conn.tcb;
  let seq = seg.seq;
  let data = seg.payload;
  let fin = has(seg, TcpFlag.FIN);
  // Trim what we already have (before RCV.NXT) and what lies beyond the window.
  if (seqLt(seq, t.rcvNxt)) {
    const skip = seqDiff(t.rcvNxt, seq);
    data = data.subarray(Math.min(skip, data.length));
    seq = t.rcvNxt;
  }
  const room = offeredWindow(t) - seqDiff(seq, t.rcvNxt);
  if (data.length > room) {
    data = data.subarray(0, Math.max(0, room));
    fin = false;
  }
  if (seqGt(seq, t.rcvNxt)) {
    t.reassembly.insert(seq, data, fin);
    sendAck(conn); // out of order: duplicate ACK at once, with SACK blocks (RFC 5681 §4.2)
    return false;
  }
  if (data.length === 0) return fin;
  const hadHole = !t.reassembly.empty;
  const finInOrder = deliverInOrder(t, data, fin);
  conn.notify('readable');
  t.lastDataAt = conn.now;
  t.unackedBytes += data.length;
  // Text and FIN on one segment: the FIN step (eighth) acknowledges both with one ACK, as
  // Linux does; an ACK here would go out first and cover the text but not the FIN.
  if (finInOrder && !hadHole) return true;
  if (hadHole || finInOrder || ackNow(t)) sendAck(conn);
  else scheduleAck(conn);
  return finInOrder;
}

/** Append in-order bytes, then whatever reassembly now joins on; report a FIN reached. */
function deliverInOrder(t: Tcb, data: Uint8Array, fin: boolean): boolean {
  t.receiveBuffer.push(data);
  t.rcvNxt = seqAdd(t.rcvNxt, data.length);
  if (fin) return true;
  for (let guard = 0; guard < 10_000; guard++) {
    const next = t.reassembly.takeInOrder(t.rcvNxt);
    if (!next) break;
    t.receiveBuffer.push(next.bytes);
    t.rcvNxt = seqAdd(t.rcvNxt, next.bytes.length);
    if (next.fin) return true;
  }
  t.reassembly.discardBefore(t.rcvNxt);
  return false;
}

/**
 * ACK at once? With delayed ACK off, always; in quick-ACK mode (not while
 * interactive: Linux tcp_in_quickack_mode() excludes pingpong mode), yes; otherwise
 * when more than `ackEveryMss` MSS are unacknowledged (RFC 9293 §3.8.6.3:
 * at least every second full-sized segment; Linux: more than one MSS).
 */
function ackNow(t: Tcb): boolean {
  if (!t.options.delayedAck) return true;
  if (t.quickAcks > 0 && !t.pingpong) {
    t.quickAcks--;
    return true;
  }
  const full = fullSegment(t);
  const threshold = t.profile.ackEveryMss === 1 ? full : 2 * full - 1;
  return t.unackedBytes > threshold;
}

/**
 * The payload of a full-sized segment from the peer: the smaller MSS, less the
 * timestamp option every segment carries once negotiated. Measured against
 * our MSS alone, two 1448-byte segments would not count as "two full-sized
 * segments" and the RFC profile would hold its ACK for a third.
 */
function fullSegment(t: Tcb): number {
  return Math.min(t.rcvMss, t.peerMss) - (t.tsOk ? 12 : 0);
}
