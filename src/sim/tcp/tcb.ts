/**
 * The transmission control block (RFC 9293 §3.3.1): every variable of one
 * connection, as a plain object. Sequence numbers are unsigned 32-bit and
 * compared only through seq.ts. The connection's state lives in the state
 * machine; `state` here mirrors it and is written only by Connection.control().
 */
import type { SimTime } from '../core/time';
import { ByteQueue } from './byte-queue';
import { newCongestionState, type CongestionState } from './congestion';
import type { TcpState } from './control';
import type { TcpProfile } from './profile';
import { Reassembly } from './reassembly';
import { newRttState, type RttState } from './rtt';
import { Scoreboard } from './scoreboard';

/** Per-connection options a socket can toggle. */
export interface TcpSocketOptions {
  /** Nagle's algorithm (RFC 9293 §3.7.4); on by default, as in Linux. */
  readonly nagle: boolean;
  /** Delayed ACK (RFC 9293 §3.8.6.3); on by default. */
  readonly delayedAck: boolean;
  /** Largest segment we accept, announced in our SYN. */
  readonly mss: number;
  /** Offer window scaling, SACK and timestamps in our SYN. */
  readonly windowScaling: boolean;
  readonly sack: boolean;
  readonly timestamps: boolean;
  /** Send-buffer limit in bytes; send() accepts no more. */
  readonly sendBufferBytes: number;
  /** Receive-buffer size in bytes (overrides the profile's). */
  readonly receiveBufferBytes?: number;
}

/** Default socket options: MSS 1460 (Ethernet), every option on, Nagle and delayed ACK on. */
export const DEFAULT_SOCKET_OPTIONS: TcpSocketOptions = {
  nagle: true,
  delayedAck: true,
  mss: 1460,
  windowScaling: true,
  sack: true,
  timestamps: true,
  sendBufferBytes: 1 << 20,
};

/** Counters kept per connection, reported by the CLI and the checkers. */
export interface TcpStats {
  segmentsSent: number;
  segmentsReceived: number;
  /** Segments sent again (RTO, fast retransmit, hole fill), zero-window probes excluded. */
  retransmissions: number;
  /** Application bytes accepted by send(). */
  bytesQueued: number;
  /** Application bytes handed to the app by recv(). */
  bytesDelivered: number;
}

/** The TCB. */
export interface Tcb {
  readonly localAddress: number;
  readonly localPort: number;
  readonly remoteAddress: number;
  readonly remotePort: number;
  /** Mirror of the machine's state; written only by Connection.control(). */
  state: TcpState;
  /** True when the connection came from a listening socket (RST in SYN-RECEIVED returns to LISTEN). */
  passiveOpen: boolean;
  readonly profile: TcpProfile;
  readonly options: TcpSocketOptions;

  /** Initial send sequence number. */
  iss: number;
  /** Initial receive sequence number (the peer's ISN). */
  irs: number;
  /** Oldest unacknowledged sequence number. Invariant: SND.UNA ≤ SND.NXT ≤ SND.MAX. */
  sndUna: number;
  /** Next sequence number to send (moves back to SND.UNA after an RTO, go-back-N). */
  sndNxt: number;
  /** Highest sequence number sent + 1; SEG.ACK beyond it acknowledges nothing we sent. */
  sndMax: number;
  /** Sequence number just past the last byte the app wrote; our FIN, once queued, takes this number. */
  sndDataEnd: number;
  /** Send window in bytes, already scaled (RFC 7323). */
  sndWnd: number;
  /** Largest send window the peer ever offered (sender-side SWS avoidance, TCP_REPAIR max_window). */
  maxSndWnd: number;
  /** Segment sequence number used for the last window update (RFC 9293 §3.10.7.4). */
  sndWl1: number;
  /** Segment acknowledgement number used for the last window update. */
  sndWl2: number;
  /** Next sequence number expected from the peer. */
  rcvNxt: number;
  /** Right edge of the window we last advertised; it never moves left (RFC 9293 §3.8.6.2.2). */
  rcvAdvEdge: number;

  /** Our announced MSS and the peer's (536 when it sent none, RFC 9293 §3.7.1). */
  rcvMss: number;
  peerMss: number;
  /** Payload bytes per full segment we send: peer MSS minus the timestamp option when in use. */
  sendMss: number;
  /** Shift applied to windows the peer sends (its wscale), and to ours. 0 when not negotiated. */
  sndWscale: number;
  rcvWscale: number;
  /** Window scale offered in our SYN, kept until the peer's SYN tells if it is agreed. */
  offeredWscale: number;
  sackOk: boolean;
  tsOk: boolean;
  /** Latest TSval to echo (RFC 7323 §4.3). */
  tsRecent: number;
  /** Added to our millisecond clock to give TSval; per connection, like Linux. */
  tsOffset: number;
  /** RCV.NXT carried by the last ACK we sent (RFC 7323 Last.ACK.sent). */
  lastAckSent: number;

  /** The app's bytes from max(SND.UNA, ISS+1) up to sndDataEnd: unacknowledged or unsent. */
  readonly sendBuffer: ByteQueue;
  /** The app asked to close the send side; a FIN follows the data. */
  finQueued: boolean;
  /** In-order bytes the app has not read yet. */
  readonly receiveBuffer: ByteQueue;
  readonly reassembly: Reassembly;
  /** The peer's FIN has been received in order. */
  finReceived: boolean;
  /** Bytes received since we last sent an ACK (delayed-ACK accounting). */
  unackedBytes: number;
  /** Quick ACKs left (Linux quick-ACK mode). */
  quickAcks: number;
  /**
   * Interactive ("pingpong") mode, as Linux keeps it (inet_csk_in_pingpong_mode):
   * we sent data soon after data arrived, so our ACKs ride on answers and quick
   * ACKs stop. Left when a delayed ACK has to go out alone.
   */
  pingpong: boolean;
  /** When in-order data last arrived (Linux icsk_ack.lrcvtime); -1 before any. */
  lastDataAt: SimTime;
  /** End of the last sub-MSS segment we sent (Linux snd_sml), for Minshall's Nagle test. */
  sndSml: number;

  readonly rtt: RttState;
  /** When the segment timed for an RTT sample was sent, or −1 when none is; cleared on retransmission (Karn). */
  rttProbeAt: SimTime;
  /** The timed segment's first sequence number, while rttProbeAt ≥ 0. */
  rttProbeSeq: number;
  /** SYN or SYN-ACK was retransmitted: RTO restarts at 3 s once data flows (RFC 6298 (5.7)). */
  synRetransmitted: boolean;
  readonly cc: CongestionState;
  readonly scoreboard: Scoreboard;
  /** Next hole to consider for a SACK-guided retransmission during recovery. */
  rtxNext: number;
  /** Consecutive RTO expirations without progress. */
  timeouts: number;
  /** Zero-window probing is under way. */
  persisting: boolean;
  persistBackoff: number;

  readonly stats: TcpStats;
}

/** Fields needed to create a TCB. */
export interface TcbInit {
  readonly localAddress: number;
  readonly localPort: number;
  readonly remoteAddress: number;
  readonly remotePort: number;
  readonly iss: number;
  readonly tsOffset: number;
  readonly profile: TcpProfile;
  readonly options: TcpSocketOptions;
  readonly passiveOpen: boolean;
}

/**
 * A fresh TCB in CLOSED. Every field is written out in one literal rather than
 * spread from `init` (V8 builds spread objects on a slow path, one property at
 * a time), so all TCBs share one hidden class; the init fields come first, in
 * TcbInit order, as they always have. The byte queues allocate storage on first use.
 */
export function newTcb(init: TcbInit): Tcb {
  const mss = init.options.mss;
  return {
    localAddress: init.localAddress,
    localPort: init.localPort,
    remoteAddress: init.remoteAddress,
    remotePort: init.remotePort,
    iss: init.iss,
    tsOffset: init.tsOffset,
    profile: init.profile,
    options: init.options,
    passiveOpen: init.passiveOpen,
    state: 'CLOSED',
    irs: 0,
    sndUna: init.iss,
    sndNxt: init.iss,
    sndMax: init.iss,
    sndDataEnd: (init.iss + 1) >>> 0,
    sndWnd: 0,
    maxSndWnd: 0,
    sndWl1: 0,
    sndWl2: 0,
    rcvNxt: 0,
    rcvAdvEdge: 0,
    rcvMss: mss,
    peerMss: 536,
    sendMss: 536,
    sndWscale: 0,
    rcvWscale: 0,
    offeredWscale: init.options.windowScaling ? init.profile.windowScaleShift : 0,
    sackOk: false,
    tsOk: false,
    tsRecent: 0,
    lastAckSent: 0,
    sendBuffer: new ByteQueue(),
    finQueued: false,
    receiveBuffer: new ByteQueue(),
    reassembly: new Reassembly(),
    finReceived: false,
    unackedBytes: 0,
    quickAcks: 0,
    pingpong: false,
    lastDataAt: -1,
    sndSml: init.iss,
    rtt: newRttState(init.profile.rtoInitialUs),
    rttProbeAt: -1,
    rttProbeSeq: 0,
    synRetransmitted: false,
    cc: newCongestionState(mss, init.profile.initialWindowSegments, init.iss),
    scoreboard: new Scoreboard(),
    rtxNext: init.iss,
    timeouts: 0,
    persisting: false,
    persistBackoff: 0,
    stats: { segmentsSent: 0, segmentsReceived: 0, retransmissions: 0, bytesQueued: 0, bytesDelivered: 0 },
  };
}

/** Receive-buffer capacity of this connection. */
export function receiveCapacity(tcb: Tcb): number {
  return tcb.options.receiveBufferBytes ?? tcb.profile.receiveBufferBytes;
}

/** The window our SYN (or SYN-ACK) offers: the profile's value, never more than the receive buffer. */
export function synWindow(tcb: Tcb, synAck: boolean): number {
  return Math.min(synAck ? tcb.profile.synAckWindow : tcb.profile.synWindow, receiveCapacity(tcb), 0xffff);
}
