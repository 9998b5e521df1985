/**
 * The four timers of one TCP connection — retransmission, delayed ACK,
 * persist and TIME-WAIT — on the simulation clock. A connection has at most
 * these four, so each has its own handle and action field rather than a map,
 * and its own static expiry function with the timer set as the event's
 * target: arming allocates nothing but the scheduler's entry (the RTO is
 * re-armed on most segments).
 */
import type { EventHandle, Scheduler } from '../core/scheduler';

/** The names of the connection's timers. */
export type TcpTimer = 'rto' | 'delayed-ack' | 'persist' | 'time-wait';

/** What a timer does when it fires: given the connection (typed there; `never` here, so any owner's action fits). */
export type TimerAction = (owner: never) => void;

/** What the timers need from their connection. */
export interface TimerOwner {
  readonly scheduler: Scheduler;
  /** A timer went off (its handle already cleared): run `fire` on the owner. */
  timerFired(name: TcpTimer, fire: TimerAction): void;
}

function nothing(this: void): void {}

/** One connection's timers. */
export class ConnectionTimers {
  private rto: EventHandle | null = null;
  private rtoFire: TimerAction = nothing;
  private delayedAck: EventHandle | null = null;
  private delayedAckFire: TimerAction = nothing;
  private persist: EventHandle | null = null;
  private persistFire: TimerAction = nothing;
  private timeWait: EventHandle | null = null;
  private timeWaitFire: TimerAction = nothing;

  constructor(private readonly owner: TimerOwner) {}

  /** Arm (or re-arm) a timer; `fire` is given the owner, so callers pass a shared function rather than a closure. */
  set(name: TcpTimer, delayUs: number, fire: TimerAction): void {
    this.cancel(name);
    const scheduler = this.owner.scheduler;
    const at = scheduler.now + delayUs;
    switch (name) {
      case 'rto':
        this.rtoFire = fire;
        this.rto = scheduler.call(at, ConnectionTimers.expireRto, this);
        return;
      case 'delayed-ack':
        this.delayedAckFire = fire;
        this.delayedAck = scheduler.call(at, ConnectionTimers.expireDelayedAck, this);
        return;
      case 'persist':
        this.persistFire = fire;
        this.persist = scheduler.call(at, ConnectionTimers.expirePersist, this);
        return;
      case 'time-wait':
        this.timeWaitFire = fire;
        this.timeWait = scheduler.call(at, ConnectionTimers.expireTimeWait, this);
        return;
    }
  }

  /** True when the timer is armed. */
  has(name: TcpTimer): boolean {
    return this.handle(name) !== null;
  }

  /** Disarm a timer. */
  cancel(name: TcpTimer): void {
    const handle = this.handle(name);
    if (handle) {
      this.owner.scheduler.cancel(handle);
      this.clear(name);
    }
  }

  /** Disarm every timer. */
  cancelAll(): void {
    this.cancel('rto');
    this.cancel('delayed-ack');
    this.cancel('persist');
    this.cancel('time-wait');
  }

  private static expireRto(this: void, t: ConnectionTimers): void {
    t.rto = null;
    t.owner.timerFired('rto', t.rtoFire);
  }

  private static expireDelayedAck(this: void, t: ConnectionTimers): void {
    t.delayedAck = null;
    t.owner.timerFired('delayed-ack', t.delayedAckFire);
  }

  private static expirePersist(this: void, t: ConnectionTimers): void {
    t.persist = null;
    t.owner.timerFired('persist', t.persistFire);
  }

  private static expireTimeWait(this: void, t: ConnectionTimers): void {
    t.timeWait = null;
    t.owner.timerFired('time-wait', t.timeWaitFire);
  }

  private handle(name: TcpTimer): EventHandle | null {
    switch (name) {
      case 'rto':
        return this.rto;
      case 'delayed-ack':
        return this.delayedAck;
      case 'persist':
        return this.persist;
      case 'time-wait':
        return this.timeWait;
    }
  }

  private clear(name: TcpTimer): void {
    switch (name) {
      case 'rto':
        this.rto = null;
        return;
      case 'delayed-ack':
        this.delayedAck = null;
        return;
      case 'persist':
        this.persist = null;
        return;
      case 'time-wait':
        this.timeWait = null;
        return;
    }
  }
}
