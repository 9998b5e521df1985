/**
 * The TCP connection state machine of RFC 9293 §3.3.2 (Figure 5), as an XState
 * v5 machine. It is the single source of truth for which state a connection is
 * in and which control actions a transition performs; the TCP engine in
 * src/sim/tcp classifies segments, calls and timers into its events and carries
 * out the named actions. Segment arithmetic stays in the engine's pure functions.
 *
 * Giving up after the retransmission limit sends no RST (Linux tcp_write_err
 * does not either): the peer is presumed unreachable.
 *
 * The machine has no context and no guards: the next state depends only on the
 * current state and the event, which is what lets the engine memoise
 * `transition()` per (state, event) pair (see tcp-control.ts).
 */
import { setup } from 'xstate';
import type { TcpControlEventType } from '../sim/tcp/control';

/** Events of the machine: exactly the engine's control events. */
export type TcpConnectionEvent = { type: TcpControlEventType };

const noop = (): void => undefined;

/** The machine. Action implementations are no-ops: the host performs actions by name. */
export const tcpConnectionMachine = setup({
  types: { events: {} as TcpConnectionEvent },
  actions: {
    sendSyn: noop,
    sendSynAck: noop,
    sendAck: noop,
    scheduleAck: noop,
    queueFin: noop,
    sendRst: noop,
    startTimeWaitTimer: noop,
    cancelTimers: noop,
    signalEstablished: noop,
    signalPeerClosed: noop,
    signalReset: noop,
    signalRefused: noop,
    signalTimeout: noop,
    signalClosed: noop,
  },
}).createMachine({
  id: 'tcp-connection',
  initial: 'CLOSED',
  states: {
    CLOSED: {
      on: {
        OPEN_PASSIVE: { target: 'LISTEN' },
        OPEN_ACTIVE: { target: 'SYN-SENT', actions: 'sendSyn' },
      },
    },
    LISTEN: {
      on: {
        RCV_SYN: { target: 'SYN-RECEIVED', actions: 'sendSynAck' },
        OPEN_ACTIVE: { target: 'SYN-SENT', actions: 'sendSyn' }, // SEND on a listening socket (RFC 9293 §3.10.2)
        CLOSE: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        ABORT: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
      },
    },
    'SYN-SENT': {
      on: {
        RCV_SYN_ACK: { target: 'ESTABLISHED', actions: ['sendAck', 'signalEstablished'] },
        RCV_SYN: { target: 'SYN-RECEIVED', actions: 'sendSynAck' }, // simultaneous open
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalRefused'] },
        CLOSE: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        ABORT: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    'SYN-RECEIVED': {
      on: {
        RCV_ACK_OF_SYN: { target: 'ESTABLISHED', actions: 'signalEstablished' },
        // No RCV_FIN here: a segment without ACK is dropped in SYN-RECEIVED and one with an
        // ACK of our SYN reaches ESTABLISHED in the fifth step, before the FIN is looked at
        // in the eighth (RFC 9293 §3.10.7.4), so SYN-RECEIVED → CLOSE-WAIT never happens.
        RCV_RST_PASSIVE: { target: 'LISTEN', actions: 'cancelTimers' },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalRefused'] },
        CLOSE: { target: 'FIN-WAIT-1', actions: 'queueFin' },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    ESTABLISHED: {
      on: {
        CLOSE: { target: 'FIN-WAIT-1', actions: 'queueFin' },
        RCV_FIN: { target: 'CLOSE-WAIT', actions: ['scheduleAck', 'signalPeerClosed'] },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalReset'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    'FIN-WAIT-1': {
      on: {
        RCV_ACK_OF_FIN: { target: 'FIN-WAIT-2' },
        RCV_FIN: { target: 'CLOSING', actions: ['sendAck', 'signalPeerClosed'] }, // simultaneous close
        RCV_FIN_ACKING_FIN: { target: 'TIME-WAIT', actions: ['sendAck', 'signalPeerClosed', 'startTimeWaitTimer'] },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalReset'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    'FIN-WAIT-2': {
      on: {
        RCV_FIN: { target: 'TIME-WAIT', actions: ['sendAck', 'signalPeerClosed', 'startTimeWaitTimer'] },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalReset'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'cancelTimers', 'signalClosed'] },
      },
    },
    'CLOSE-WAIT': {
      on: {
        CLOSE: { target: 'LAST-ACK', actions: 'queueFin' },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalReset'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    CLOSING: {
      on: {
        RCV_ACK_OF_FIN: { target: 'TIME-WAIT', actions: 'startTimeWaitTimer' },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        ABORT: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    'LAST-ACK': {
      on: {
        RCV_ACK_OF_FIN: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        ABORT: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        RETRANSMIT_GIVE_UP: { target: 'CLOSED', actions: ['cancelTimers', 'signalTimeout'] },
      },
    },
    'TIME-WAIT': {
      on: {
        TIME_WAIT_EXPIRED: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        RCV_RST: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
        ABORT: { target: 'CLOSED', actions: ['cancelTimers', 'signalClosed'] },
      },
    },
  },
});
