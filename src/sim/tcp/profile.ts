/**
 * TCP profiles: the timer and option choices that differ between the RFCs'
 * recommendations and Linux's defaults. A scenario picks one; the Linux
 * profile is what the recorded Linux goldens are compared against.
 */
import { ms, seconds, type SimTime } from '../core/time';

/** Which order the options of a SYN are written in. */
export type SynOptionOrder = 'linux' | 'bsd';

/** Tunables of one TCP implementation. */
export interface TcpProfile {
  readonly name: 'rfc' | 'linux';
  /** Lower bound of the retransmission timeout (RFC 6298 (2.4): 1 s; Linux: 200 ms). */
  readonly rtoMinUs: SimTime;
  readonly rtoMaxUs: SimTime;
  /** RTO before any RTT sample (RFC 6298 (2.1)). */
  readonly rtoInitialUs: SimTime;
  /** Longest an ACK is delayed (RFC 9293 §3.8.6.3: < 0.5 s; RFC 1122: 200 ms; Linux: 40 ms minimum). */
  readonly delayedAckUs: SimTime;
  /** Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC: 2 min; Linux: TIME-WAIT 60 s). */
  readonly mslUs: SimTime;
  /** Initial congestion window in segments (RFC 6928; Linux default). */
  readonly initialWindowSegments: number;
  /** Retransmissions of a SYN or SYN-ACK before giving up (Linux tcp_syn_retries 6). */
  readonly synRetries: number;
  /** Retransmissions of data before giving up (Linux tcp_retries2 15). */
  readonly dataRetries: number;
  /** Receive buffer size in bytes; the advertised window never exceeds it. */
  readonly receiveBufferBytes: number;
  /** Window scale shift we offer (RFC 7323 §2). */
  readonly windowScaleShift: number;
  /** Window advertised in our SYN / SYN-ACK (unscaled, ≤ 65535). */
  readonly synWindow: number;
  readonly synAckWindow: number;
  readonly synOptionOrder: SynOptionOrder;
  /**
   * Linux's quick-ACK mode: after the handshake the receiver ACKs the first
   * segments at once (up to 16) to open the sender's window faster.
   */
  readonly quickAckSegments: number;
  /**
   * ACK at once when more than this many MSS of data are unacknowledged.
   * RFC 9293: at least every second full-sized segment (2); Linux: more than one MSS (1).
   */
  readonly ackEveryMss: number;
  /**
   * Which small segment Nagle holds back while data is in flight.
   * `rfc896`: any sub-MSS segment while anything is unacknowledged (RFC 896,
   * RFC 9293 §3.7.4) — the tail of a 2,000-byte write waits for the ACK of its
   * first 1448 bytes. `minshall`: only while an earlier sub-MSS segment is
   * unacknowledged (Minshall's variant, Linux tcp_nagle_check() with
   * tcp_minshall_check()) — full segments never hold up the tail.
   */
  readonly nagle: 'rfc896' | 'minshall';
}

/** The RFC recommendations. */
export const RFC_PROFILE: TcpProfile = {
  name: 'rfc',
  rtoMinUs: seconds(1),
  rtoMaxUs: seconds(60),
  rtoInitialUs: seconds(1),
  delayedAckUs: ms(200),
  mslUs: seconds(120),
  initialWindowSegments: 10,
  synRetries: 6,
  dataRetries: 12,
  receiveBufferBytes: 131_072,
  windowScaleShift: 7,
  synWindow: 65_535,
  synAckWindow: 65_535,
  synOptionOrder: 'bsd',
  quickAckSegments: 0,
  ackEveryMss: 2,
  nagle: 'rfc896',
};

/** Linux defaults (tcp_rmem 131072 default, RTO min 200 ms, delayed ACK 40 ms, TIME-WAIT 60 s). */
export const LINUX_PROFILE: TcpProfile = {
  name: 'linux',
  rtoMinUs: ms(200),
  rtoMaxUs: seconds(120),
  rtoInitialUs: seconds(1),
  delayedAckUs: ms(40),
  mslUs: seconds(30),
  initialWindowSegments: 10,
  synRetries: 6,
  dataRetries: 15,
  receiveBufferBytes: 131_072,
  windowScaleShift: 7,
  synWindow: 64_240,
  synAckWindow: 65_160,
  synOptionOrder: 'linux',
  quickAckSegments: 16,
  ackEveryMss: 1,
  nagle: 'minshall',
};

/** A profile by name. */
export function tcpProfile(name: 'rfc' | 'linux'): TcpProfile {
  return name === 'linux' ? LINUX_PROFILE : RFC_PROFILE;
}
