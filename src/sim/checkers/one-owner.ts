/**
 * One owner: at every instant at most one stack owns a connection's TCB, the
 * routing stack's connection routing table (CRT) points at that stack, and no
 * CRT row outlives its connection. Two owners would both answer the client (a
 * duplicate ACK storm, or two different byte streams); a CRT row pointing at a
 * non-owner sends the client's segments to a stack that answers with RST or
 * nothing; an orphaned row captures the next connection that reuses the 4-tuple.
 *
 * Ownership, from `tcb` entries: `install` makes the node the owner; `export`
 * freezes it (still the owner until another node installs); `release` by the
 * owner clears ownership, and a release by a former owner (the routing stack
 * detaching after a transfer) changes nothing.
 *
 * SYN-time distribution (z/OS Sysplex Distributor) adds its CRT row when it
 * routes the SYN, before the target completes the handshake and installs the
 * TCB: a CRT add whose reason starts with "SYN routed" may name a stack that
 * does not own the connection yet, and the next install must be by that stack;
 * so may a row a new DVIPA owner adds from a report of a handshake in progress
 * (reason "SYN routed to … before the takeover").
 *
 * Crashes: a stack's CRT dies with it (the crash fault entry drops its rows),
 * and a TCB release declaring its connection "lost: owned by crashed X" must
 * name a stack that really crashed (losses.ts); rows removed while a stack
 * still owns the connection are allowed only for a takeover or takeback.
 */
import type { TraceEntry } from '../core/trace';
import { declaredLosses } from './losses';
import { at, verdict } from './types';
import type { Break, CheckResult, TraceView } from './types';

/** How to find a stack's XCF address, which CRT rows name. */
export interface OneOwnerOptions {
  /** Stack node name → XCF address (dotted). */
  readonly xcfOf: Readonly<Record<string, string>>;
}

const NAME = 'one-owner';

/** A tcb trace entry. */
type TcbEntry = Extract<TraceEntry, { kind: 'tcb' }>;
/** A crt trace entry. */
type CrtEntry = Extract<TraceEntry, { kind: 'crt' }>;

/** Who owns one connection now. */
interface Ownership {
  owner: string | null;
  frozen: boolean;
  /** The entry that last changed the owner (install, or the release that cleared it). */
  since: number;
  /** XCF address a SYN-time CRT row routed the SYN to, until that stack installs the TCB. */
  routedTo?: string | undefined;
}

/** A CRT add made when the SYN was routed, before any stack owns the connection. */
const SYN_ROUTED = /^SYN routed\b/;

/**
 * Checks the tcb and crt entries: no install while another node owns the
 * connection unfrozen, every CRT add/update names the current owner's XCF
 * address, CRT removes while owned only for a takeover, and at the end no CRT
 * row left for a connection nobody owns or pointing at a stack that is not the owner.
 */
export function checkOneOwner(trace: TraceView, options: OneOwnerOptions): CheckResult {
  const watch = new OwnerWatch(options.xcfOf);
  for (const e of trace.events) {
    if (e.kind === 'tcb') watch.tcb(e);
    else if (e.kind === 'crt') watch.crt(e);
    else if (e.kind === 'fault' && e.fault === 'crash' && e.target.startsWith('host:')) watch.crashed(e.target.slice('host:'.length));
  }
  const breaks = [...declaredLosses(trace).bogus, ...watch.found, ...watch.leftovers()];
  return verdict(NAME, breaks, `${String(watch.connCount)} connection(s): one owner at a time, every CRT row points at it and goes with it`);
}

/** Ownership of every connection, and every routing stack's live CRT rows. */
class OwnerWatch {
  readonly found: Break[] = [];
  private readonly owners = new Map<string, Ownership>();
  /** Live rows as the entry that last wrote them, keyed by routing stack and connection: a backup stack taking over keeps its own rows. */
  private readonly rows = new Map<string, CrtEntry>();

  constructor(private readonly xcfOf: Readonly<Record<string, string>>) {}

  /** Connections seen in tcb entries. */
  get connCount(): number {
    return this.owners.size;
  }

  /** Applies an install, export or release. */
  tcb(e: TcbEntry): void {
    const o = this.ownership(e.conn, e.index);
    if (e.action === 'install') this.install(o, e);
    else if (e.action === 'export') this.export(o, e);
    else this.release(o, e);
  }

  /** A stack crashed: its CRT died with it. */
  crashed(node: string): void {
    for (const key of [...this.rows.keys()]) if (key.startsWith(`${node} `)) this.rows.delete(key);
  }

  /** Applies a CRT change, then checks the row against the owner. */
  crt(e: CrtEntry): void {
    const conn = `${e.source}>${e.dest}`;
    const key = `${e.node} ${conn}`;
    const o = this.owners.get(conn);
    if (e.action === 'remove') {
      this.rows.delete(key);
      if (o !== undefined) o.routedTo = undefined;
      this.remove(e, conn, o?.owner ?? null);
      return;
    }
    this.rows.set(key, e);
    if (e.action === 'add' && SYN_ROUTED.test(e.reason ?? '') && (o === undefined || o.owner === null)) {
      this.ownership(conn, e.index).routedTo = e.destXcf;
      return;
    }
    const wrong = this.misdirected(e, o);
    if (wrong !== undefined) this.fail(e, wrong);
  }

  /**
   * Rows still in the table at the end that point at no owner or at the wrong
   * stack, each reported where it went wrong: the later of its last write and
   * the ownership change it never followed.
   */
  leftovers(): Break[] {
    const out: Break[] = [];
    for (const row of this.rows.values()) {
      const conn = `${row.source}>${row.dest}`;
      const o = this.owners.get(conn);
      const since = Math.max(row.index, o?.since ?? row.index);
      if (o === undefined || o.owner === null) {
        out.push({ index: since, detail: `CRT row ${conn} on ${row.node} (DestXCF ${row.destXcf}, written ${at(row.index)}) outlives its connection: nobody owns it since ${at(o?.since ?? row.index)}` });
      } else if (this.xcfOf[o.owner] !== row.destXcf) {
        out.push({ index: since, detail: `CRT row ${conn} on ${row.node} still points at ${row.destXcf} at the end, but ${o.owner} owns the connection since ${at(o.since)}` });
      }
    }
    return out;
  }

  /** The ownership record of a connection, created unowned on first sight. */
  private ownership(conn: string, index: number): Ownership {
    let o = this.owners.get(conn);
    if (o === undefined) this.owners.set(conn, (o = { owner: null, frozen: false, since: index }));
    return o;
  }

  /** A node takes the TCB: allowed when nobody owns it, the same node re-installs, or the owner exported it. */
  private install(o: Ownership, e: TcbEntry): void {
    if (o.owner !== null && o.owner !== e.node && !o.frozen) {
      this.fail(e, `${e.node} installs ${e.conn} ${at(e.index)} (${e.reason}) while ${o.owner} still owns it and has not exported it: two owners`);
    }
    if (o.routedTo !== undefined && this.xcfOf[e.node] !== o.routedTo) {
      this.fail(e, `${e.node} installs ${e.conn} ${at(e.index)} (${e.reason}) but the CRT routed its SYN to ${o.routedTo}: the client's segments go to another stack`);
    }
    Object.assign(o, { owner: e.node, frozen: false, since: e.index, routedTo: undefined });
  }

  /** Only the owner can freeze and hand over the TCB. */
  private export(o: Ownership, e: TcbEntry): void {
    if (o.owner !== e.node) {
      this.fail(e, `${e.node} exports ${e.conn} ${at(e.index)} (${e.reason}) but ${o.owner ?? 'nobody'} owns it: state handed over by a stack that does not hold the connection`);
      return;
    }
    o.frozen = true;
  }

  /** The owner lets go; a former owner detaching after a transfer (the new owner already installed) changes nothing. */
  private release(o: Ownership, e: TcbEntry): void {
    if (o.owner === e.node) Object.assign(o, { owner: null, frozen: false, since: e.index });
  }

  /** A row removed while a stack still owns the connection strands it, unless a backup stack is taking over the DVIPA. */
  private remove(e: CrtEntry, conn: string, owner: string | null): void {
    if (owner === null || /\btake(over|back)\b/i.test(e.reason ?? '')) return;
    this.fail(e, `CRT row ${conn} on ${e.node} removed ${at(e.index)} (reason: ${e.reason ?? 'none'}) while ${owner} still owns the connection: its segments have nowhere to go`);
  }

  /** Why a CRT row written now does not point at the current owner, or undefined when it does. */
  private misdirected(e: CrtEntry, o: Ownership | undefined): string | undefined {
    const conn = `${e.source}>${e.dest}`;
    if (o === undefined || o.owner === null) return `CRT ${e.action} ${at(e.index)} on ${e.node} points ${conn} at ${e.destXcf}, but no stack owns the connection`;
    const xcf = this.xcfOf[o.owner];
    if (xcf === undefined) return `CRT ${e.action} ${at(e.index)} on ${e.node}: the owner ${o.owner} has no XCF address in the checker's map`;
    if (xcf === e.destXcf) return undefined;
    return `CRT ${e.action} ${at(e.index)} on ${e.node} points ${conn} at ${e.destXcf}, but the owner is ${o.owner} (XCF ${xcf})`;
  }

  /** Records a break at the entry. */
  private fail(e: TraceEntry, detail: string): void {
    this.found.push({ index: e.index, detail });
  }
}
