/**
 * The routing application on the routing stack (claim 9: a dedicated routing
 * app; claim 8: any instance of the same app can play this part). It opens a
 * UDP control socket to its stack and registers as the router (claims 18, 20,
 * 24), receives the target list (21, 22), listens on the DVIPA port, runs one
 * routing-connection machine per client connection, and exchanges transfer
 * notifications and verdicts with its stack (12–16).
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { traceStates } from '../trace-states';
import type { Simulation } from '../../../sim/core/simulation';
import { LOOPBACK } from '../../../sim/net/network';
import type { UdpSocket } from '../../../sim/net/udp';
import type { Connection } from '../../../sim/tcp/connection';
import { connName, decodeControl, encodeControl, type ConnId, type TargetInfo } from '../../../sim/sysplex/control-messages';
import { encodeAppState, type AppState } from '../../../sim/sysplex/dialogue/app-state';
import { selectTargets, type Facts, type Policy, type Selection } from '../../../sim/sysplex/dialogue/policy';
import { STACK_CONTROL_PORT } from '../ports';
import type { RoutingStack } from '../routing-stack';
import { connIdOf } from '../routing-stack';
import { sendIfActive } from './send-if-active';
import { AppSocket } from './app-socket';
import type { ServerDialogue } from './dialogues';
import { routingConnectionMachine } from './routing-app.machine';

/** Options of the routing app. */
export interface RoutingAppOptions {
  readonly name: string;
  readonly port: number;
  readonly controlPort: number;
  readonly dialogue: ServerDialogue;
  readonly policy: Policy;
  /** Claim 9 (a dedicated router) or claim 8 (an instance of the same application as the targets). */
  readonly dedicated: boolean;
  /** Overrides the policy's rules (e.g. hash by path, for the comparison); gets the deciding request's facts. */
  readonly select?: (facts: Facts) => Selection;
}

interface PerConnection {
  readonly id: ConnId;
  readonly socket: AppSocket;
  state: AppState;
  transfer: number;
  actor: ActorRefFrom<typeof routingConnectionMachine> | null;
}

/** The routing application. */
export class RoutingApp {
  private control: UdpSocket;
  private targets: readonly TargetInfo[] = [];
  private readonly byTransfer = new Map<number, PerConnection>();
  private nextTransfer = 1;
  private readonly sim: Simulation;

  constructor(
    private readonly stack: RoutingStack,
    private readonly o: RoutingAppOptions,
  ) {
    this.sim = stack.host.sim;
    this.control = stack.udp.bind(o.controlPort, (d) => this.onControl(d.payload), LOOPBACK);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'routing', app: o.name, stack: stack.name, port: o.port }));
    this.say(`opens its control socket to ${stack.name} and registers as the routing application`, [18, 20, 24]);
    this.say(o.dedicated ? `${o.name} is a dedicated routing application: it never serves the deciding requests itself` : `${o.name} routes here and is the same application as the instances that serve on the other stacks`, [o.dedicated ? 9 : 8]);
    stack.tcp.listen(o.port, (c) => this.accept(c), {}, 0);
  }

  /** Its stack restarted after a crash (the app with it): control socket, registration and listener again, no connections. */
  restart(): void {
    this.targets = [];
    this.byTransfer.clear();
    this.control = this.stack.udp.bind(this.o.controlPort, (d) => this.onControl(d.payload), LOOPBACK);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'REGISTER', role: 'routing', app: this.o.name, stack: this.stack.name, port: this.o.port }));
    this.say(`restarts with ${this.stack.name}: opens its control socket, registers as the routing application and listens again`, [18, 20, 24]);
    this.stack.tcp.listen(this.o.port, (c) => this.accept(c), {}, 0);
  }

  /** The app's name. */
  get name(): string {
    return this.o.name;
  }

  /** Target apps currently known (pushed by the stack). */
  get knownTargets(): readonly TargetInfo[] {
    return this.targets;
  }

  private accept(connection: Connection): void {
    const id = connIdOf(connection);
    const socket = new AppSocket(this.sim, connection, this.stack.name, this.o.name, connName(id), 'c2s');
    const pc: PerConnection = { id, socket, state: this.o.dialogue.initialState(), transfer: 0, actor: null };
    const greeting = this.o.dialogue.greeting(this.stack.name);
    if (greeting) socket.write(greeting);
    const actor = createActor(
      routingConnectionMachine.provide({
        actions: {
          converse: () => this.converse(pc),
          requestTransfer: ({ context }) => this.requestTransfer(pc, context.candidates[context.attempt] ?? '', context.attempt),
          closeSilently: () => this.say(`closes its socket for ${connName(id)} silently: no FIN, no RST`, [15]),
          abortTransfer: ({ context }) => this.abort(pc, context.lastReason),
          answerError: () => this.answerError(pc),
          closeSocket: () => connection.close(),
        },
      })
    );
    pc.actor = actor;
    connection.handlers = { onReadable: () => sendIfActive(actor, { type: 'BYTES' }), onPeerClosed: () => sendIfActive(actor, { type: 'PEER_CLOSED' }) };
    traceStates(actor, { trace: this.sim.trace, node: this.o.name, machine: `routing-app ${connName(id)}` });
    actor.start();
  }

  /** Answer requests the routing app serves itself; at the deciding request, peek and decide. */
  private converse(pc: PerConnection): void {
    for (let guard = 0; guard < 100; guard++) {
      const step = this.o.dialogue.routerStep(pc.state, pc.socket.peek());
      if (step.kind === 'wait') return;
      if (step.kind === 'error') return this.say(`cannot parse the client's bytes: ${step.error}`);
      if (step.kind === 'decide') return this.decide(pc, step.facts, step.state, step.summary);
      pc.socket.consume(step.consume);
      pc.state = step.state;
      pc.socket.write(step.reply);
      this.say(`${step.summary} (exchange ${pc.state.exchanges})`, [1, 3]);
      if (step.close) return pc.socket.connection.close();
    }
  }

  private decide(pc: PerConnection, facts: Parameters<typeof selectTargets>[1], state: AppState, summary: string): void {
    pc.state = state;
    const available = new Set(this.targets.map((t) => t.app));
    const selection = this.o.select ? this.o.select(facts) : selectTargets(this.o.policy, facts);
    const candidates = selection.candidates.filter((c) => available.has(c));
    this.say(`${summary}; peeked ${pc.socket.peek().length} bytes without consuming them; ${selection.reason} → ${candidates.join(', ') || 'no target'}`, [1, 3, 11]);
    this.sim.trace.record({ kind: 'transfer', node: this.stack.name, conn: connName(pc.id), phase: 'select', from: this.o.name, to: candidates[0] ?? 'none', detail: selection.reason }, [1, 3]);
    pc.actor?.send({ type: 'DECIDED', candidates, reason: selection.reason });
  }

  private requestTransfer(pc: PerConnection, target: string, attempt: number): void {
    pc.transfer = this.nextTransfer++;
    this.byTransfer.set(pc.transfer, pc);
    const appState = encodeAppState(pc.state);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'TRANSFER_NOTIFY', transfer: pc.transfer, conn: pc.id, targetApp: target, appState }));
    const again = attempt > 0 ? [16] : [];
    this.say(`asks ${this.stack.name} to transfer ${connName(pc.id)} to ${target}${attempt > 0 ? ` (attempt ${attempt + 1}, after a refusal)` : ''} with ${appState.length} bytes of application state`, [6, 12, 13, ...again]);
  }

  /** Every candidate refused: ask the stack to unfreeze the connection (it confirms with ABORT). */
  private abort(pc: PerConnection, reason: string): void {
    this.byTransfer.set(pc.transfer, pc);
    this.control.send(LOOPBACK, STACK_CONTROL_PORT, encodeControl({ type: 'ABORT', transfer: pc.transfer, conn: pc.id, reason: `no target accepted (last: ${reason || 'none available'})` }));
  }

  /** Claim 17: the application-level error over the (unfrozen) connection, then close. */
  private answerError(pc: PerConnection): void {
    pc.socket.consume(pc.socket.peek().length);
    pc.socket.write(this.o.dialogue.errorReply());
    this.say('no target accepted; answers the client with an application error and closes', [17]);
    pc.socket.connection.close();
  }

  private onControl(bytes: Uint8Array): void {
    const m = decodeControl(bytes);
    if (!m.ok) return this.say(`ignores a bad control message: ${m.error}`);
    const msg = m.message;
    if (msg.type === 'TARGETS') {
      this.targets = msg.targets;
      this.say(`learns the targets: ${msg.targets.map((t) => `${t.app}@${t.stack}`).join(', ') || 'none'}`, [21, 22]);
    } else if (msg.type === 'ABORT') {
      const pc = this.byTransfer.get(msg.transfer);
      this.byTransfer.delete(msg.transfer);
      pc?.actor?.send({ type: 'ABORT_CONFIRMED' });
    } else if (msg.type === 'VERDICT') {
      const pc = this.byTransfer.get(msg.transfer);
      if (!pc) return;
      this.byTransfer.delete(msg.transfer);
      this.say(`hears ${msg.accepted ? 'accepted' : `rejected (${msg.reason})`} for ${connName(pc.id)}`, [4, 14, ...(msg.accepted ? [] : [16])]);
      pc.actor?.send({ type: 'VERDICT', accepted: msg.accepted, reason: msg.reason });
    }
  }

  private say(message: string, claims?: readonly number[]): void {
    this.sim.trace.record({ kind: 'app', node: this.stack.name, app: this.o.name, message }, claims);
  }
}
