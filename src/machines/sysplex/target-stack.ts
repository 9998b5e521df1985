/**
 * A target stack (claim 12's "target communication protocol stack"). It holds
 * an internal copy of the DVIPA, tells the routing stack over XCF when an app
 * starts listening on the DVIPA port (claim 23), receives connection transfer
 * messages, validates them like TCP_REPAIR_WINDOW, offers the connection to the
 * named target app over its control socket, and on acceptance installs the
 * connection in the transferred state (claims 2, 12) and answers the routing
 * stack (claim 14). When a connection it owns ends, it tells the routing stack.
 * With SYN-time distribution (z/OS Sysplex Distributor) it also owns the
 * connections whose SYN the routing stack forwarded to it: its listening app
 * accepts them on the DVIPA as its own, and it answers the client directly.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { targetStackMachine } from './target-stack.machine';
import type { Host, IpDelivery } from '../../sim/net/host';
import { IpProtocol } from '../../sim/wire/types';
import { connectionKey } from '../../sim/tcp/tcp-layer';
import { TRANSFER_TIMEOUT_MS, type transferMachine } from './transfer.machine';
import { LOOPBACK } from '../../sim/net/network';
import { UdpLayer, type UdpDatagram, type UdpSocket } from '../../sim/net/udp';
import type { Connection, TcpSocketHandlers } from '../../sim/tcp/connection';
import type { TcpProfile } from '../../sim/tcp/profile';
import { detachConnection, exportConnection, importConnection, reattachConnection, validateRepairState, type TcpRepairState } from '../../sim/tcp/repair';
import { connKey, connName, connOfRepair, decodeControl, encodeControl, type ConnId, type ConnReport, type ControlMessage } from '../../sim/sysplex/control-messages';
import { xstateTcpControl } from '../tcp-control';
import { ObservedTcpLayer } from './observed-tcp-layer';
import { STACK_CONTROL_PORT, XCF_PORT } from './ports';
import { XcfChannel } from './xcf-channel';
import { connIdOf } from './routing-stack';
import { startTransfer } from './transfer-actor';
import { traceStates } from './trace-states';


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
  /** Which stack each target app runs on (static configuration, like DESTIP). */
  readonly appLocations: ReadonlyMap<string, string>;
  readonly routingStack: string;
  readonly xcf: ReadonlyMap<string, number>;
  readonly profile: TcpProfile;
  /** SYN-time distribution: the stack owns connections its apps accept from forwarded SYNs. */
  readonly synTime?: boolean;
}

/** Hands an installed connection to the target app (set by the app when it registers). */
export type AdoptHandler = (connection: Connection, appState: Uint8Array, from: string) => TcpSocketHandlers;

/** A target stack. */
export class TargetStack {
  readonly tcp: ObservedTcpLayer;
  readonly udp: UdpLayer;
  private readonly control: UdpSocket;
  private readonly xcfLink: XcfChannel;
  private readonly apps = new Map<string, { port: number; adopt: AdoptHandler | null }>();
  private readonly pending = new Map<number, Pending>();
  private readonly owned = new Set<Connection>();
  /** Connections this stack is moving on (claim 10): held while frozen, then forwarded to their new owner. */
  private readonly moving = new Map<string, { held: IpDelivery[]; to: string | null }>();
  private readonly outgoing = new Map<number, ActorRefFrom<typeof transferMachine>>();
  private readonly lifecycle;
  /** The stack that owns the DVIPA now: the routing stack, or a backup after a takeover. */
  private distributor: string;
  /** Apps listening on the DVIPA port, and the port: what a new DVIPA owner needs for its DPT. */
  private readonly listening = new Map<string, number>();

  constructor(
    readonly host: Host,
    private readonly o: TargetStackOptions,
  ) {
    this.distributor = o.routingStack;
    this.tcp = new ObservedTcpLayer(host, { profile: o.profile, control: xstateTcpControl });
    this.tcp.onReleased = (c) => this.onRelease(c);
    if (o.synTime) {
      this.tcp.onAccepted = (c) => this.onAcceptedOwn(c);
      host.onCrash(() => this.onCrashOwned());
    }
    this.udp = new UdpLayer(host);
    this.control = this.udp.bind(STACK_CONTROL_PORT, (d) => this.onControl(d), LOOPBACK);
    const xcfSocket = this.udp.bind(XCF_PORT, (d) => this.xcfLink.receive(d), o.xcf.get(host.name));
    this.xcfLink = new XcfChannel(host.name, xcfSocket, host.sim.scheduler, (s) => o.xcf.get(s), (m) => this.onXcf(m), (t) => this.note(t));
    host.ingressHook = (d) => this.ingress(d);
    this.lifecycle = createActor(targetStackMachine);
    traceStates(this.lifecycle, { trace: host.sim.trace, node: host.name, machine: 'target-stack' });
    this.lifecycle.start();
    host.onCrash(() => this.lifecycle.send({ type: 'CRASHED' }));
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
    if (msg.type === 'TRANSFER_NOTIFY') return this.moveOn(msg, d.srcPort);
  }

  private onRegister(msg: Extract<ControlMessage, { type: 'REGISTER' }>, port: number): void {
    if (msg.port === 0) return this.onStopListening(msg.app);
    const entry = this.apps.get(msg.app) ?? { port, adopt: null };
    entry.port = port;
    this.apps.set(msg.app, entry);
    this.listening.set(msg.app, msg.port);
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `${msg.app} registered as a target application (control socket port ${port})` }, [19, 24]);
    this.lifecycle.send({ type: 'APP_REGISTERED' });
    this.sendXcf(this.distributor, { type: 'LISTEN_NOTICE', stack: this.name, app: msg.app, port: msg.port, listening: true });
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `tell ${this.distributor}: ${msg.app} listens on port ${msg.port}` }, [23, 25]);
    this.lifecycle.send({ type: 'APP_LISTENING' });
  }

  /**
   * SYN-time distribution: a server opened or closed its listening socket on
   * the distributed port, and the stack tells the distributor (so it counts
   * Rdy), as z/OS target stacks do — no control socket, no patent claim.
   */
  serverListening(app: string, port: number, listening: boolean): void {
    if (listening) this.listening.set(app, port);
    else this.listening.delete(app);
    this.sendXcf(this.distributor, { type: 'LISTEN_NOTICE', stack: this.name, app, port: listening ? port : 0, listening });
    this.note(`tell ${this.distributor}: ${app} ${listening ? `listens on the distributed port ${port}` : 'no longer listens'}`);
    if (listening) this.lifecycle.send({ type: 'APP_LISTENING' });
  }

  /** Claims 22, 23: the app stopped listening (REGISTER with port 0); the routing stack hears of it. */
  private onStopListening(app: string): void {
    this.listening.delete(app);
    this.sendXcf(this.distributor, { type: 'LISTEN_NOTICE', stack: this.name, app, port: 0, listening: false });
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `tell ${this.distributor}: ${app} no longer listens` }, [22, 23]);
  }

  private onXcf(m: ControlMessage): void {
    if (m.type === 'TRANSFER') this.onTransfer(m);
    else if (m.type === 'VERDICT') this.outgoing.get(m.transfer)?.send({ type: 'VERDICT', accepted: m.accepted, reason: m.reason });
    else if (m.type === 'DVIPA_OWNER') this.onNewOwner(m.stack, m.reason);
  }

  /**
   * Another stack took the DVIPA over (or back): from now on tell it, not the
   * old owner, and report what this stack holds so it can rebuild its CRT and
   * DPT (docs/domain.md §1.6).
   */
  private onNewOwner(stack: string, reason: string): void {
    this.distributor = stack;
    const report = this.report();
    this.note(`${stack} owns the DVIPA now (${reason}); report ${report.owned.length} connection(s), ${report.halfOpen.length} in their handshake, ${report.listening.length} listening app(s)`);
    this.sendXcf(stack, report);
  }

  /** The connections this stack holds (and those still in their handshake) and its listening apps. */
  report(): ConnReport {
    const owned = [...this.owned].map(connIdOf);
    const halfOpen: ConnId[] = [];
    for (const c of this.tcp.connections.values()) {
      if (c.tcb.localAddress === this.o.dvipa && c.tcb.remotePort !== 0 && !this.owned.has(c)) halfOpen.push(connIdOf(c));
    }
    const listening = [...this.listening].map(([app, port]) => ({ app, port }));
    return { type: 'CONN_REPORT', stack: this.name, listening, owned, halfOpen };
  }

  /** Segments for a connection being moved on: held while frozen, forwarded once it has moved. */
  private ingress(d: IpDelivery): boolean {
    if (d.header.protocol !== IpProtocol.TCP || d.header.dst !== this.o.dvipa || d.payload.length < 4) return false;
    const p = d.payload;
    const key = connKey({ client: d.header.src, clientPort: (p[0]! << 8) | p[1]!, dvipa: d.header.dst, port: (p[2]! << 8) | p[3]! });
    const entry = this.moving.get(key);
    if (!entry) return false;
    if (entry.to === null) entry.held.push(d);
    else this.host.forwardVia(d, this.o.xcf.get(entry.to) ?? 0);
    return true;
  }

  /** Claim 10: the app wants the connection moved on to another target app. */
  private moveOn(m: Extract<ControlMessage, { type: 'TRANSFER_NOTIFY' }>, appPort: number): void {
    const connection = this.tcp.connections.get(connectionKey({ localAddress: m.conn.dvipa, localPort: m.conn.port, remoteAddress: m.conn.client, remotePort: m.conn.clientPort }));
    const toStack = this.o.appLocations.get(m.targetApp);
    const toXcf = toStack ? this.o.xcf.get(toStack) : undefined;
    const reply = (accepted: boolean, reason: string): void => void this.control.send(LOOPBACK, appPort, encodeControl({ type: 'VERDICT', transfer: m.transfer, conn: m.conn, accepted, reason }));
    if (!connection || !toStack || toXcf === undefined || toStack === this.name) return reply(false, 'cannot move this connection');
    const key = connKey(m.conn);
    const name = connName(m.conn);
    const trace = this.host.sim.trace;
    let exported: TcpRepairState | null = null;
    const actor = startTransfer(this.host.sim.scheduler, TRANSFER_TIMEOUT_MS, {
      freezeAndExport: () => {
        this.moving.set(key, { held: [], to: null });
        connection.cancelAllTimers();
        exported = exportConnection(connection);
        trace.record({ kind: 'tcb', node: this.name, conn: name, action: 'export', reason: `frozen to move on to ${toStack}` });
        this.traceTransfer(m.conn, 'freeze', toStack, `moving on: SND.NXT ${exported.sndMax}, RCV.NXT ${exported.rcvNxt}`, [10]);
      },
      sendTransferMessage: () => {
        if (!exported) return;
        this.xcfLink.send(toStack, { type: 'TRANSFER', transfer: m.transfer, fromStack: this.name, targetApp: m.targetApp, repair: exported, appState: m.appState });
        this.traceTransfer(m.conn, 'message-sent', toStack, 'connection transfer message over XCF (second transfer)', [2, 10, 12]);
      },
      commit: () => {
        detachConnection(this.tcp, connection, `moved on to ${toStack}`);
        this.owned.delete(connection);
        trace.record({ kind: 'tcb', node: this.name, conn: name, action: 'release', reason: `moved on to ${toStack}` });
        const entry = this.moving.get(key);
        const held = entry?.held ?? [];
        if (entry) entry.to = toStack;
        for (const d of held) this.host.forwardVia(d, toXcf);
        this.sendXcf(this.distributor, { type: 'CONN_MOVED', conn: m.conn, from: this.name, to: toStack });
        this.traceTransfer(m.conn, 'committed', toStack, `moved on; ${held.length} held segment(s) forwarded; ${this.distributor} told to re-point its CRT`, [10]);
        reply(true, 'accepted');
      },
      reportRejected: (reason) => {
        const held = this.moving.get(key)?.held ?? [];
        this.moving.delete(key);
        reattachConnection(this.tcp, connection, exported?.state ?? 'ESTABLISHED');
        trace.record({ kind: 'tcb', node: this.name, conn: name, action: 'install', reason: 'move refused; kept' });
        for (const d of held) this.host.deliverLocal(d);
        this.traceTransfer(m.conn, 'rejected', toStack, reason, [14]);
        reply(false, reason);
      },
    });
    this.outgoing.set(m.transfer, actor);
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
    this.reportIfOwnerChanged(conn, p.fromStack);
    if (adopt) {
      connection.handlers = adopt(connection, p.appState, p.fromStack);
      if (connection.readable > 0) connection.notify('readable');
      connection.flush();
    }
  }

  /**
   * A connection sent by a stack that no longer owns the DVIPA (it crashed, or
   * gave the DVIPA back, after sending it): its CRT row is not on the new
   * owner, which has heard this stack's report already; tell it now.
   */
  private reportIfOwnerChanged(conn: ConnId, from: string): void {
    const fromTarget = [...this.o.appLocations.values()].includes(from);
    if (from === this.distributor || fromTarget) return;
    this.note(`${connName(conn)} came from ${from}, which no longer owns the DVIPA: report it to ${this.distributor}`);
    this.sendXcf(this.distributor, { type: 'CONN_REPORT', stack: this.name, listening: [], owned: [conn], halfOpen: [] });
  }

  private answer(to: string, transfer: number, conn: ConnId, accepted: boolean, reason: string): void {
    this.sendXcf(to, { type: 'VERDICT', transfer, conn, accepted, reason });
    this.traceTransfer(conn, accepted ? 'accepted' : 'rejected', to, reason, [14]);
  }

  /** SYN-time distribution: a forwarded SYN completed its handshake here; this stack owns the TCB. */
  private onAcceptedOwn(c: Connection): void {
    if (c.tcb.localAddress !== this.o.dvipa) return;
    this.owned.add(c);
    this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(connIdOf(c)), action: 'install', reason: `three-way handshake; ${this.distributor} routed the SYN here` });
  }

  /** The stack crashed: the TCBs it owned died with it (no segment is sent; the routing stack hears it from XCF). */
  private onCrashOwned(): void {
    for (const c of this.owned) this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(connIdOf(c)), action: 'release', reason: 'stack crashed' });
    this.owned.clear();
  }

  private onRelease(c: Connection): void {
    if (this.o.synTime && !this.owned.has(c) && c.tcb.localAddress === this.o.dvipa && c.tcb.remotePort !== 0) {
      // A routed SYN whose handshake never completed: the routing stack's row goes.
      this.sendXcf(this.distributor, { type: 'CONN_ENDED', conn: connIdOf(c), stack: this.name, reason: 'handshake never completed' });
      return;
    }
    if (!this.owned.delete(c)) return;
    const conn = connIdOf(c);
    this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(conn), action: 'release', reason: 'connection closed' });
    this.sendXcf(this.distributor, { type: 'CONN_ENDED', conn, stack: this.name, reason: c.closeReason ?? 'closed' });
  }

  private sendXcf(stack: string, m: ControlMessage): void {
    this.xcfLink.send(stack, m);
  }

  private traceTransfer(conn: ConnId, phase: 'message-received' | 'offer-app' | 'accepted' | 'rejected' | 'restored' | 'freeze' | 'message-sent' | 'committed', other: string, detail: string, claims: readonly number[]): void {
    const outgoing = phase === 'freeze' || phase === 'message-sent' || phase === 'committed';
    this.host.sim.trace.record({ kind: 'transfer', node: this.name, conn: connName(conn), phase, from: outgoing ? this.name : other, to: outgoing ? other : this.name, detail }, claims);
  }

  private note(message: string): void {
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message });
  }
}
