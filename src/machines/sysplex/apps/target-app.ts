/**
 * A target application instance on a target stack (claim 5: a web server, or
 * a mail server). It opens a UDP control socket to its stack and registers,
 * which tells the routing stack it listens on the DVIPA port (claims 19, 23,
 * 24). When offered a connection it accepts or refuses by its own rule (e.g.
 * overloaded, unknown user) and answers over the control socket (claim 14);
 * once installed it restores the application state and serves (claim 7).
 * Under SYN-time distribution it also listens on the DVIPA port itself and
 * serves the connections its stack accepts, as z/OS servers behind Sysplex
 * Distributor do.
 */
import { createActor } from 'xstate';
import { traceStates } from '../trace-states';
import type { Simulation } from '../../../sim/core/simulation';
import type { Listener } from '../../../sim/tcp/tcp-layer';
import { LOOPBACK } from '../../../sim/net/network';
import type { UdpSocket } from '../../../sim/net/udp';
import type { Connection, TcpSocketHandlers } from '../../../sim/tcp/connection';
import { connName, decodeControl, encodeControl, type ConnId } from '../../../sim/sysplex/control-messages';
import { decodeAppState, encodeAppState, type AppState } from '../../../sim/sysplex/dialogue/app-state';
import { parseHttpRequest, requestPath } from '../../../sim/sysplex/dialogue/http';
import { selectTargets, type Policy } from '../../../sim/sysplex/dialogue/policy';
import { STACK_CONTROL_PORT } from '../ports';
import { connIdOf } from '../routing-stack';
import { sendIfActive } from './send-if-active';
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
  /** HTTP path prefixes this app serves; a request outside them is moved on (claim 10). Absent: serves everything. */
  readonly serves?: readonly string[];
  /** Policy and the other apps, to choose where a moved-on request goes. */
  readonly policy?: Policy;
  readonly port: number;
  readonly controlPort: number;
  readonly dialogue: ServerDialogue;
  readonly accept: AcceptRule;
  /** SYN-time distribution: listen on the DVIPA port and serve connections accepted here. */
  readonly synTime?: boolean;
  /** Answers later, on the scheduler (the comparison's cache model): given the request path, writes its own reply. Absent: answer at once. */
  readonly respond?: Responder;
}

/** A deferred answer: call `write` with the reply when it is ready. */
export type Responder = (path: string, write: (reply: Uint8Array) => void) => void;

/** A target application instance. */
export class TargetApp {
  private readonly control: UdpSocket;
  private offers = 0;
  private nextTransfer: number;
  private readonly verdicts = new Map<number, (accepted: boolean) => void>();
  private readonly sim: Simulation;
  private listener: Listener | null = null;

  constructor(
    private readonly stack: TargetStack,
    private readonly o: TargetAppOptions,
  ) {
    this.sim = stack.host.sim;
    this.nextTransfer = o.controlPort * 100_000; // distinct from other apps' transfer numbers
    this.control = stack.udp.bind(o.controlPort, (d) => this.onControl(d.payload), LOOPBACK);
    stack.setAdoptHandler(o.name, (c, state) => this.adopt(c, state));
    if (o.synTime) {
      this.listenOnDvipa();
      return;
    }
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'target', app: o.name, stack: stack.name, port: o.port }));
    this.say(`opens its control socket to ${stack.name}, registers, and listens on the DVIPA port ${o.port}`, [19, 24]);
  }

  /** Stop listening on the DVIPA port: the stack tells the routing stack, which updates the routing app's list (claim 22). */
  stopListening(): void {
    if (this.o.synTime) {
      this.listener?.close();
      this.listener = null;
      this.say('closes its listening socket on the DVIPA port');
      this.stack.serverListening(this.o.name, this.o.port, false);
      return;
    }
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'target', app: this.o.name, stack: this.stack.name, port: 0 }));
    this.say('stops listening on the DVIPA port', [19, 22]);
  }

  /** Listen again after stopListening: the stack tells the routing stack (Rdy back to 1). */
  listenAgain(): void {
    if (this.o.synTime) return this.listenOnDvipa();
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'target', app: this.o.name, stack: this.stack.name, port: this.o.port }));
    this.say(`listens on the DVIPA port ${this.o.port} again`, [19, 22]);
  }

  /**
   * SYN-time distribution: a real TCP listener on the DVIPA port, so forwarded
   * SYNs find a socket; the stack sees the listen and tells the distributor.
   */
  private listenOnDvipa(): void {
    if (this.listener) return;
    this.listener = this.stack.tcp.listen(this.o.port, (c) => {
      c.handlers = this.serve(c, this.o.dialogue.initialState(), true);
    }, {}, 0);
    this.say(`listens on the DVIPA port ${this.o.port} (a server behind Sysplex Distributor)`);
    this.stack.serverListening(this.o.name, this.o.port, true);
  }

  private onControl(bytes: Uint8Array): void {
    const m = decodeControl(bytes);
    if (m.ok && m.message.type === 'VERDICT') {
      const answer = this.verdicts.get(m.message.transfer);
      this.verdicts.delete(m.message.transfer);
      answer?.(m.message.accepted);
      return;
    }
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
    const decoded = decodeAppState(appStateBytes);
    return this.serve(connection, decoded.ok ? decoded.state : this.o.dialogue.initialState(), false);
  }

  /** Serve a connection from `initial`: one transferred here (bySyn false) or accepted here at SYN time. */
  private serve(connection: Connection, initial: AppState, bySyn: boolean): TcpSocketHandlers {
    const id = connIdOf(connection);
    const socket = new AppSocket(this.sim, connection, this.stack.name, this.o.name, connName(id), 'c2s');
    let state = initial;
    let inData = false;
    const serveOne = (): boolean => {
      const step = this.o.dialogue.targetStep(state, socket.peek(), this.o.name, inData);
      if (step.kind !== 'answer') return false;
      const path = this.o.respond ? pathOf(socket.peek()) : '';
      socket.consume(step.consume);
      state = step.state;
      inData = this.o.dialogue.protocol === 'smtp' && step.summary.startsWith('DATA');
      if (this.o.respond) this.o.respond(path, (reply) => socket.write(reply));
      else socket.write(step.reply);
      // Claims 5 and 7 are about serving a transferred connection; a SYN-time one is plain z/OS.
      this.say(step.summary, bySyn ? undefined : this.o.dialogue.protocol === 'http' ? [5, 7] : [7]);
      if (step.close) connection.close();
      return !step.close;
    };
    const actor = createActor(
      targetConnectionMachine.provide({
        actions: {
          greet: () => {
            this.say(`accepts ${connName(id)} on the DVIPA as its own (SYN-time distribution)`);
            const greeting = this.o.dialogue.greeting(this.stack.name);
            if (greeting) socket.write(greeting);
          },
          acceptOffer: () => undefined,
          refuseOffer: () => undefined,
          restoreState: () => this.say(`restores the application state (${describe(state)}) and resumes the dialogue`, [7, 13]),
          serve: () => {
            for (let guard = 0; guard < 100; guard++) {
              if (this.belongsElsewhere(socket.peek())) return void actor.send({ type: 'MOVE_ON' });
              if (!serveOne()) return;
            }
          },
          serveItself: () => {
            this.say('the move was refused; serves the request itself');
            for (let guard = 0; guard < 100 && serveOne(); guard++);
          },
          requestRetransfer: () => this.moveOn(id, socket.peek(), state, (accepted) => actor.send({ type: 'VERDICT', accepted })),
          closeSilently: () => this.say(`closes its socket for ${connName(id)} silently: the connection lives on elsewhere`, [10, 15]),
          closeSocket: () => connection.close(),
        },
      }),
      { input: { accept: true, bySyn } },
    );
    traceStates(actor, { trace: this.sim.trace, node: this.o.name, machine: `target-app ${connName(id)}` });
    actor.start();
    if (!bySyn) actor.send({ type: 'INSTALLED' });
    return { onReadable: () => sendIfActive(actor, { type: 'BYTES' }), onPeerClosed: () => sendIfActive(actor, { type: 'PEER_CLOSED' }), onClosed: () => sendIfActive(actor, { type: 'CLOSED' }) };
  }

  /** Whether the request at the front is for a path this app does not serve. */
  private belongsElsewhere(unread: Uint8Array): boolean {
    if (!this.o.serves || this.o.dialogue.protocol !== 'http') return false;
    const parsed = parseHttpRequest(unread);
    if (parsed.kind !== 'complete') return false;
    const path = requestPath(parsed.request.target);
    return !this.o.serves.some((prefix) => path.startsWith(prefix));
  }

  /** Claim 10: ask this stack to move the connection to the app the policy names for this request. */
  private moveOn(id: ConnId, unread: Uint8Array, state: AppState, answer: (accepted: boolean) => void): void {
    const parsed = parseHttpRequest(unread);
    const path = parsed.kind === 'complete' ? requestPath(parsed.request.target) : '';
    const selection = this.o.policy ? selectTargets(this.o.policy, { protocol: 'http', path }) : null;
    const target = selection?.candidates.find((c) => c !== this.o.name);
    if (!target) return answer(false);
    const transfer = this.nextTransfer++;
    this.verdicts.set(transfer, answer);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'TRANSFER_NOTIFY', transfer, conn: id, targetApp: target, appState: encodeAppState(state) }));
    this.say(`GET ${path} is not served here; peeks it and asks ${this.stack.name} to move ${connName(id)} on to ${target} (${selection?.reason ?? ''})`, [10, 11]);
  }

  private say(message: string, claims?: readonly number[]): void {
    this.sim.trace.record({ kind: 'app', node: this.stack.name, app: this.o.name, message }, claims);
  }
}

/** The path of the HTTP request at the front of `unread` ('' when there is none). */
function pathOf(unread: Uint8Array): string {
  const parsed = parseHttpRequest(unread);
  return parsed.kind === 'complete' ? requestPath(parsed.request.target) : '';
}

function describe(s: AppState): string {
  return s.protocol === 'http' ? `user ${s.user ?? 'none'}, ${s.exchanges} exchanges, cookies ${Object.keys(s.cookies).join(',') || 'none'}` : `HELO ${s.envelope.helo ?? '?'}, MAIL FROM ${s.envelope.mailFrom ?? '?'}, ${s.exchanges} exchanges`;
}
