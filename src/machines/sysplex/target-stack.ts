/**
 * A target stack (claim 12's "target communication protocol stack"). It holds
 * an internal copy of the DVIPA, tells the routing stack over XCF when an app
 * starts listening on the DVIPA port (claim 23), receives connection transfer
 * messages, validates them like TCP_REPAIR_WINDOW, offers the connection to the
 * named target app over its control socket, and on acceptance installs the
 * connection in the transferred state (claims 2, 12) and answers the routing
 * stack (claim 14). When a connection it owns ends, it tells the routing stack.
 */
import { createActor, setup } from 'xstate';
import type { Host } from '../../sim/net/host';
import { LOOPBACK } from '../../sim/net/network';
import { UdpLayer, type UdpDatagram, type UdpSocket } from '../../sim/net/udp';
import type { Connection, TcpSocketHandlers } from '../../sim/tcp/connection';
import type { TcpProfile } from '../../sim/tcp/profile';
import { importConnection, validateRepairState, type TcpRepairState } from '../../sim/tcp/repair';
import { connName, connOfRepair, decodeControl, encodeControl, type ConnId, type ControlMessage } from '../../sim/sysplex/control-messages';
import { xstateTcpControl } from '../tcp-control';
import { ObservedTcpLayer } from './observed-tcp-layer';
import { STACK_CONTROL_PORT, XCF_PORT } from './ports';
import { connIdOf } from './routing-stack';
import { simClock } from './sim-clock';

/** Lifecycle of a target stack: it serves transfers once joined to the sysplex. */
export const targetStackMachine = setup({
  types: { events: {} as { type: 'APP_REGISTERED' } | { type: 'APP_LISTENING' } },
}).createMachine({
  id: 'target-stack',
  initial: 'joined',
  states: {
    joined: { on: { APP_REGISTERED: 'appRegistered' } },
    appRegistered: { on: { APP_LISTENING: 'serving' } },
    serving: { on: { APP_LISTENING: {}, APP_REGISTERED: {} } },
  },
});

interface Pending {
  readonly transfer: number;
  readonly fromStack: string;
  readonly repair: TcpRepairState;
  readonly appState: Uint8Array;
  readonly replyTo: number;
}

/** Options of a target stack. */
export interface TargetStackOptions {
  readonly dvipa: number;
  readonly routingStack: string;
  readonly xcf: ReadonlyMap<string, number>;
  readonly profile: TcpProfile;
}

/** Hands an installed connection to the target app (set by the app when it registers). */
export type AdoptHandler = (connection: Connection, appState: Uint8Array, from: string) => TcpSocketHandlers;

/** A target stack. */
export class TargetStack {
  readonly tcp: ObservedTcpLayer;
  readonly udp: UdpLayer;
  private readonly control: UdpSocket;
  private readonly xcfSocket: UdpSocket;
  private readonly apps = new Map<string, { port: number; adopt: AdoptHandler | null }>();
  private readonly pending = new Map<number, Pending>();
  private readonly owned = new Set<Connection>();
  private readonly lifecycle;

  constructor(
    readonly host: Host,
    private readonly o: TargetStackOptions,
  ) {
    this.tcp = new ObservedTcpLayer(host, { profile: o.profile, control: xstateTcpControl });
    this.tcp.onReleased = (c) => this.onRelease(c);
    this.udp = new UdpLayer(host);
    this.control = this.udp.bind(STACK_CONTROL_PORT, (d) => this.onControl(d), LOOPBACK);
    this.xcfSocket = this.udp.bind(XCF_PORT, (d) => this.onXcf(d), o.xcf.get(host.name));
    this.lifecycle = createActor(targetStackMachine, { clock: simClock(host.sim.scheduler) });
    this.lifecycle.start();
  }

  get name(): string {
    return this.host.name;
  }

  /** Current lifecycle state, for views. */
  get state(): string {
    return String(this.lifecycle.getSnapshot().value);
  }

  /** The target app's hook for installed connections (the "accept" of a transferred socket). */
  setAdoptHandler(app: string, adopt: AdoptHandler): void {
    const entry = this.apps.get(app);
    if (entry) entry.adopt = adopt;
    else this.apps.set(app, { port: 0, adopt });
  }

  private onControl(d: UdpDatagram): void {
    const m = decodeControl(d.payload);
    if (!m.ok) return this.note(`control message rejected: ${m.error}`);
    const msg = m.message;
    if (msg.type === 'REGISTER') return this.onRegister(msg, d.srcPort);
    if (msg.type === 'VERDICT') return this.onAppVerdict(msg);
  }

  private onRegister(msg: Extract<ControlMessage, { type: 'REGISTER' }>, port: number): void {
    const entry = this.apps.get(msg.app) ?? { port, adopt: null };
    entry.port = port;
    this.apps.set(msg.app, entry);
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `${msg.app} registered as a target application (control socket port ${port})` }, [19, 24]);
    this.lifecycle.send({ type: 'APP_REGISTERED' });
    this.sendXcf(this.o.routingStack, { type: 'LISTEN_NOTICE', stack: this.name, app: msg.app, port: msg.port, listening: true });
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `tell ${this.o.routingStack}: ${msg.app} listens on port ${msg.port}` }, [23, 25]);
    this.lifecycle.send({ type: 'APP_LISTENING' });
  }

  private onXcf(d: UdpDatagram): void {
    const m = decodeControl(d.payload);
    if (!m.ok) return this.note(`XCF message rejected: ${m.error}`);
    if (m.message.type === 'TRANSFER') this.onTransfer(m.message);
  }

  private onTransfer(m: Extract<ControlMessage, { type: 'TRANSFER' }>): void {
    const conn = connOfRepair(m.repair);
    this.traceTransfer(conn, 'message-received', m.fromStack, `${m.repair.state}, SND.NXT ${m.repair.sndMax}, RCV.NXT ${m.repair.rcvNxt}`, [2, 12]);
    const errors = validateRepairState(m.repair);
    const app = this.apps.get(m.targetApp);
    const refuse = errors.length > 0 ? `invalid connection state: ${errors[0] ?? ''}` : !app || app.port === 0 ? `no application ${m.targetApp} on ${this.name}` : null;
    if (refuse) return this.answer(m.fromStack, m.transfer, conn, false, refuse);
    this.pending.set(m.transfer, { transfer: m.transfer, fromStack: m.fromStack, repair: m.repair, appState: m.appState, replyTo: app?.port ?? 0 });
    this.control.send(LOOPBACK, app?.port ?? 0, encodeControl({ type: 'OFFER', transfer: m.transfer, conn, fromStack: m.fromStack, appState: m.appState, queuedBytes: m.repair.receiveQueue.length }));
    this.traceTransfer(conn, 'offer-app', m.targetApp, 'target application asked to accept the connection', [4, 12, 13]);
  }

  private onAppVerdict(v: Extract<ControlMessage, { type: 'VERDICT' }>): void {
    const p = this.pending.get(v.transfer);
    if (!p) return;
    this.pending.delete(v.transfer);
    const conn = connOfRepair(p.repair);
    if (!v.accepted) return this.answer(p.fromStack, p.transfer, conn, false, v.reason);
    const appName = [...this.apps.entries()].find(([, a]) => a.port === p.replyTo)?.[0] ?? '';
    const adopt = this.apps.get(appName)?.adopt;
    const connection = importConnection(this.tcp, p.repair);
    this.owned.add(connection);
    this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(conn), action: 'install', reason: `transferred from ${p.fromStack}` });
    this.traceTransfer(conn, 'restored', p.fromStack, `TCB set to the transferred state (${p.repair.state})`, [2, 12]);
    this.answer(p.fromStack, p.transfer, conn, true, 'accepted');
    if (adopt) {
      connection.handlers = adopt(connection, p.appState, p.fromStack);
      if (connection.readable > 0) connection.notify('readable');
      connection.flush();
    }
  }

  private answer(to: string, transfer: number, conn: ConnId, accepted: boolean, reason: string): void {
    this.sendXcf(to, { type: 'VERDICT', transfer, conn, accepted, reason });
    this.traceTransfer(conn, accepted ? 'accepted' : 'rejected', to, reason, [14]);
  }

  private onRelease(c: Connection): void {
    if (!this.owned.delete(c)) return;
    const conn = connIdOf(c);
    this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(conn), action: 'release', reason: 'connection closed' });
    this.sendXcf(this.o.routingStack, { type: 'CONN_ENDED', conn, stack: this.name, reason: c.closeReason ?? 'closed' });
  }

  private sendXcf(stack: string, m: ControlMessage): void {
    const xcf = this.o.xcf.get(stack);
    if (xcf !== undefined) this.xcfSocket.send(xcf, XCF_PORT, encodeControl(m));
  }

  private traceTransfer(conn: ConnId, phase: 'message-received' | 'offer-app' | 'accepted' | 'rejected' | 'restored', other: string, detail: string, claims: readonly number[]): void {
    this.host.sim.trace.record({ kind: 'transfer', node: this.name, conn: connName(conn), phase, from: other, to: this.name, detail }, claims);
  }

  private note(message: string): void {
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message });
  }
}
