/**
 * One TCP connection: the TCB, its timers, the user calls of RFC 9293 §3.10.1–
 * 3.10.6, and the bridge to the state machine. Every state change goes through
 * control(), which asks the machine for the step and performs its actions.
 * Segment arrival is in input.ts, segment departure in output.ts.
 */
import type { Scheduler } from '../core/scheduler';
import type { Simulation } from '../core/simulation';
import type { TcpTraceWhat } from '../core/trace';
import { formatIpv4Address } from '../wire/ipv4-address';
import type { TcpInput } from '../wire/tcp';
import type { TcpControl, TcpControlAction, TcpControlEventType } from './control';
import { ConnectionTimers, type TcpTimer, type TimerAction, type TimerOwner } from './connection-timers';
import { output, scheduleAck, sendAck, sendRst, sendSyn } from './output';
import type { InboundSegment } from './inbound';
import { currentRto, sampleRtt } from './rtt';
import { seqDiff } from './seq';
import { windowToAdvertise, offeredWindow } from './segment-rules';
import type { Tcb } from './tcb';

/** What the connection needs from its host's TCP layer. */
export interface ConnectionHost {
  readonly sim: Simulation;
  readonly hostName: string;
  readonly control: TcpControl;
  /** Send a TCP segment (header + payload bytes) inside an IPv4 datagram. Returns the packet id. */
  transmit(tcb: Tcb, segment: Uint8Array): number | null;
  /**
   * Optional fast path for transmit: encode the segment straight into its IPv4
   * datagram. Must have the same effect as
   * `transmit(tcb, encodeTcp(fields, payload, tcb.localAddress, tcb.remoteAddress))`.
   */
  transmitSegment?(tcb: Tcb, fields: TcpInput, payload: Uint8Array): number | null;
  /** The connection reached CLOSED (or returned to LISTEN): forget it. */
  release(connection: Connection): void;
  /** Answer a segment with a RST built from it alone (RFC 9293 §3.10.7.1), as for a closed port. */
  resetReply(segment: InboundSegment): void;
}

/** Why a connection ended, as the app is told. */
export type CloseReason = 'closed' | 'reset' | 'refused' | 'timeout' | 'aborted';

/** Callbacks an application sets on a socket. All are optional. */
export interface TcpSocketHandlers {
  onEstablished?: () => void;
  /** New in-order bytes can be read. */
  onReadable?: () => void;
  /** Send-buffer space opened up. */
  onWritable?: () => void;
  /** The peer's FIN: no more bytes will arrive. */
  onPeerClosed?: () => void;
  /** The connection is gone (CLOSED), with the reason. */
  onClosed?: (reason: CloseReason) => void;
}

type Notification = 'established' | 'readable' | 'writable' | 'peer-closed' | CloseReason;

export type { TcpTimer } from './connection-timers';

const NO_HANDLERS: TcpSocketHandlers = Object.freeze({});

/** What a timer does when it fires. */
type TimerFire = (conn: Connection) => void;

/** TIME-WAIT ran out (2·MSL): the machine closes the connection. */
export function timeWaitExpired(conn: Connection): void {
  conn.control('TIME_WAIT_EXPIRED');
}

/** A TCP connection hosted on the kernel. */
export class Connection implements TimerOwner {
  /** The app's callbacks; replaced as a whole, never changed in place, so every connection can start with one shared empty set. */
  handlers: TcpSocketHandlers = NO_HANDLERS;
  /** The last reason the connection ended, once CLOSED. */
  closeReason: CloseReason | null = null;
  /** The retransmission, delayed-ACK, persist and TIME-WAIT timers. */
  private readonly timers: ConnectionTimers = new ConnectionTimers(this);
  /** Notifications not yet delivered; null when there are none (most of the time), to save an array per connection. */
  private pending: Notification[] | null = null;
  private flushing = false;
  /** The name, built on first use: most connections of a benchmark never need it. */
  private cachedName: string | null = null;

  constructor(
    readonly host: ConnectionHost,
    readonly tcb: Tcb,
  ) {}

  /** Human name "10.0.0.1:40000>10.0.0.2:80" used in the trace. */
  get name(): string {
    this.cachedName ??= `${formatIpv4Address(this.tcb.localAddress)}:${this.tcb.localPort}>${formatIpv4Address(this.tcb.remoteAddress)}:${this.tcb.remotePort}`;
    return this.cachedName;
  }

  /** Current time. */
  get now(): number {
    return this.host.sim.scheduler.now;
  }

  // ---- the state machine bridge -------------------------------------------

  /** Feed a control event to the machine; performs its actions. Returns false if the state does not allow it. */
  control(event: TcpControlEventType): boolean {
    const from = this.tcb.state;
    const step = this.host.control.step(from, event);
    if (!step) {
      this.traceTcp('illegal-transition', undefined, `${event} in ${from}`);
      return false;
    }
    this.tcb.state = step.target;
    if (step.target !== from) {
      const trace = this.host.sim.trace;
      if (trace.on) trace.record({ kind: 'state-change', node: this.host.hostName, machine: `tcp ${this.name}`, from, to: step.target, cause: event });
      else trace.tally();
    }
    const actions = step.actions;
    for (let i = 0; i < actions.length; i++) this.perform(actions[i] as TcpControlAction);
    if (step.target === 'CLOSED' || (step.target === 'LISTEN' && from !== 'CLOSED')) this.host.release(this);
    return true;
  }

  private perform(action: TcpControlAction): void {
    switch (action) {
      case 'sendSyn':
        return sendSyn(this, false);
      case 'sendSynAck':
        return sendSyn(this, true);
      case 'sendAck':
        return sendAck(this);
      case 'scheduleAck':
        return scheduleAck(this);
      case 'queueFin':
        this.tcb.finQueued = true;
        return output(this);
      case 'sendRst':
        return sendRst(this);
      case 'startTimeWaitTimer':
        return this.setTimer('time-wait', 2 * this.tcb.profile.mslUs, timeWaitExpired);
      case 'cancelTimers':
        return this.cancelAllTimers();
      case 'signalEstablished':
        return this.notify('established');
      case 'signalPeerClosed':
        return this.notify('peer-closed');
      case 'signalReset':
        return this.notify('reset');
      case 'signalRefused':
        return this.notify('refused');
      case 'signalTimeout':
        return this.notify('timeout');
      case 'signalClosed':
        return this.notify(this.closeReason === 'aborted' ? 'aborted' : 'closed');
    }
  }

  // ---- user calls (RFC 9293 §3.10.1–3.10.6) ---------------------------------

  /** Queue bytes to send; returns how many were accepted (the send buffer may be full). */
  send(bytes: Uint8Array): number {
    const s = this.tcb.state;
    if (this.tcb.finQueued || !(s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'SYN-SENT' || s === 'SYN-RECEIVED')) return 0;
    const room = Math.max(0, this.tcb.options.sendBufferBytes - this.tcb.sendBuffer.length);
    const accepted = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.tcb.sendBuffer.push(accepted);
    this.tcb.sndDataEnd = (this.tcb.sndDataEnd + accepted.length) >>> 0;
    this.tcb.stats.bytesQueued += accepted.length;
    if (s === 'ESTABLISHED' || s === 'CLOSE-WAIT') output(this);
    return accepted.length;
  }

  /** Bytes ready to read. */
  get readable(): number {
    return this.tcb.receiveBuffer.length;
  }

  /** Read (and consume) up to `max` bytes. */
  recv(max = Number.MAX_SAFE_INTEGER): Uint8Array {
    const before = offeredWindow(this.tcb);
    const bytes = this.tcb.receiveBuffer.take(max);
    this.tcb.stats.bytesDelivered += bytes.length;
    if (bytes.length > 0) this.maybeWindowUpdate(before);
    return bytes;
  }

  /** Read up to `max` bytes without consuming them (MSG_PEEK). */
  peek(max = Number.MAX_SAFE_INTEGER): Uint8Array {
    return this.tcb.receiveBuffer.peek(0, max);
  }

  /** Close the send side (half-close): a FIN follows the queued data. */
  shutdown(): void {
    const s = this.tcb.state;
    if (s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'SYN-RECEIVED' || s === 'LISTEN' || s === 'SYN-SENT') this.control('CLOSE');
    this.flush();
  }

  /** Close: like shutdown; unread data stays readable until the app stops reading. */
  close(): void {
    this.shutdown();
  }

  /** Abort: RST to the peer when synchronized, everything dropped (RFC 9293 §3.10.5). */
  abort(): void {
    if (this.tcb.state === 'CLOSED') return;
    this.closeReason = 'aborted';
    this.control('ABORT');
    this.flush();
  }

  // ---- timers (connection-timers.ts) ----------------------------------------------

  /** The simulation's scheduler, which the timers run on. */
  get scheduler(): Scheduler {
    return this.host.sim.scheduler;
  }

  /** Arm (or re-arm) a timer; `fire` is given the connection, so callers pass a shared function, not a closure. */
  setTimer(name: TcpTimer, delayUs: number, fire: TimerFire): void {
    this.timers.set(name, delayUs, fire);
  }

  /** True when the timer is armed. */
  hasTimer(name: TcpTimer): boolean {
    return this.timers.has(name);
  }

  /** Disarm a timer. */
  cancelTimer(name: TcpTimer): void {
    this.timers.cancel(name);
  }

  /** Disarm every timer. */
  cancelAllTimers(): void {
    this.timers.cancelAll();
  }

  /** A timer went off (its handle already cleared): trace it, act, tell the app. */
  timerFired(name: TcpTimer, fire: TimerAction): void {
    if (name !== 'delayed-ack') {
      const trace = this.host.sim.trace;
      if (trace.on) trace.record({ kind: 'timer', node: this.host.hostName, name: `${name} ${this.name}`, action: 'fire' });
      else trace.tally();
    }
    (fire as TimerFire)(this);
    this.flush();
  }

  /** Feed one RTT sample (µs) to the RFC 6298 estimator. */
  sampleRtt(rttUs: number): void {
    sampleRtt(this.tcb.rtt, rttUs, this.tcb.profile.rtoMinUs, this.tcb.profile.rtoMaxUs);
  }

  /** (Re)start the retransmission timer with the current, backed-off RTO. */
  restartRto(onExpire: (conn: Connection) => void): void {
    this.setTimer('rto', currentRto(this.tcb.rtt, this.tcb.profile.rtoMaxUs), onExpire);
  }

  // ---- notifications -----------------------------------------------------------

  /** Queue an app notification; delivered by flush() once segment processing is done. */
  notify(n: Notification): void {
    const pending = this.pending;
    if (pending === null) this.pending = [n];
    else if (n === 'readable' && pending.includes('readable')) return;
    else pending.push(n);
    if (n === 'closed' || n === 'reset' || n === 'refused' || n === 'timeout' || n === 'aborted') this.closeReason = n;
  }

  /** Deliver queued notifications to the app. Not re-entrant: app calls inside handlers queue more. */
  flush(): void {
    if (this.flushing || this.pending === null) return;
    this.flushing = true;
    try {
      for (let guard = 0; guard < 10_000; guard++) {
        const n = this.pending?.shift();
        if (n === undefined) break;
        this.deliver(n);
      }
    } finally {
      this.flushing = false;
      if (this.pending?.length === 0) this.pending = null;
    }
  }

  private deliver(n: Notification): void {
    const h = this.handlers;
    switch (n) {
      case 'established':
        return h.onEstablished?.();
      case 'readable':
        return h.onReadable?.();
      case 'writable':
        return h.onWritable?.();
      case 'peer-closed':
        return h.onPeerClosed?.();
      default:
        return h.onClosed?.(n);
    }
  }

  /** Record a notable TCP happening in the trace. */
  traceTcp(what: TcpTraceWhat, packetId?: number, detail?: string): void {
    const body = { kind: 'tcp', node: this.host.hostName, conn: this.name, what } as const;
    this.host.sim.trace.record(
      packetId === undefined ? (detail === undefined ? body : { ...body, detail }) : detail === undefined ? { ...body, packetId } : { ...body, packetId, detail },
    );
  }

  /** After the app read data: send a window update if the window opened enough (RFC 9293 §3.8.6.2.2). */
  private maybeWindowUpdate(before: number): void {
    const s = this.tcb.state;
    if (s !== 'ESTABLISHED' && s !== 'FIN-WAIT-1' && s !== 'FIN-WAIT-2') return;
    const after = windowToAdvertise(this.tcb);
    if (after > before && (before === 0 || seqDiff(after, before) >= Math.min(this.tcb.rcvMss * 2, after))) sendAck(this);
  }
}
