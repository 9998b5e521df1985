/**
 * The lab's state after step n, folded from the trace: TCP states of every
 * connection, each routing stack's CRT rows, which stack owns each connection,
 * the DPT counters, and the transfer steps so far. Stepping back is exact
 * because the state at n is always recomputed from the trace — from the
 * nearest checkpoint (every CHECKPOINT_EVERY steps), or from the last state
 * asked for when that lies between it and n — never undone by hand.
 */
import type { TraceEntry } from '../../sim/core/trace';

/** A CRT row as `netstat VCRT` shows it. */
export interface CrtRowView {
  readonly stack: string;
  readonly dest: string;
  readonly source: string;
  readonly destXcf: string;
}

/** One connection's state machine on one node. */
export interface TcpView {
  readonly node: string;
  readonly machine: string;
  readonly state: string;
  /** Index of the step that put it there. */
  readonly since: number;
}

/**
 * DPT counters for one target stack: from the routing stack's own VDPT
 * reports when it makes them (SYN-time distribution reports Rdy, weights and
 * flags), else counted from CRT changes (the patent's transfers).
 */
export interface DptView {
  readonly destXcf: string;
  totalConn: number;
  activeConn: number;
  /** Set once the routing stack reported this row: then its reports are the counters. */
  reported?: { readonly rdy: number; readonly weight: number | null; readonly flags: string };
}

/** A stack's line of `netstat VIPADYN`, as its last report gave it. */
export interface VipadynView {
  readonly stack: string;
  readonly dvipa: string;
  readonly status: string;
  readonly origin: string;
  readonly distStat: string;
  readonly rank: number | null;
  readonly since: number;
}

/** State after a step. */
export interface StateAt {
  /** The sysplex's other machines (routing app, transfer, target app) by `node machine`, as TcpView. */
  readonly machines: ReadonlyMap<string, TcpView>;
  readonly vipadyn: ReadonlyMap<string, VipadynView>;
  readonly index: number;
  readonly time: number;
  readonly tcp: ReadonlyMap<string, TcpView>;
  readonly crt: ReadonlyMap<string, CrtRowView>;
  readonly owners: ReadonlyMap<string, string>;
  readonly dpt: ReadonlyMap<string, DptView>;
  /** The latest transfer step, if any. */
  readonly lastTransfer: Extract<TraceEntry, { kind: 'transfer' }> | null;
}

interface Mutable {
  machines: Map<string, TcpView>;
  vipadyn: Map<string, VipadynView>;
  index: number;
  time: number;
  tcp: Map<string, TcpView>;
  crt: Map<string, CrtRowView>;
  owners: Map<string, string>;
  dpt: Map<string, DptView>;
  lastTransfer: Extract<TraceEntry, { kind: 'transfer' }> | null;
}

/** Steps between stored checkpoints. */
export const CHECKPOINT_EVERY = 512;

function empty(): Mutable {
  return { machines: new Map(), vipadyn: new Map(), index: -1, time: 0, tcp: new Map(), crt: new Map(), owners: new Map(), dpt: new Map(), lastTransfer: null };
}

type MapKey = 'machines' | 'vipadyn' | 'tcp' | 'crt' | 'owners' | 'dpt';

/**
 * A state being folded from a state already handed out (a checkpoint or an earlier answer), which must
 * not change: each map is copied before the fold first changes it, and the others stay shared. A step
 * that changes no table then allocates nothing, and a view can tell an unchanged table by identity.
 */
class Draft {
  readonly s: Mutable;
  private readonly copied = new Set<MapKey>();

  constructor(from: Mutable) {
    this.s = { ...from };
  }

  /** The map under `key`, this draft's own copy (the DPT rows are changed in place, so they are copied too). */
  own<K extends MapKey>(key: K): Mutable[K] {
    if (!this.copied.has(key)) {
      this.copied.add(key);
      const m: Map<string, unknown> = this.s[key];
      this.s[key] = (key === 'dpt' ? new Map([...this.s.dpt].map(([k, v]) => [k, { ...v }])) : new Map(m)) as Mutable[K];
    }
    return this.s[key];
  }
}

function apply(d: Draft, e: TraceEntry): void {
  d.s.index = e.index;
  d.s.time = e.time;
  switch (e.kind) {
    case 'state-change':
      d.own(e.machine.startsWith('tcp ') ? 'tcp' : 'machines').set(`${e.node} ${e.machine}`, { node: e.node, machine: e.machine, state: e.to, since: e.index });
      return;
    case 'crt':
      applyCrt(d.own('crt'), d.own('dpt'), e);
      return;
    case 'tcb':
      if (e.action === 'install') d.own('owners').set(e.conn, e.node);
      else if (e.action === 'release' && d.s.owners.get(e.conn) === e.node) d.own('owners').delete(e.conn);
      return;
    case 'transfer':
      d.s.lastTransfer = e;
      return;
    case 'app':
      if (e.app === 'VDPT' && e.data) applyVdpt(d.own('dpt'), e.data);
      else if (e.app === 'VIPADYN' && e.data) applyVipadyn(d.own('vipadyn'), e.data, e.index);
      return;
    default:
      return;
  }
}

/** A stack's VIPADYN status line (DVIPA takeover and takeback). */
function applyVipadyn(vipadyn: Map<string, VipadynView>, d: Readonly<Record<string, string | number | boolean>>, index: number): void {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (typeof d.stack !== 'string') return;
  vipadyn.set(d.stack, { stack: d.stack, dvipa: text(d.dvipa), status: text(d.status), origin: text(d.origin), distStat: text(d.distStat), rank: typeof d.rank === 'number' ? d.rank : null, since: index });
}

/** A VDPT row the routing stack reported: the numbers are its own. */
function applyVdpt(dpt: Map<string, DptView>, d: Readonly<Record<string, string | number | boolean>>): void {
  if (typeof d.destXcf !== 'string') return;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  dpt.set(d.destXcf, {
    destXcf: d.destXcf,
    totalConn: num(d.totalConn),
    activeConn: num(d.activeConn),
    reported: { rdy: num(d.rdy), weight: typeof d.weight === 'number' ? d.weight : null, flags: typeof d.flags === 'string' ? d.flags : '' },
  });
}

function applyCrt(crt: Map<string, CrtRowView>, dpt: Map<string, DptView>, e: Extract<TraceEntry, { kind: 'crt' }>): void {
  const key = `${e.node} ${e.source} ${e.dest}`;
  const previous = crt.get(key);
  // A reported row is the routing stack's own count; counting CRT changes as well would count twice.
  const ignored: DptView = { destXcf: '', totalConn: 0, activeConn: 0 };
  const counter = (xcf: string): DptView => {
    let row = dpt.get(xcf);
    if (!row) dpt.set(xcf, (row = { destXcf: xcf, totalConn: 0, activeConn: 0 }));
    return row.reported ? ignored : row;
  };
  if (e.action === 'remove') {
    crt.delete(key);
    const c = counter(e.destXcf);
    c.activeConn = Math.max(0, c.activeConn - 1);
    return;
  }
  if (previous) {
    const old = counter(previous.destXcf);
    old.activeConn = Math.max(0, old.activeConn - 1);
  }
  const c = counter(e.destXcf);
  c.totalConn++;
  c.activeConn++;
  crt.set(key, { stack: e.node, dest: e.dest, source: e.source, destXcf: e.destXcf });
}

/**
 * Folds a trace into states at any step, with checkpoints for fast seeking. States are never changed
 * once made, and share the tables they did not change with the state they were folded from.
 */
export class StateFolder {
  private readonly checkpoints: Mutable[] = [];
  /** The last answer: the next step forward folds one event onto it instead of up to a checkpoint's worth. */
  private last: Mutable;

  constructor(private readonly events: readonly TraceEntry[]) {
    const start = empty();
    this.checkpoints.push(start);
    let d = new Draft(start);
    for (const e of events) {
      apply(d, e);
      if ((e.index + 1) % CHECKPOINT_EVERY === 0) {
        this.checkpoints.push(d.s);
        d = new Draft(d.s);
      }
    }
    this.last = start;
  }

  /** The state after step `index` (−1: before the first step). */
  at(index: number): StateAt {
    const n = Math.max(-1, Math.min(index, this.events.length - 1));
    const base = this.checkpoints[Math.floor((n + 1) / CHECKPOINT_EVERY)] ?? this.checkpoints[0] ?? empty();
    // Fold from the last answer when it lies between the checkpoint and the step (a step forward).
    const from = this.last.index <= n && this.last.index > base.index ? this.last : base;
    if (from.index === n) return (this.last = from);
    const d = new Draft(from);
    for (let i = from.index + 1; i <= n; i++) {
      const e = this.events[i];
      if (e) apply(d, e);
    }
    this.last = d.s;
    return d.s;
  }
}
