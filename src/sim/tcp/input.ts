/**
 * Segment arrival, RFC 9293 §3.10.7 as a table: one function per group of
 * states, the steps in the RFC's order (sequence check, RST, SYN, ACK, text,
 * FIN), each case commented with its clause. RFC 5961 challenge ACKs and RFC
 * 7323 PAWS are folded into the first steps.
 */
import { TcpFlag } from '../wire/types';
import { timeWaitExpired, type Connection } from './connection';
import { has, segmentLength, type InboundSegment } from './inbound';
import { output, sendAck, sendSyn } from './output';
import { failsPaws, isAcceptable, offeredWindow, shouldRecordTimestamp } from './segment-rules';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq';
import { processAck } from './ack';
import { receiveText } from './receive';
import { synWindow, type Tcb } from './tcb';

/** Process one arriving segment for an existing connection. */
export function segmentArrives(conn: Connection, seg: InboundSegment): void {
  conn.tcb.stats.segmentsReceived++;
  switch (conn.tcb.state) {
    case 'CLOSED':
      return; // no TCB: the layer answers with RST before it gets here
    case 'LISTEN':
      return onListen(conn, seg);
    case 'SYN-SENT':
      return onSynSent(conn, seg);
    default:
      return onSynchronized(conn, seg);
  }
}

/** Agree on options from the peer's SYN (RFC 9293 §3.7.1, RFC 7323 §2.2, RFC 2018 §2). */
function negotiate(t: Tcb, seg: InboundSegment): void {
  t.irs = seg.seq;
  t.rcvNxt = seqAdd(seg.seq, 1);
  t.peerMss = seg.mss ?? 536;
  const wsAgreed = t.offeredWscale > 0 || t.options.windowScaling ? seg.wscale !== null && t.options.windowScaling : false;
  t.sndWscale = wsAgreed ? (seg.wscale ?? 0) : 0;
  t.rcvWscale = wsAgreed ? t.offeredWscale : 0;
  t.sackOk = t.options.sack && seg.sackPermitted;
  t.tsOk = t.options.timestamps && seg.timestamped;
  if (seg.timestamped) t.tsRecent = seg.tsVal;
  t.rcvAdvEdge = seqAdd(t.rcvNxt, synWindow(t, false)); // the window our SYN offered (a SYN-ACK resets it)
  t.sendMss = Math.min(t.peerMss, t.options.mss) - (t.tsOk ? 12 : 0);
  t.cc.cwnd = t.profile.initialWindowSegments * t.sendMss;
}

/** LISTEN (§3.10.7.2): only a SYN creates state; RST and ACK were answered by the layer. */
function onListen(conn: Connection, seg: InboundSegment): void {
  if (!has(seg, TcpFlag.SYN) || has(seg, TcpFlag.RST) || has(seg, TcpFlag.ACK)) return;
  const t = conn.tcb;
  negotiate(t, seg);
  t.sndWnd = seg.window; // windows in SYNs are never scaled (RFC 7323 §2.2)
  t.maxSndWnd = t.sndWnd;
  t.sndWl1 = seg.seq;
  t.sndWl2 = 0;
  conn.control('RCV_SYN');
}

/** SYN-SENT (§3.10.7.3). */
function onSynSent(conn: Connection, seg: InboundSegment): void {
  const t = conn.tcb;
  const ackSet = has(seg, TcpFlag.ACK);
  // First: the ACK bit. An ACK outside (ISS, SND.NXT] gets a RST unless it is one.
  if (ackSet && (seqLe(seg.ack, t.iss) || seqGt(seg.ack, t.sndMax))) {
    if (!has(seg, TcpFlag.RST)) conn.host.resetReply(seg);
    return dropped(conn, seg, 'ACK outside (ISS, SND.NXT] in SYN-SENT');
  }
  // Second: RST. Only with an acceptable ACK (RFC 5961 §3.2 for SYN-SENT): connection refused.
  if (has(seg, TcpFlag.RST)) {
    if (ackSet) conn.control('RCV_RST');
    else dropped(conn, seg, 'RST without ACK in SYN-SENT');
    return;
  }
  if (!has(seg, TcpFlag.SYN)) return dropped(conn, seg, 'neither SYN nor RST in SYN-SENT');
  // Fourth: SYN.
  negotiate(t, seg);
  if (ackSet) {
    t.sndUna = seg.ack;
    t.sndWnd = seg.window;
    t.maxSndWnd = t.sndWnd;
    t.sndWl1 = seg.seq;
    t.sndWl2 = seg.ack;
    conn.cancelTimer('rto');
    takeHandshakeSample(conn, seg);
    t.quickAcks = t.profile.quickAckSegments;
    conn.control('RCV_SYN_ACK'); // sends the ACK, signals the app
    output(conn);
    return;
  }
  // Simultaneous open: both sides sent SYN; answer SYN,ACK with our ISS (§3.10.7.3).
  t.sndWnd = seg.window;
  t.maxSndWnd = t.sndWnd;
  t.sndWl1 = seg.seq;
  conn.control('RCV_SYN');
}

/** RTT sample from the handshake and the RTO rule after a retransmitted SYN (RFC 6298 (5.7)). */
function takeHandshakeSample(conn: Connection, seg: InboundSegment): void {
  const t = conn.tcb;
  t.timeouts = 0;
  if (t.rttProbeAt >= 0 && !t.synRetransmitted) {
    conn.sampleRtt(conn.now - t.rttProbeAt);
  } else if (t.synRetransmitted) {
    t.rtt.rtoUs = Math.max(t.rtt.rtoUs, 3_000_000);
    t.rtt.backoff = 0;
  }
  t.rttProbeAt = -1;
  void seg;
}

/** SYN-RECEIVED and the synchronized states (§3.10.7.4). */
function onSynchronized(conn: Connection, arrived: InboundSegment): void {
  const t = conn.tcb;
  const seg = withoutSimultaneousSyn(t, arrived);
  const rst = has(seg, TcpFlag.RST);
  // PAWS (RFC 7323 §5.3): an old timestamp marks a stale duplicate; ACK it and drop.
  if (seg.timestamped && failsPaws(t, seg.tsVal) && !rst) {
    sendAck(conn);
    return dropped(conn, seg, 'PAWS: TSval older than TS.Recent');
  }
  // First: the sequence number.
  if (!isAcceptable(t, seg.seq, segmentLength(seg))) {
    if (t.state === 'SYN-RECEIVED' && has(seg, TcpFlag.SYN) && seg.seq === t.irs) return sendSyn(conn, true); // our SYN-ACK was lost
    if (!rst) sendAck(conn); // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
    if (t.state === 'TIME-WAIT' && has(seg, TcpFlag.FIN)) restartTimeWait(conn); // a retransmitted FIN
    return dropped(conn, seg, 'not acceptable: outside the receive window');
  }
  // Second: RST (RFC 5961 §3.2): exact match resets, in-window gets a challenge ACK.
  if (rst) {
    if (seg.seq === t.rcvNxt) conn.control(t.state === 'SYN-RECEIVED' && t.passiveOpen ? 'RCV_RST_PASSIVE' : 'RCV_RST');
    else challengeAck(conn, 'RST in window but not at RCV.NXT');
    return;
  }
  // Fourth: SYN in window (RFC 5961 §4.2): challenge ACK, never a reset.
  if (has(seg, TcpFlag.SYN)) return challengeAck(conn, 'SYN in a synchronized state');
  // Fifth: the ACK field.
  if (!has(seg, TcpFlag.ACK)) return dropped(conn, seg, 'no ACK bit');
  if (t.state === 'SYN-RECEIVED' && !ackOfSyn(conn, seg)) return;
  if (seqGt(seg.ack, t.sndMax)) {
    sendAck(conn);
    return dropped(conn, seg, 'acknowledges data not yet sent');
  }
  if (seg.timestamped && shouldRecordTimestamp(t, seg.seq, seg.tsVal)) t.tsRecent = seg.tsVal;
  processAck(conn, seg);
  const finInOrder = has(seg, TcpFlag.FIN) && fitsInOrder(t, seg);
  if (afterAck(conn, finInOrder) === 'gone') return;
  // Seventh: segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only.
  const s = t.state;
  const textOk = s === 'ESTABLISHED' || s === 'FIN-WAIT-1' || s === 'FIN-WAIT-2';
  const finNow = textOk ? receiveText(conn, seg) : finInOrder;
  // Eighth: FIN.
  if (finNow) onFin(conn);
  else if (has(seg, TcpFlag.FIN) && !textOk && t.finReceived) sendAck(conn); // duplicate FIN
  output(conn);
}

/**
 * Simultaneous open (RFC 9293 §3.5, Figure 8 line 6): in SYN-RECEIVED reached
 * from SYN-SENT the peer's SYN,ACK repeats its SYN at IRS, which lies left of
 * RCV.NXT. §3.10.7.4 processes the "idealized segment" trimmed to the window,
 * so drop the SYN and let the ACK complete the handshake; without this both
 * ends answer each other's SYN,ACK with another SYN,ACK forever. Linux
 * (tcp_validate_incoming) lets exactly this segment pass too.
 */
function withoutSimultaneousSyn(t: Tcb, seg: InboundSegment): InboundSegment {
  const peerSynAck = t.state === 'SYN-RECEIVED' && !t.passiveOpen && has(seg, TcpFlag.SYN) && has(seg, TcpFlag.ACK) && seg.seq === t.irs;
  return peerSynAck ? { ...seg, seq: seqAdd(seg.seq, 1), flags: seg.flags & ~TcpFlag.SYN } : seg;
}

/** SYN-RECEIVED, fifth step: an ACK of our SYN moves to ESTABLISHED; any other ACK gets a RST. */
function ackOfSyn(conn: Connection, seg: InboundSegment): boolean {
  const t = conn.tcb;
  if (!(seqLt(t.sndUna, seg.ack) && seqLe(seg.ack, t.sndMax))) {
    conn.host.resetReply(seg); // <SEQ=SEG.ACK><CTL=RST>
    dropped(conn, seg, 'ACK does not cover our SYN');
    return false;
  }
  t.sndWnd = seg.window << t.sndWscale;
  t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
  t.sndWl1 = seg.seq;
  t.sndWl2 = seg.ack;
  takeHandshakeSample(conn, seg);
  t.sndUna = seqAdd(t.iss, 1);
  conn.cancelTimer('rto');
  t.quickAcks = t.profile.quickAckSegments;
  conn.control('RCV_ACK_OF_SYN');
  return true;
}

/** The state-specific part of the fifth step, once SND.UNA has moved. */
function afterAck(conn: Connection, finInOrder: boolean): 'gone' | 'continue' {
  const t = conn.tcb;
  const finAcked = t.finQueued && seqGt(t.sndUna, t.sndDataEnd);
  switch (t.state) {
    case 'FIN-WAIT-1':
      // Our FIN acknowledged: FIN-WAIT-2, unless this segment also carries the peer's FIN (then straight to TIME-WAIT below).
      if (finAcked && !finInOrder) conn.control('RCV_ACK_OF_FIN');
      return 'continue';
    case 'CLOSING':
      if (finAcked) conn.control('RCV_ACK_OF_FIN'); // → TIME-WAIT
      return 'continue';
    case 'LAST-ACK':
      if (finAcked) {
        conn.control('RCV_ACK_OF_FIN'); // → CLOSED
        return 'gone';
      }
      return 'continue';
    default:
      return 'continue';
  }
}

/** True when the segment's text ends exactly where a FIN would be in order. */
function fitsInOrder(t: Tcb, seg: InboundSegment): boolean {
  const end = seqAdd(seg.seq, seg.payload.length);
  return seqLe(seg.seq, t.rcvNxt) && seqLe(t.rcvNxt, end) && seqLe(seqDiff(end, t.rcvNxt), offeredWindow(t));
}

/** Eighth step: the peer's FIN is in order (RFC 9293 §3.10.7.4). */
export function onFin(conn: Connection): void {
  const t = conn.tcb;
  if (!t.finReceived) {
    t.finReceived = true;
    t.rcvNxt = seqAdd(t.rcvNxt, 1);
  }
  const finAcked = t.finQueued && seqGt(t.sndUna, t.sndDataEnd);
  switch (t.state) {
    case 'ESTABLISHED': // SYN-RECEIVED never gets here: the ACK that makes a FIN acceptable moved it on
    case 'FIN-WAIT-2':
      conn.control('RCV_FIN');
      return;
    case 'FIN-WAIT-1':
      conn.control(finAcked ? 'RCV_FIN_ACKING_FIN' : 'RCV_FIN');
      return;
    case 'TIME-WAIT':
      sendAck(conn);
      restartTimeWait(conn);
      return;
    default:
      sendAck(conn); // CLOSE-WAIT, CLOSING, LAST-ACK: remain, acknowledge again
  }
}

function restartTimeWait(conn: Connection): void {
  conn.setTimer('time-wait', 2 * conn.tcb.profile.mslUs, timeWaitExpired);
}

function challengeAck(conn: Connection, why: string): void {
  sendAck(conn);
  conn.traceTcp('challenge-ack', undefined, why);
}

function dropped(conn: Connection, seg: InboundSegment, why: string): void {
  conn.traceTcp('segment-dropped', seg.packetId, why);
}

