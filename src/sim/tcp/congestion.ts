/**
 * Congestion control: slow start and congestion avoidance (RFC 5681 §3.1),
 * fast retransmit and NewReno fast recovery (RFC 6582), the loss window after
 * an RTO (RFC 5681 (4)), and the initial window (RFC 6928). Pure functions of
 * a small state object kept in the TCB.
 */
import { seqGe } from './seq';

/** Congestion state; part of the TCB. All sizes in bytes. */
export interface CongestionState {
  cwnd: number;
  ssthresh: number;
  /** Duplicate ACKs seen in a row. */
  dupAcks: number;
  /** True between entering fast recovery and the ACK that covers `recover`. */
  inRecovery: boolean;
  /** Highest sequence number sent when recovery began (RFC 6582 "recover"). */
  recover: number;
  /** Bytes acknowledged in congestion avoidance since cwnd last grew. */
  bytesAcked: number;
}

/** Duplicate ACKs that trigger fast retransmit (RFC 5681 §3.2). */
export const DUPACK_THRESHOLD = 3;

/** Initial state: IW = n·MSS (RFC 6928), ssthresh "arbitrarily high". */
export function newCongestionState(mss: number, initialWindowSegments: number, iss: number): CongestionState {
  return { cwnd: initialWindowSegments * mss, ssthresh: 0x7fff_ffff, dupAcks: 0, inRecovery: false, recover: iss, bytesAcked: 0 };
}

/** Grow cwnd for `acked` newly acknowledged bytes outside recovery (RFC 5681 (2), (3)). */
export function onNewAck(c: CongestionState, acked: number, mss: number): void {
  c.dupAcks = 0;
  if (c.cwnd < c.ssthresh) {
    c.cwnd += Math.min(acked, mss); // slow start, appropriate byte counting with L = 1·SMSS
    return;
  }
  c.bytesAcked += acked; // congestion avoidance: one MSS per window of data acknowledged
  if (c.bytesAcked >= c.cwnd) {
    c.bytesAcked -= c.cwnd;
    c.cwnd += mss;
  }
}

/** ssthresh after a loss: max(FlightSize/2, 2·SMSS) (RFC 5681 (4)). */
export function lossSsthresh(flightSize: number, mss: number): number {
  return Math.max(Math.floor(flightSize / 2), 2 * mss);
}

/** Enter fast recovery on the third duplicate ACK (RFC 6582 §3.2 step 2). */
export function enterFastRecovery(c: CongestionState, flightSize: number, mss: number, highestSent: number): void {
  c.ssthresh = lossSsthresh(flightSize, mss);
  c.cwnd = c.ssthresh + DUPACK_THRESHOLD * mss;
  c.inRecovery = true;
  c.recover = highestSent;
}

/**
 * An ACK that advances SND.UNA during recovery. Returns 'full' when it covers
 * `recover` (recovery ends, cwnd deflates, RFC 6582 step 3 option 1) or
 * 'partial' (retransmit the next hole; deflate by the amount acked, add one MSS).
 */
export function onRecoveryAck(c: CongestionState, ack: number, acked: number, flightSize: number, mss: number): 'full' | 'partial' {
  if (seqGe(ack, c.recover)) {
    c.cwnd = Math.min(c.ssthresh, Math.max(flightSize, mss) + mss);
    c.inRecovery = false;
    c.dupAcks = 0;
    return 'full';
  }
  c.cwnd = Math.max(mss, c.cwnd - acked + mss);
  return 'partial';
}

/** After an RTO: ssthresh from the flight, cwnd = one segment (RFC 5681 (4), (5)). */
export function onRetransmissionTimeout(c: CongestionState, flightSize: number, mss: number): void {
  c.ssthresh = lossSsthresh(flightSize, mss);
  c.cwnd = mss;
  c.dupAcks = 0;
  c.inRecovery = false;
  c.bytesAcked = 0;
}
