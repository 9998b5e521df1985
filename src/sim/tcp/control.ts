/**
 * The vocabulary shared by the TCP engine and the connection state machine
 * (RFC 9293 §3.3.2, Figure 5). The engine classifies each user call, arriving
 * segment and timer into one control event; the state machine — an XState
 * machine in src/machines — decides the next state and the control actions.
 * The kernel depends only on this interface, never on XState itself.
 */

/** The eleven RFC 9293 states. */
export const TcpState = {
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN-SENT',
  SYN_RECEIVED: 'SYN-RECEIVED',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN-WAIT-1',
  FIN_WAIT_2: 'FIN-WAIT-2',
  CLOSE_WAIT: 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST-ACK',
  TIME_WAIT: 'TIME-WAIT',
} as const;

/** One RFC 9293 state name. */
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** All states, in RFC order. */
export const TCP_STATES: readonly TcpState[] = Object.values(TcpState);

/** Control events, in the machine's SCREAMING_SNAKE names. */
export const TCP_CONTROL_EVENTS = [
  'OPEN_PASSIVE', // user LISTEN
  'OPEN_ACTIVE', // user CONNECT (or SEND on a listening socket)
  'CLOSE', // user CLOSE / shutdown of the send side
  'ABORT', // user ABORT
  'RCV_SYN', // a SYN without ACK (passive open, or simultaneous open)
  'RCV_SYN_ACK', // a SYN,ACK acknowledging our SYN
  'RCV_ACK_OF_SYN', // an ACK covering our SYN in SYN-RECEIVED
  'RCV_FIN', // the peer's FIN, in order
  'RCV_ACK_OF_FIN', // an ACK covering our FIN
  'RCV_FIN_ACKING_FIN', // the peer's FIN on a segment that also acknowledges ours
  'RCV_RST', // an acceptable RST
  'RCV_RST_PASSIVE', // an acceptable RST in SYN-RECEIVED reached from LISTEN
  'TIME_WAIT_EXPIRED', // 2·MSL passed
  'RETRANSMIT_GIVE_UP', // the retransmission limit was reached
] as const;

/** A control event name. */
export type TcpControlEventType = (typeof TCP_CONTROL_EVENTS)[number];

/** Control actions the machine asks the engine to perform, by name. */
export type TcpControlAction =
  | 'sendSyn'
  | 'sendSynAck'
  | 'sendAck'
  | 'scheduleAck' // ACK after the delayed-ACK timeout (Linux acknowledges a FIN that moves to CLOSE-WAIT this way)
  | 'queueFin'
  | 'sendRst'
  | 'startTimeWaitTimer'
  | 'cancelTimers'
  | 'signalEstablished'
  | 'signalPeerClosed'
  | 'signalReset'
  | 'signalRefused'
  | 'signalTimeout'
  | 'signalClosed';

/** The outcome of one control event. */
export interface TcpControlStep {
  readonly target: TcpState;
  readonly actions: readonly TcpControlAction[];
}

/** The state machine as the engine sees it: (state, event) → step, or null when the event is not allowed. */
export interface TcpControl {
  step(state: TcpState, event: TcpControlEventType): TcpControlStep | null;
}

/** States in which both SYNs have been exchanged (RFC 9293 "synchronized states"). */
export function isSynchronized(state: TcpState): boolean {
  return state !== 'CLOSED' && state !== 'LISTEN' && state !== 'SYN-SENT' && state !== 'SYN-RECEIVED';
}
