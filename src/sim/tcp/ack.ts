/**
 * The fifth step of segment arrival for synchronized states (RFC 9293
 * §3.10.7.4): advance SND.UNA, take RTT samples (RFC 6298, Karn), grow or
 * shrink the congestion window (RFC 5681, RFC 6582), read SACK blocks
 * (RFC 2018), count duplicate ACKs for fast retransmit, and update the send
 * window under the SND.WL1/SND.WL2 rule.
 */
import { TcpFlag } from '../wire/types';
import { DUPACK_THRESHOLD, enterFastRecovery, onNewAck, onRecoveryAck } from './congestion';
import type { Connection } from './connection';
import { has, type InboundSegment } from './inbound';
import { flightSize, onRtoExpired, sendData, tsNow } from './output';
import { shouldUpdateWindow } from './segment-rules';
import { seqAdd, seqDiff, seqGt, seqLt, seqMin } from './seq';
import type { Tcb } from './tcb';

/** Process SEG.ACK and SEG.WND of an acceptable segment. */
export function processAck(conn: Connection, seg: InboundSegment): void {
  const t = conn.tcb;
  const board = t.scoreboard;
  if (t.sackOk && seg.sackBlocks.length > 0) board.add(seg.sackBlocks, t.sndUna, t.sndMax);
  const window = seg.window << t.sndWscale;
  if (seqGt(seg.ack, t.sndUna)) newlyAcked(conn, seg);
  else if (seg.ack === t.sndUna && isDuplicateAck(t, seg, window)) duplicateAck(conn);
  if (shouldUpdateWindow(t, seg.seq, seg.ack)) {
    t.sndWnd = window;
    t.sndWl1 = seg.seq;
    t.sndWl2 = seg.ack;
    if (window > t.maxSndWnd) t.maxSndWnd = window;
  }
  // A rejected zero-window probe: take the probe byte back so the next probe resends it.
  if (t.persisting && t.sndWnd === 0 && seg.ack === t.sndUna) {
    t.sndNxt = t.sndUna;
    t.sndMax = t.sndUna;
  }
}

/**
 * RFC 5681 §2: a duplicate ACK carries no data, no SYN/FIN, the same window,
 * with data outstanding. Answers to zero-window probes look the same but
 * report no loss, so they are not counted while persisting.
 */
function isDuplicateAck(t: Tcb, seg: InboundSegment, window: number): boolean {
  return !t.persisting && seg.payload.length === 0 && !has(seg, TcpFlag.SYN) && !has(seg, TcpFlag.FIN) && window === t.sndWnd && t.sndMax !== t.sndUna;
}

function newlyAcked(conn: Connection, seg: InboundSegment): void {
  const t = conn.tcb;
  const ack = seg.ack;
  const acked = seqDiff(ack, t.sndUna);
  dropAckedBytes(t, ack);
  t.sndUna = ack;
  if (seqGt(ack, t.sndNxt)) t.sndNxt = ack;
  t.scoreboard.advance(ack);
  rttSample(conn, seg);
  t.timeouts = 0;
  if (t.cc.inRecovery) {
    // RFC 6582 §3.2 step 3 deflates to FlightSize "presently outstanding": after this ACK, not before it.
    if (onRecoveryAck(t.cc, ack, acked, flightSize(t), t.sendMss) === 'partial') {
      // RFC 6582 §3.2 step 5 resends the first unacknowledged segment; with SACK, unless that hole was already refilled.
      if (t.sackOk && seqGt(t.rtxNext, t.sndUna)) retransmitNextHole(conn);
      else retransmitFirstHole(conn, 'fast-retransmit');
    }
  } else {
    onNewAck(t.cc, acked, t.sendMss);
  }
  if (t.sndUna === t.sndMax) conn.cancelTimer('rto');
  else conn.restartRto(onRtoExpired); // RFC 6298 (5.3)
  if (t.sendBuffer.length < t.options.sendBufferBytes) conn.notify('writable');
}

/** Drop from the send buffer the bytes below min(SEG.ACK, end of data). */
function dropAckedBytes(t: Tcb, ack: number): void {
  const bufferStart = seqAdd(t.sndDataEnd, -t.sendBuffer.length);
  const upTo = seqMin(ack, t.sndDataEnd);
  const n = seqDiff(upTo, bufferStart);
  if (n > 0) t.sendBuffer.drop(n);
}

/** One RTT sample per window: from the timed segment (exact), else from the timestamp echo (RFC 7323 §4). */
function rttSample(conn: Connection, seg: InboundSegment): void {
  const t = conn.tcb;
  if (t.rttProbeAt >= 0 && seqGt(seg.ack, t.rttProbeSeq)) {
    conn.sampleRtt(conn.now - t.rttProbeAt);
    t.rttProbeAt = -1;
  } else if (t.rttProbeAt < 0 && t.tsOk && seg.timestamped && seg.tsEcr !== 0) {
    conn.sampleRtt(Math.max(0, seqDiff(tsNow(conn), seg.tsEcr)) * 1000);
  }
}

/** Count a duplicate ACK; the third starts fast retransmit, later ones inflate cwnd (RFC 6582 §3.2). */
function duplicateAck(conn: Connection): void {
  const t = conn.tcb;
  const c = t.cc;
  c.dupAcks++;
  if (c.inRecovery) {
    c.cwnd += t.sendMss;
    if (t.sackOk) retransmitNextHole(conn);
    return;
  }
  if (c.dupAcks !== DUPACK_THRESHOLD) return;
  // RFC 6582 §3.2 step 2: enter a new recovery only when the ACK covers more than `recover`.
  // `recover` holds SND.MAX (one past the highest byte sent), so an ACK equal to it already
  // covers all of the old flight: duplicates there report a loss of new data.
  if (seqLt(t.sndUna, c.recover)) return;
  enterFastRecovery(c, flightSize(t), t.sendMss, t.sndMax);
  t.rtxNext = t.sndUna;
  retransmitFirstHole(conn, 'fast-retransmit');
}

/** Retransmit the segment at SND.UNA (up to the first SACKed range). */
function retransmitFirstHole(conn: Connection, what: 'fast-retransmit' | 'sack-retransmit'): void {
  const t = conn.tcb;
  const len = t.scoreboard.holeLength(t.sndUna, Math.min(t.sendMss, Math.max(0, seqDiff(t.sndDataEnd, t.sndUna))));
  const fin = t.finQueued && seqAdd(t.sndUna, len) === t.sndDataEnd && seqGt(t.sndMax, t.sndDataEnd);
  if (len === 0 && !fin) return;
  sendData(conn, t.sndUna, len, fin, what);
  t.rtxNext = seqAdd(t.sndUna, len);
}

/** During SACK recovery, fill the next hole below the highest SACKed byte (simplified RFC 6675). */
function retransmitNextHole(conn: Connection): void {
  const t = conn.tcb;
  const from = seqGt(t.rtxNext, t.sndUna) ? t.rtxNext : t.sndUna;
  const hole = t.scoreboard.nextHole(from);
  if (hole === null) return;
  const len = t.scoreboard.holeLength(hole, Math.min(t.sendMss, Math.max(0, seqDiff(t.sndDataEnd, hole))));
  if (len <= 0) return;
  sendData(conn, hole, len, false, 'sack-retransmit');
  t.rtxNext = seqAdd(hole, len);
}

