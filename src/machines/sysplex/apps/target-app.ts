/**
 * A target application instance on a target stack (claim 5: a web server, or
 * a mail server). It opens a UDP control socket to its stack and registers,
 * which tells the routing stack it listens on the DVIPA port (claims 19, 23,
 * 24). When offered a connection it accepts or refuses by its own rule (e.g.
 * overloaded, unknown user) and answers over the control socket (claim 14);
 * once installed it restores the application state and serves (claim 7).
 */
import { createActor } from 'xstate';
import type { Simulation } from '../../../sim/core/simulation';
import { LOOPBACK } from '../../../sim/net/network';
import type { UdpSocket } from '../../../sim/net/udp';
import type { Connection, TcpSocketHandlers } from '../../../sim/tcp/connection';
import { connName, decodeControl, encodeControl } from '../../../sim/sysplex/control-messages';
import { decodeAppState, type AppState } from '../../../sim/sysplex/dialogue/app-state';
import { STACK_CONTROL_PORT } from '../ports';
import { connIdOf } from '../routing-stack';
import { simClock } from '../sim-clock';
import type { TargetStack } from '../target-stack';
import { AppSocket } from './app-socket';
import type { ServerDialogue } from './dialogues';
import { targetConnectionMachine } from './target-app.machine';

/** How a target app answers offers: accept all, or refuse with a reason (first N offers, or always). */
export interface AcceptRule {
  readonly refuse: 'never' | 'always' | 'first';
  readonly refuseCount?: number;
  readonly reason?: string;
}

/** Options of a target app. */
export interface TargetAppOptions {
  readonly name: string;
  readonly port: number;
  readonly controlPort: number;
  readonly dialogue: ServerDialogue;
  readonly accept: AcceptRule;
}

/** A target application instance. */
export class TargetApp {
  private readonly control: UdpSocket;
  private offers = 0;
  private readonly sim: Simulation;

  constructor(
    private readonly stack: TargetStack,
    private readonly o: TargetAppOptions,
  ) {
    this.sim = stack.host.sim;
    this.control = stack.udp.bind(o.controlPort, (d) => this.onControl(d.payload), LOOPBACK);
    stack.setAdoptHandler(o.name, (c, state) => this.adopt(c, state));
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'target', app: o.name, stack: stack.name, port: o.port }));
    this.say(`opens its control socket to ${stack.name}, registers, and listens on the DVIPA port ${o.port}`, [19, 24]);
  }

  private onControl(bytes: Uint8Array): void {
    const m = decodeControl(bytes);
    if (!m.ok || m.message.type !== 'OFFER') return;
    const offer = m.message;
    this.offers++;
    const refuse = this.o.accept.refuse === 'always' || (this.o.accept.refuse === 'first' && this.offers <= (this.o.accept.refuseCount ?? 1));
    const reason = refuse ? (this.o.accept.reason ?? 'overloaded') : 'accepted';
    this.say(`offered ${connName(offer.conn)} from ${offer.fromStack} (${offer.queuedBytes} unread bytes travel with it): ${refuse ? `refuses — ${reason}` : 'accepts'}`, [4, 12, 14]);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'VERDICT', transfer: offer.transfer, conn: offer.conn, accepted: !refuse, reason }));
  }

  /** The stack installed an accepted connection: restore the state and serve. */
  private adopt(connection: Connection, appStateBytes: Uint8Array): TcpSocketHandlers {
    const id = connIdOf(connection);
    const socket = new AppSocket(this.sim, connection, this.stack.name, this.o.name, connName(id), 'c2s');
    const decoded = decodeAppState(appStateBytes);
    let state: AppState = decoded.ok ? decoded.state : this.o.dialogue.initialState();
    let inData = false;
    const actor = createActor(
      targetConnectionMachine.provide({
        actions: {
          acceptOffer: () => undefined,
          refuseOffer: () => undefined,
          restoreState: () => this.say(`restores the application state (${describe(state)}) and resumes the dialogue`, [7, 13]),
          serve: () => {
            for (let guard = 0; guard < 100; guard++) {
              const step = this.o.dialogue.targetStep(state, socket.peek(), this.o.name, inData);
              if (step.kind !== 'answer') return;
              socket.consume(step.consume);
              state = step.state;
              inData = this.o.dialogue.protocol === 'smtp' && step.summary.startsWith('DATA');
              socket.write(step.reply);
              this.say(step.summary, this.o.dialogue.protocol === 'http' ? [5, 7] : [7]);
              if (step.close) return connection.close();
            }
          },
          closeSocket: () => connection.close(),
        },
      }),
      { input: { accept: true }, clock: simClock(this.sim.scheduler) },
    );
    actor.start();
    actor.send({ type: 'INSTALLED' });
    return { onReadable: () => actor.send({ type: 'BYTES' }), onPeerClosed: () => actor.send({ type: 'PEER_CLOSED' }), onClosed: () => actor.send({ type: 'CLOSED' }) };
  }

  private say(message: string, claims?: readonly number[]): void {
    this.sim.trace.record({ kind: 'app', node: this.stack.name, app: this.o.name, message }, claims);
  }
}

function describe(s: AppState): string {
  return s.protocol === 'http' ? `user ${s.user ?? 'none'}, ${s.exchanges} exchanges, cookies ${Object.keys(s.cookies).join(',') || 'none'}` : `HELO ${s.envelope.helo ?? '?'}, MAIL FROM ${s.envelope.mailFrom ?? '?'}, ${s.exchanges} exchanges`;
}
