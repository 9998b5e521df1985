/**
 * The routing stack (the z/OS stack that owns the DVIPA; patent claim 12's
 * "routing communication protocol stack"). It keeps the CRT and DPT, takes the
 * routing app's registration and transfer requests over its control socket,
 * pushes the target list to the routing app, and runs each transfer
 * (transfer.machine.ts). Inbound segments for the DVIPA pass its ingress hook:
 * a connection owned elsewhere is forwarded over XCF, a frozen one is held (or
 * dropped) until its transfer ends.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { routingStackMachine } from './routing-stack.machine';
import type { IpDelivery } from '../../sim/net/host';
import type { UdpDatagram, UdpSocket } from '../../sim/net/udp';
import { UdpLayer } from '../../sim/net/udp';
import type { Connection } from '../../sim/tcp/connection';
import { exportConnection, detachConnection, type TcpRepairState } from '../../sim/tcp/repair';
import { connectionKey } from '../../sim/tcp/tcp-layer';
import { connKey, connName, decodeControl, encodeControl, type ConnId, type ConnReport, type ControlMessage } from '../../sim/sysplex/control-messages';
import { ConnectionRoutingTable, type CrtRow, type DptRow } from '../../sim/sysplex/tables';
import { LOOPBACK } from '../../sim/net/network';
import { IpProtocol } from '../../sim/wire/types';
import type { Host } from '../../sim/net/host';
import { xstateTcpControl } from '../tcp-control';
import { ObservedTcpLayer } from './observed-tcp-layer';
import { STACK_CONTROL_PORT, XCF_PORT } from './ports';
import { XcfChannel } from './xcf-channel';
import { isOpeningSyn, SynRouting, type SynDistribution } from './syn-routing';
import { startTransfer } from './transfer-actor';
import { traceStates } from './trace-states';
import { TRANSFER_TIMEOUT_MS, type transferMachine } from './transfer.machine';
import type { TcpProfile } from '../../sim/tcp/profile';
import { output, onRtoExpired } from '../../sim/tcp/output';

/** The client-side 4-tuple of a connection whose local end is the DVIPA. */
export function connIdOf(c: Connection): ConnId {
  return { client: c.tcb.remoteAddress, clientPort: c.tcb.remotePort, dvipa: c.tcb.localAddress, port: c.tcb.localPort };
}

/** What to do with client segments that arrive while their connection is frozen. */
export type FreezePolicy = 'queue' | 'drop';


interface Transfer {
  readonly id: number;
  readonly conn: ConnId;
  readonly targetApp: string;
  readonly appState: Uint8Array;
  readonly connection: Connection;
  readonly row: CrtRow;
  exported: TcpRepairState | null;
  actor: ActorRefFrom<typeof transferMachine> | null;
}

/**
 * What a routing stack asks of the DVIPA takeover machinery (takeover.ts),
 * when a backup stack is configured; without one the stack simply owns the
 * DVIPA for ever and none of this is called.
 */
export interface DvipaRole {
  /** A DVIPA segment with no CRT row: true when the role took it (held while the CRT is rebuilt, or sent on to the new owner while this stack is Moving). */
  unrouted(d: IpDelivery, conn: ConnId): boolean;
  /** An XCF message the routing stack itself does not handle (DVIPA_OWNER, CONN_REPORT). */
  xcf(m: ControlMessage): void;
  /** This stack moved a connection it held to `to` (a Moving stack tells the DVIPA owner). */
  committed(conn: ConnId, to: string): void;
  /** A connection this stack held ended here (a Moving stack tells the DVIPA owner, and may be drained). */
  released(conn: ConnId): void;
}

/** Options of a routing stack. */
export interface RoutingStackOptions {
  readonly dvipa: number;
  readonly xcf: ReadonlyMap<string, number>;
  readonly profile: TcpProfile;
  readonly freeze: FreezePolicy;
  readonly transferTimeoutMs?: number;
  /** SYN-time distribution instead of the patent's handoff; absent = the patent. */
  readonly distribution?: SynDistribution;
  /** An L7 proxy answers on the DVIPA instead of the patent's routing app: what the targets report is not claim 23. */
  readonly proxy?: boolean;
}

/** The routing stack of the sysplex. */
export class RoutingStack {
  readonly tcp: ObservedTcpLayer;
  readonly udp: UdpLayer;
  readonly crt: ConnectionRoutingTable;
  readonly dpt = new Map<string, DptRow>();
  private control: UdpSocket;
  private readonly xcfLink: XcfChannel;
  /** Set by the takeover machinery when a backup stack is configured. */
  role: DvipaRole | null = null;
  /** Counts crashes: a transfer begun before a crash does nothing when its timer fires after it. */
  private epoch = 0;
  private routingApp: { app: string; port: number } | null = null;
  private readonly transfers = new Map<number, Transfer>();
  private readonly lifecycle;
  /** The SYN-time distributor, when one is configured. */
  readonly syn: SynRouting | null;

  constructor(
    readonly host: Host,
    private readonly o: RoutingStackOptions,
  ) {
    this.tcp = new ObservedTcpLayer(host, { profile: o.profile, control: xstateTcpControl });
    this.tcp.onReleased = (c) => this.onLocalRelease(c);
    this.tcp.onAccepted = (c) => this.onAccepted(c);
    this.udp = new UdpLayer(host);
    this.crt = new ConnectionRoutingTable(host.sim.trace, host.name, (s) => o.xcf.get(s) ?? 0);
    this.control = this.udp.bind(STACK_CONTROL_PORT, (d) => this.onControl(d), LOOPBACK);
    const xcfSocket = this.udp.bind(XCF_PORT, (d) => this.xcfLink.receive(d), o.xcf.get(host.name));
    this.xcfLink = new XcfChannel(host.name, xcfSocket, host.sim.scheduler, (s) => o.xcf.get(s), (m) => this.onXcf(m), (t) => this.note(t));
    host.ingressHook = (d) => this.ingress(d);
    this.lifecycle = createActor(routingStackMachine.provide({ actions: { pushTargets: () => this.pushTargets() } }), { input: { mode: o.distribution !== undefined ? 'synTime' : o.proxy === true ? 'proxy' : 'patent' } });
    traceStates(this.lifecycle, { trace: host.sim.trace, node: host.name, machine: 'routing-stack' });
    this.lifecycle.start();
    this.syn = o.distribution ? new SynRouting({ host, crt: this.crt, dpt: this.dpt, xcf: o.xcf, dvipa: o.dvipa }, o.distribution) : null;
    host.onCrash(() => this.forgetAll());
  }

  get name(): string {
    return this.host.name;
  }

  /** Current lifecycle state, for views. */
  get state(): string {
    return String(this.lifecycle.getSnapshot().value);
  }

  // ---- inbound segments ------------------------------------------------------

  /** Ingress hook: decide local, forward over XCF, or hold for a frozen connection. */
  private ingress(d: IpDelivery): boolean {
    if (d.header.protocol !== IpProtocol.TCP || d.header.dst !== this.o.dvipa || d.payload.length < 14) return false;
    const p = d.payload;
    const conn: ConnId = { client: d.header.src, clientPort: (p[0]! << 8) | p[1]!, dvipa: d.header.dst, port: (p[2]! << 8) | p[3]! };
    const row = this.crt.get(conn);
    if (!row && this.role?.unrouted(d, conn)) return true;
    if (!row && this.syn && isOpeningSyn(p)) {
      this.syn.routeSyn(d, conn);
      return true;
    }
    if (!row) return false; // handshakes and strays go to the local TCP; a row appears once it accepts
    if (row.frozen) return this.hold(row, d);
    if (row.owner === this.name) return false;
    const xcf = this.o.xcf.get(row.owner);
    if (xcf !== undefined) this.host.forwardVia(d, xcf);
    // Under SYN-time distribution this is z/OS Sysplex Distributor's forwarding, not the patent's (claims 2, 12).
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'CRT', message: `forward ${connName(conn)} over XCF to ${row.owner}` }, this.syn ? undefined : [2, 12]);
    return true;
  }

  private hold(row: CrtRow, d: IpDelivery): true {
    const trace = this.host.sim.trace;
    if (this.o.freeze === 'drop') {
      this.host.drop(d.iface, d.packetId, 'fault', `connection ${connName(row.conn)} frozen for transfer (drop policy)`);
      return true;
    }
    row.frozen?.held.push(d);
    trace.record({ kind: 'app', node: this.name, app: 'CRT', message: `hold segment #${d.packetId} of ${connName(row.conn)} while frozen` });
    return true;
  }

  /** A connection to the DVIPA was established here: it owns the TCB, the CRT says so. */
  private onAccepted(c: Connection): void {
    if (c.tcb.localAddress !== this.o.dvipa) return;
    const conn = connIdOf(c);
    this.traceTcb(conn, 'install', 'three-way handshake');
    this.crt.add(conn, this.name);
  }

  private onLocalRelease(c: Connection): void {
    const conn = connIdOf(c);
    const row = this.crt.get(conn);
    if (c.tcb.localAddress === this.o.dvipa && c.tcb.remotePort !== 0) this.traceTcb(conn, 'release', 'connection closed');
    if (row && row.owner === this.name && !row.frozen) {
      this.crt.remove(conn, 'connection closed on the routing stack');
      this.role?.released(conn);
    }
  }

  // ---- control socket (routing app) -------------------------------------------

  private onControl(d: UdpDatagram): void {
    const m = decodeControl(d.payload);
    if (!m.ok) return this.note(`control message rejected: ${m.error}`);
    const msg = m.message;
    if (msg.type === 'REGISTER' && msg.role === 'routing') {
      this.routingApp = { app: msg.app, port: d.srcPort };
      this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `${msg.app} registered as the routing application (control socket port ${d.srcPort})` }, [18, 20, 24]);
      this.lifecycle.send({ type: 'ROUTING_APP_REGISTERED' });
    } else if (msg.type === 'TRANSFER_NOTIFY') {
      this.beginTransfer(msg);
    } else if (msg.type === 'ABORT') {
      this.abortTransfer(msg.transfer, msg.reason);
    }
  }

  private sendToApp(m: ControlMessage, claims?: readonly number[]): void {
    if (!this.routingApp) return;
    this.control.send(LOOPBACK, this.routingApp.port, encodeControl(m));
    if (claims) this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `control → ${this.routingApp.app}: ${m.type}` }, claims);
  }

  /** Claims 21–22: push the target list (apps listening on the DVIPA port) to the routing app. */
  private pushTargets(): void {
    const targets = [...this.dpt.values()].filter((r) => r.rdy > 0).map((r) => ({ app: r.app, stack: r.stack, xcf: r.xcf, port: r.port }));
    this.sendToApp({ type: 'TARGETS', targets }, [21, 22]);
  }

  // ---- XCF (target stacks) ------------------------------------------------------

  private onXcf(msg: ControlMessage): void {
    if (msg.type === 'LISTEN_NOTICE') this.onListenNotice(msg);
    else if (msg.type === 'VERDICT') this.transfers.get(msg.transfer)?.actor?.send({ type: 'VERDICT', accepted: msg.accepted, reason: msg.reason });
    else if (msg.type === 'CONN_ENDED') this.onConnEnded(msg.conn, msg.stack, msg.reason);
    else if (msg.type === 'CONN_MOVED') this.onConnMoved(msg.conn, msg.from, msg.to);
    else this.role?.xcf(msg);
  }

  private onListenNotice(m: Extract<ControlMessage, { type: 'LISTEN_NOTICE' }>): void {
    const row = this.dpt.get(m.app) ?? { app: m.app, stack: m.stack, xcf: this.o.xcf.get(m.stack) ?? 0, port: m.port, rdy: 0, totalConn: 0, activeConn: 0 };
    row.rdy = m.listening ? 1 : 0;
    this.dpt.set(m.app, row);
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message: `${m.stack} reports ${m.app} ${m.listening ? 'listening' : 'no longer listening'} on port ${m.port}` }, this.syn || this.o.proxy ? undefined : [23]);
    this.syn?.listenChanged(m.stack);
    this.lifecycle.send({ type: 'TARGETS_CHANGED' });
  }

  private onConnEnded(conn: ConnId, stack: string, reason: string): void {
    const row = this.crt.get(conn);
    if (!row || row.owner !== stack) return;
    this.crt.remove(conn, `${stack}: ${reason}`);
    for (const d of this.dpt.values()) if (d.stack === stack && d.activeConn > 0) d.activeConn--;
    this.syn?.connEnded(stack);
  }

  /** Claim 10: a target stack moved a connection on; the CRT follows it. */
  private onConnMoved(conn: ConnId, from: string, to: string): void {
    const row = this.crt.get(conn);
    if (!row || row.owner !== from) return;
    this.crt.repoint(row, to, [10, 26]);
    for (const d of this.dpt.values()) {
      if (d.stack === from && d.activeConn > 0) d.activeConn--;
      if (d.stack === to) {
        d.activeConn++;
        d.totalConn++;
      }
    }
  }

  // ---- transfers ------------------------------------------------------------------

  private beginTransfer(m: Extract<ControlMessage, { type: 'TRANSFER_NOTIFY' }>): void {
    const connection = this.tcp.connections.get(connectionKey({ localAddress: m.conn.dvipa, localPort: m.conn.port, remoteAddress: m.conn.client, remotePort: m.conn.clientPort }));
    const row = this.crt.get(m.conn);
    const target = this.dpt.get(m.targetApp);
    if (!connection || !row || !target) {
      this.sendToApp({ type: 'VERDICT', transfer: m.transfer, conn: m.conn, accepted: false, reason: !target ? `unknown target ${m.targetApp}` : 'no such connection' });
      return;
    }
    this.traceTransfer(m.conn, 'notify-stack', target.stack, `${m.targetApp} chosen by the routing app`, [12, 13]);
    for (const [id, old] of this.transfers) if (connKey(old.conn) === connKey(m.conn)) this.transfers.delete(id); // a retry replaces the refused attempt
    const t: Transfer = { id: m.transfer, conn: m.conn, targetApp: m.targetApp, appState: m.appState, connection, row, exported: null, actor: null };
    this.transfers.set(t.id, t);
    const epoch = this.epoch;
    const ifLive = (step: () => void): void => {
      if (epoch === this.epoch) step(); // the stack has not crashed since
    };
    t.actor = startTransfer(this.host.sim.scheduler, this.o.transferTimeoutMs ?? TRANSFER_TIMEOUT_MS, {
      freezeAndExport: () => ifLive(() => this.freeze(t)),
      sendTransferMessage: () => ifLive(() => this.sendTransferMessage(t, target)),
      commit: () => ifLive(() => this.commit(t, target)),
      reportRejected: (reason) => ifLive(() => this.rejected(t, target, reason)),
    }, { trace: this.host.sim.trace, node: this.name, machine: `transfer ${connName(m.conn)}` });
  }

  private freeze(t: Transfer): void {
    if (!t.row.frozen) t.row.frozen = { held: [] };
    t.connection.cancelAllTimers();
    t.exported = exportConnection(t.connection);
    this.traceTcb(t.conn, 'export', 'frozen for transfer');
    this.traceTransfer(t.conn, 'freeze', this.dptStack(t.targetApp), `SND.NXT ${t.exported.sndMax}, RCV.NXT ${t.exported.rcvNxt}, ${t.exported.receiveQueue.length} unread (peeked) bytes`, [2]);
  }

  private sendTransferMessage(t: Transfer, target: DptRow): void {
    if (!t.exported) return;
    const message: ControlMessage = { type: 'TRANSFER', transfer: t.id, fromStack: this.name, targetApp: t.targetApp, repair: t.exported, appState: t.appState };
    const bytes = encodeControl(message);
    this.xcfLink.send(target.stack, message);
    const claims = [2, 12, 13, ...(t.exported.receiveQueue.length > 0 ? [11, 27] : [])];
    this.traceTransfer(t.conn, 'message-sent', target.stack, `connection transfer message, ${bytes.length} bytes over XCF`, claims);
  }

  private commit(t: Transfer, target: DptRow): void {
    detachConnection(this.tcp, t.connection, `transferred to ${target.stack}`);
    this.traceTcb(t.conn, 'release', `transferred to ${target.stack}`);
    this.crt.repoint(t.row, target.stack, [26]);
    target.totalConn++;
    target.activeConn++;
    const held = (t.row.frozen?.held ?? []) as IpDelivery[];
    t.row.frozen = null;
    for (const d of held) this.host.forwardVia(d, target.xcf);
    this.traceTransfer(t.conn, 'committed', target.stack, `CRT re-pointed; ${held.length} held segment(s) forwarded`, [2, 4, 26]);
    this.sendToApp({ type: 'VERDICT', transfer: t.id, conn: t.conn, accepted: true, reason: 'accepted' }, [14]);
    this.transfers.delete(t.id);
    this.role?.committed(t.conn, target.stack);
  }

  private rejected(t: Transfer, target: DptRow, reason: string): void {
    this.traceTransfer(t.conn, 'rejected', target.stack, reason, [14]);
    this.sendToApp({ type: 'VERDICT', transfer: t.id, conn: t.conn, accepted: false, reason }, [14]);
  }

  /** The routing app gave up (claim 17): unfreeze and let it answer the client itself. */
  private abortTransfer(id: number, reason: string): void {
    const t = this.transfers.get(id);
    if (!t) {
      const conn = { client: 0, clientPort: 0, dvipa: 0, port: 0 };
      this.sendToApp({ type: 'ABORT', transfer: id, conn, reason: 'nothing to abort' });
      return;
    }
    this.transfers.delete(id);
    const held = (t.row.frozen?.held ?? []) as IpDelivery[];
    t.row.frozen = null;
    this.traceTcb(t.conn, 'install', 'unfrozen after the transfer was abandoned');
    this.traceTransfer(t.conn, 'aborted', this.name, reason, [17]);
    const tcb = t.connection.tcb;
    if (tcb.sndUna !== tcb.sndMax) t.connection.restartRto(() => onRtoExpired(t.connection));
    output(t.connection);
    for (const d of held) this.host.deliverLocal(d);
    this.sendToApp({ type: 'ABORT', transfer: id, conn: t.conn, reason: 'unfrozen' });
  }

  // ---- takeover and takeback (takeover.ts drives these) ------------------------------

  /** Send a message to another stack over XCF. */
  sendXcf(to: string, m: ControlMessage): void {
    this.xcfLink.send(to, m);
  }

  /** Whether this stack holds a TCB for the connection (one in its handshake has no CRT row yet). */
  holdsTcb(conn: ConnId): boolean {
    return this.tcp.connections.has(connectionKey({ localAddress: conn.dvipa, localPort: conn.port, remoteAddress: conn.client, remotePort: conn.clientPort }));
  }

  /** Hand a held segment to the stack again, as if it had just arrived. */
  reinject(d: IpDelivery): void {
    if (!this.ingress(d)) this.host.deliverLocal(d);
  }

  /** What this stack holds of the DVIPA's connections, for a new owner's CRT. */
  report(): ConnReport {
    const owned: ConnId[] = [];
    const halfOpen: ConnId[] = [];
    for (const c of this.tcp.connections.values()) {
      if (c.tcb.localAddress !== this.o.dvipa || c.tcb.remotePort === 0) continue;
      (this.crt.get(connIdOf(c))?.owner === this.name ? owned : halfOpen).push(connIdOf(c));
    }
    return { type: 'CONN_REPORT', stack: this.name, listening: [], owned, halfOpen };
  }

  /** Rebuild CRT and DPT rows from another stack's report (`why`: takeover or takeback). */
  adoptReport(m: ConnReport, why: string): void {
    for (const l of m.listening) this.onListenNotice({ type: 'LISTEN_NOTICE', stack: m.stack, app: l.app, port: l.port, listening: true });
    for (const conn of m.owned) this.adoptRow(conn, m.stack, `${why}: ${m.stack} reports it holds the connection`);
    // The one-owner checker knows rows added before the owner installs the TCB by this wording.
    for (const conn of m.halfOpen) this.adoptRow(conn, m.stack, `SYN routed to ${m.stack} before the ${why}; handshake in progress`);
  }

  private adoptRow(conn: ConnId, stack: string, reason: string): void {
    const row = this.crt.get(conn);
    if (row?.owner === stack) return;
    if (row) this.crt.repoint(row, stack, []);
    else this.crt.add(conn, stack, undefined, reason);
    for (const d of this.dpt.values()) if (d.stack === stack && !row) d.activeConn++;
  }

  /** XCF says `stack` left the group (it crashed): its connections died with it, its apps no longer listen. */
  memberLeft(stack: string): void {
    for (const r of this.crt.ownedBy(stack)) this.crt.remove(r.conn, `lost: owned by crashed ${stack}`);
    for (const d of this.dpt.values()) {
      if (d.stack !== stack) continue;
      d.rdy = 0;
      d.activeConn = 0;
    }
    this.syn?.memberLeft(stack);
    this.lifecycle.send({ type: 'TARGETS_CHANGED' });
  }

  /** Remove the rows of connections other stacks hold: this stack no longer routes the DVIPA. */
  trimToOwn(reason: string): void {
    for (const r of this.crt.all) if (r.owner !== this.name) this.crt.remove(r.conn, reason);
  }

  /** The host restarted: bind the control and XCF sockets again; the tables start empty. */
  restart(): void {
    this.routingApp = null;
    this.lifecycle.send({ type: 'RESTARTED' });
    this.control = this.udp.bind(STACK_CONTROL_PORT, (d) => this.onControl(d), LOOPBACK);
    this.xcfLink.rebind(this.udp.bind(XCF_PORT, (d) => this.xcfLink.receive(d), this.o.xcf.get(this.host.name)));
  }

  /** The host crashed: tables, transfers and the routing app's registration die with it, untraced (the crash is, and the lifecycle going down). */
  private forgetAll(): void {
    this.epoch++;
    this.lifecycle.send({ type: 'CRASHED' });
    this.crt.forget();
    this.dpt.clear();
    this.transfers.clear();
  }

  private dptStack(app: string): string {
    return this.dpt.get(app)?.stack ?? '?';
  }

  private traceTcb(conn: ConnId, action: 'install' | 'export' | 'release', reason: string): void {
    this.host.sim.trace.record({ kind: 'tcb', node: this.name, conn: connName(conn), action, reason });
  }

  private traceTransfer(conn: ConnId, phase: 'notify-stack' | 'freeze' | 'message-sent' | 'committed' | 'rejected' | 'aborted', to: string, detail: string, claims: readonly number[]): void {
    this.host.sim.trace.record({ kind: 'transfer', node: this.name, conn: connName(conn), phase, from: this.name, to, detail }, claims);
  }

  private note(message: string): void {
    this.host.sim.trace.record({ kind: 'app', node: this.name, app: 'stack', message });
  }
}
