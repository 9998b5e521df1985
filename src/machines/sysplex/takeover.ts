/**
 * DVIPA takeover and takeback (docs/domain.md §1.6), as z/OS does it around
 * Sysplex Distributor — not the patent's method, which it keeps working.
 *
 * Takeover. The routing stack (VIPADEFINE) crashes. XCF tells the other
 * members after `detectionUs`; the backup (VIPABACKUP, a second routing stack
 * with its own routing app, dormant until then) makes the DVIPA Active, tells
 * every surviving stack over XCF that it owns the DVIPA now (DVIPA_OWNER), and
 * the router learns the new next hop `routerConvergenceUs` later — until then
 * client segments still go to the dead stack and are lost. Each stack answers
 * with a CONN_REPORT: its listening apps (the new DPT) and the connections it
 * holds (the new CRT). Until every report is in (or REPORT_WAIT_US passed), the
 * new owner holds client segments it has no row for, so a connection whose
 * owner survives is never reset for want of a row; then it releases them.
 * Connections that lived on the crashed stack itself (not yet transferred)
 * die with it: each is traced at the crash as a TCB release "lost: owned by
 * crashed SYS1"; the client's next segment reaches the new owner, which has no
 * TCB and no row for it and answers with RST — what a real backup does.
 *
 * Takeback. The VIPADEFINE stack restarts (empty tables, its routing app
 * restarted with it) and takes the DVIPA back at once: Active, DVIPA_OWNER to
 * every stack, reports, router convergence, as above. The backup reports the
 * connections it holds itself and goes Moving: the returning owner's CRT points
 * them at the backup and forwards their segments over XCF, and the backup keeps
 * them until they end (IBM's nondisruptive move: existing connections stay,
 * new ones go to the new owner), then goes back to Backup. Until the router has
 * converged it also forwards any segment it has no row for to the new owner,
 * and after that it drops the rows of connections other stacks hold.
 *
 * A target stack's crash kills only its own connections: each is traced at the
 * crash ("lost: owned by crashed SYS3"), and when XCF reports the member gone
 * the DVIPA owner removes their CRT rows with that reason and stops offering
 * the stack's apps as targets.
 *
 * Without a backup the same machinery only watches the group: losses are
 * traced at each crash and the DVIPA owner forgets a crashed target's
 * connections when XCF reports it gone; if the owner itself crashes, the DVIPA
 * is gone.
 *
 * Assumptions: at most one backup (rank only shown); the backup runs no target app
 * (a Dist/Dest backup is not modelled); XCF failure detection is a fixed delay
 * for every member; a restarted stack keeps its XCF sequence numbers.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import type { Host, IpDelivery } from '../../sim/net/host';
import type { Connection } from '../../sim/tcp/connection';
import { connName, type ConnId, type ConnReport, type ControlMessage } from '../../sim/sysplex/control-messages';
import type { SysplexNetwork } from '../../sim/sysplex/topology';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import type { RoutingApp } from './apps/routing-app';
import type { ObservedTcpLayer } from './observed-tcp-layer';
import { connIdOf, type DvipaRole, type RoutingStack } from './routing-stack';
import { isOpeningSyn } from './syn-routing';
import type { TargetStack } from './target-stack';
import { traceStates } from './trace-states';
import { statusWord, vipaStatusMachine, type VipaStatusEvent, type VipaStatusInput } from './vipa-status.machine';

/** Takeover settings of a sysplex (VIPABACKUP, and how fast the group and the network notice). */
export interface TakeoverConfig {
  /** The backup routing stack (VIPABACKUP); null: no backup, XCF group monitoring only. */
  readonly backup: string | null;
  /** Its VIPABACKUP rank, for VIPADYN. */
  readonly rank: number;
  /** µs from a stack's crash until XCF tells the other members it left the group. */
  readonly detectionUs: number;
  /** µs from a new owner's announcement until the router sends DVIPA traffic to it. */
  readonly routerConvergenceUs: number;
}

/** What the takeover machinery works with. */
export interface TakeoverParts {
  readonly net: SysplexNetwork;
  /** The VIPADEFINE routing stack. */
  readonly primary: RoutingStack;
  readonly backup: RoutingStack | null;
  /** Routing apps by stack (none under SYN-time distribution). */
  readonly apps: ReadonlyMap<string, RoutingApp>;
  readonly targets: ReadonlyMap<string, TargetStack>;
}

/** How long a new owner waits for the other stacks' reports before it routes with what it has. */
export const REPORT_WAIT_US = 500_000;
/** Segments a rebuilding owner holds at most; later ones are dropped (the client retransmits them). */
const HELD_MAX = 10_000;

/** One routing stack's side of the takeover: what it knows and holds. */
class StackRole implements DvipaRole {
  /** The stack this one believes owns the DVIPA (learnt from DVIPA_OWNER, or itself). */
  knownOwner: string;
  /** While the CRT is rebuilt: stacks whose report is awaited, and segments held meanwhile. */
  rebuilding: { readonly why: string; readonly waiting: Set<string>; readonly held: IpDelivery[] } | null = null;
  readonly status: ActorRefFrom<typeof vipaStatusMachine>;
  /** The router sends the DVIPA to another owner now, and this stack keeps only rows of connections it holds. */
  trimmed = false;

  constructor(
    private readonly t: DvipaTakeover,
    readonly stack: RoutingStack,
    readonly origin: VipaStatusInput['origin'],
    owner: string,
  ) {
    this.knownOwner = owner;
    this.status = createActor(vipaStatusMachine, { input: { origin } });
    // The machine's own states, beside the VIPADYN lines traceStatus writes, so the lab can draw it.
    traceStates(this.status, { trace: stack.host.sim.trace, node: stack.name, machine: 'vipa-status' });
    this.status.start();
  }

  get name(): string {
    return this.stack.name;
  }

  unrouted(d: IpDelivery, conn: ConnId): boolean {
    if (this.stack.holdsTcb(conn)) return false; // a handshake in progress here: the local TCP answers
    if (this.rebuilding && !isOpeningSyn(d.payload)) return this.t.hold(this, d, conn);
    if (this.knownOwner !== this.name) return this.t.sendOn(this, d, conn);
    return false;
  }

  xcf(m: ControlMessage): void {
    if (m.type === 'DVIPA_OWNER') this.t.givenUp(this, m.stack, m.reason);
    else if (m.type === 'CONN_REPORT') this.t.reported(this, m);
  }

  committed(conn: ConnId, to: string): void {
    if (this.knownOwner === this.name) return;
    this.stack.sendXcf(this.knownOwner, { type: 'CONN_MOVED', conn, from: this.name, to });
    // Its segments reach the owner now, which follows the move; the row here would outlive the connection.
    if (this.trimmed) this.t.trim(this);
    else this.t.checkDrained(this);
  }

  released(conn: ConnId): void {
    if (this.knownOwner === this.name) return;
    this.stack.sendXcf(this.knownOwner, { type: 'CONN_ENDED', conn, stack: this.name, reason: 'closed on the moving stack' });
    this.t.checkDrained(this);
  }
}

/** The DVIPA takeover machinery of one sysplex. */
export class DvipaTakeover {
  /** The stack that owns the DVIPA now, as the group knows it. */
  owner: string;
  private readonly roles: ReadonlyMap<string, StackRole>;
  /** The router's next hop for the DVIPA when it is not the original owner's OSA address. */
  private nextHop: number | null = null;
  /** The owner the router has converged on, once it has. */
  private convergedOn: string | null = null;

  constructor(
    private readonly p: TakeoverParts,
    private readonly c: TakeoverConfig,
  ) {
    this.owner = p.primary.name;
    const primary = new StackRole(this, p.primary, 'VIPADefine', p.primary.name);
    const backup = p.backup ? [new StackRole(this, p.backup, 'VIPABackup', p.primary.name)] : [];
    this.roles = new Map([primary, ...backup].map((r) => [r.name, r] as const));
    for (const r of this.roles.values()) {
      r.stack.role = r;
      this.traceStatus(r, r.origin === 'VIPADefine' ? 'VIPADEFINE: this stack owns the DVIPA' : `VIPABACKUP rank ${c.rank}: takes the DVIPA over if ${p.primary.name} leaves`);
    }
    for (const host of p.net.stacks) this.watch(host);
    p.net.router.ingressHook = (d) => this.atRouter(d);
  }

  /** The VIPADYN status of a routing stack ('Down' while crashed), for views and tests. */
  statusOf(stack: string): string {
    const r = this.roles.get(stack);
    return r ? (statusWord(String(r.status.getSnapshot().value)) ?? 'Down') : 'Dest';
  }

  /** Restart a crashed routing stack; the VIPADEFINE stack takes the DVIPA back. */
  restart(stack: string): void {
    const r = this.roles.get(stack);
    const host = this.hostOf(stack);
    if (!r || host.up) return;
    host.restart();
    r.stack.restart();
    this.p.apps.get(stack)?.restart();
    this.send(r, { type: 'RESTARTED' }, r.origin === 'VIPADefine' ? 'restarted: VIPADEFINE takes the DVIPA back' : 'restarted as the backup');
    if (r.origin === 'VIPADefine') return this.becomeOwner(r, 'takeback');
    // A backup rejoins knowing the owner; if nobody up owns the DVIPA, it takes it over at once.
    r.knownOwner = this.owner;
    r.trimmed = true;
    if (this.owner !== stack && this.hostOf(this.owner).up) return;
    this.send(r, { type: 'OWNER_LEFT' }, `takeover: ${this.owner === stack ? 'it owned the DVIPA when it crashed' : `${this.owner} is down`}`);
    this.becomeOwner(r, 'takeover');
  }

  // ---- crashes and XCF group membership -------------------------------------------

  private watch(host: Host): void {
    const tcp = this.tcpOf(host.name);
    if (tcp) tcp.onCrashing = (conns) => this.traceLost(host.name, conns);
    host.onCrash(() => this.crashed(host.name));
  }

  /** Every TCB on the DVIPA dies with its stack: name each, and its owner, in the trace. */
  private traceLost(stack: string, conns: readonly Connection[]): void {
    const trace = this.p.primary.host.sim.trace;
    for (const c of conns) {
      if (c.tcb.localAddress !== this.p.net.dvipa || c.tcb.remotePort === 0) continue;
      trace.record({ kind: 'tcb', node: stack, conn: connName(connIdOf(c)), action: 'release', reason: `lost: owned by crashed ${stack} (${c.tcb.state})` });
    }
  }

  private crashed(stack: string): void {
    const r = this.roles.get(stack);
    if (r) {
      r.rebuilding = null;
      this.send(r, { type: 'CRASHED' }, 'the stack crashed');
    }
    this.p.primary.host.sim.scheduler.after(this.c.detectionUs, () => this.memberLeft(stack));
  }

  /** XCF tells the group that `stack` left: the backup takes over, or the owner forgets the stack's connections. */
  private memberLeft(stack: string): void {
    this.note(stack, 'XCF', `${stack} left the sysplex group (noticed ${this.c.detectionUs} µs after the crash)`);
    const owner = this.roles.get(this.owner);
    if (stack !== this.owner) {
      if (!owner || !this.hostOf(owner.name).up) return;
      owner.stack.memberLeft(stack);
      const rebuild = owner.rebuilding;
      // A stack that left sends no report: stop waiting for it.
      if (rebuild?.waiting.delete(stack) && rebuild.waiting.size === 0) this.finishRebuild(owner, 'every stack still up reported');
      return;
    }
    const backup = this.c.backup === null ? undefined : this.roles.get(this.c.backup);
    if (!backup || !this.hostOf(backup.name).up) return this.note(stack, 'XCF', `no backup is up: the DVIPA ${formatIpv4Address(this.p.net.dvipa)} is gone`);
    this.send(backup, { type: 'OWNER_LEFT' }, `takeover: ${stack} left the sysplex group`);
    this.becomeOwner(backup, 'takeover');
  }

  // ---- a new owner ------------------------------------------------------------------

  /** `r` owns the DVIPA now: it tells every stack, rebuilds its CRT from their reports, and the router follows. */
  private becomeOwner(r: StackRole, why: 'takeover' | 'takeback'): void {
    this.owner = r.name;
    this.convergedOn = null;
    r.knownOwner = r.name;
    r.trimmed = false;
    const waiting = new Set(this.p.net.stacks.filter((h) => h.up && h.name !== r.name).map((h) => h.name));
    const rebuild = { why, waiting, held: [] as IpDelivery[] };
    r.rebuilding = rebuild;
    for (const s of waiting) r.stack.sendXcf(s, { type: 'DVIPA_OWNER', stack: r.name, reason: `${why} by ${r.name}` });
    this.note(r.name, 'stack', `${why}: owns the DVIPA; asks ${[...waiting].join(', ') || 'nobody'} to report their connections`);
    const scheduler = this.p.primary.host.sim.scheduler;
    scheduler.after(REPORT_WAIT_US, () => {
      if (r.rebuilding === rebuild) this.finishRebuild(r, `stopped waiting for ${[...waiting].join(', ')}`);
    });
    scheduler.after(this.c.routerConvergenceUs, () => this.converge(r.name));
    if (waiting.size === 0) this.finishRebuild(r, 'no other stack is up');
  }

  /** A stack's report reached `r`. */
  reported(r: StackRole, m: ConnReport): void {
    if (r.knownOwner !== r.name) return this.note(r.name, 'stack', `ignores ${m.stack}’s report: it does not own the DVIPA`);
    r.stack.adoptReport(m, r.rebuilding?.why ?? 'takeover');
    const rebuild = r.rebuilding;
    if (!rebuild) return;
    rebuild.waiting.delete(m.stack);
    if (rebuild.waiting.size === 0) this.finishRebuild(r, 'every stack reported');
  }

  private finishRebuild(r: StackRole, why: string): void {
    const held = r.rebuilding?.held ?? [];
    r.rebuilding = null;
    this.note(r.name, 'CRT', `CRT rebuilt (${why}); ${held.length} held segment(s) released`);
    for (const d of held) r.stack.reinject(d);
  }

  /** While the CRT is rebuilt, a segment with no row may belong to a connection not reported yet: hold it. */
  hold(r: StackRole, d: IpDelivery, conn: ConnId): true {
    const held = r.rebuilding?.held;
    if (!held || held.length >= HELD_MAX) {
      r.stack.host.drop(d.iface, d.packetId, 'fault', `${connName(conn)}: no CRT row while the CRT is rebuilt, and the hold queue is full`);
      return true;
    }
    held.push(d);
    this.note(r.name, 'CRT', `hold segment #${d.packetId} of ${connName(conn)} until the CRT is rebuilt`);
    return true;
  }

  /** The router learns the new next hop (the owner's OSA address). */
  private converge(owner: string): void {
    if (this.owner !== owner) return;
    const host = this.hostOf(owner);
    this.nextHop = owner === this.p.primary.name ? null : host.iface('osa').address;
    this.convergedOn = owner;
    this.note('router', 'routing', `learns the route to ${formatIpv4Address(this.p.net.dvipa)}/32 via ${owner} (${formatIpv4Address(host.iface('osa').address)})`);
    for (const r of this.roles.values()) if (r.name !== owner && this.hostOf(r.name).up && r.knownOwner === owner) this.trim(r);
  }

  private atRouter(d: IpDelivery): boolean {
    if (this.nextHop === null || d.header.dst !== this.p.net.dvipa) return false;
    this.p.net.router.forwardVia(d, this.nextHop);
    return true;
  }

  // ---- giving the DVIPA up ------------------------------------------------------------

  /** Another stack took the DVIPA (back) from `r`: report what `r` holds, keep it until it ends (Moving). */
  givenUp(r: StackRole, owner: string, reason: string): void {
    const wasOwner = r.knownOwner === r.name;
    r.knownOwner = owner;
    r.rebuilding = null;
    const report = r.stack.report();
    r.stack.sendXcf(owner, report);
    this.note(r.name, 'stack', `${owner} owns the DVIPA now (${reason}); report ${report.owned.length} connection(s) held here, ${report.halfOpen.length} in their handshake`);
    if (wasOwner) this.send(r, { type: 'TAKEN_BACK', drained: report.owned.length + report.halfOpen.length === 0 }, `${reason}: ${report.owned.length + report.halfOpen.length} connection(s) stay here until they end`);
    if (this.convergedOn === owner) this.trim(r);
  }

  /** The router has converged on another owner: `r` drops the rows of connections other stacks hold. */
  trim(r: StackRole): void {
    r.trimmed = true;
    r.stack.trimToOwn(`takeback: ${r.knownOwner} owns the DVIPA again and routes its connections`);
    this.checkDrained(r);
  }

  /** A Moving stack whose last own connection ended is a plain backup again. */
  checkDrained(r: StackRole): void {
    if (String(r.status.getSnapshot().value) !== 'moving') return;
    const left = r.stack.report();
    if (left.owned.length + left.halfOpen.length === 0) this.send(r, { type: 'DRAINED' }, 'no connection is held here any more');
  }

  /** A segment for the DVIPA with no row on a stack that no longer owns it: on to the owner over XCF. */
  sendOn(r: StackRole, d: IpDelivery, conn: ConnId): true {
    const xcf = this.p.net.xcf.get(r.knownOwner);
    if (xcf !== undefined) r.stack.host.forwardVia(d, xcf);
    this.note(r.name, 'CRT', `forward ${connName(conn)} over XCF to ${r.knownOwner}, which owns the DVIPA now`);
    return true;
  }

  // ---- VIPADYN -------------------------------------------------------------------------

  private send(r: StackRole, e: VipaStatusEvent, why: string): void {
    const before = String(r.status.getSnapshot().value);
    r.status.send(e);
    if (String(r.status.getSnapshot().value) !== before) this.traceStatus(r, why);
  }

  /** One `Netstat VIPADYN` line for the stack, as a trace entry with the fields as data. */
  private traceStatus(r: StackRole, why: string): void {
    const status = statusWord(String(r.status.getSnapshot().value));
    const dvipa = `${formatIpv4Address(this.p.net.dvipa)}/32`;
    const distStat = status === 'Active' || status === 'Moving' ? 'Dist' : '';
    const rank = r.origin === 'VIPABackup' ? ` Rank: ${this.c.rank}` : '';
    const line = status ? `IPAddr/PrefixLen: ${dvipa} Status: ${status} Origin: ${r.origin} DistStat: ${distStat || '-'}${rank}` : `no VIPADYN entry: ${r.name} is down`;
    const data = { dvipa, status: status ?? 'Down', origin: r.origin, distStat, stack: r.name, ...(r.origin === 'VIPABackup' ? { rank: this.c.rank } : {}) };
    this.p.primary.host.sim.trace.record({ kind: 'app', node: r.name, app: 'VIPADYN', message: `${line} (${why})`, data });
  }

  // ---- helpers ---------------------------------------------------------------------------

  private tcpOf(stack: string): ObservedTcpLayer | undefined {
    return this.roles.get(stack)?.stack.tcp ?? this.p.targets.get(stack)?.tcp;
  }

  private hostOf(stack: string): Host {
    const host = this.p.net.stacks.find((h) => h.name === stack);
    if (!host) throw new Error(`no stack ${stack}`);
    return host;
  }

  private note(node: string, app: string, message: string): void {
    this.p.primary.host.sim.trace.record({ kind: 'app', node, app, message });
  }
}
