/**
 * The routing stack's tables, in IBM's terms. The connection routing table
 * (CRT, `netstat VCRT`) maps each connection to the stack that owns it — Dest
 * (DVIPA..port), Source (client..port), DestXCF; the destination port table
 * (DPT, `netstat VDPT`) counts, per target, TotalConn (ever routed there),
 * ActiveConn (open now) and Rdy (listening instances). Every change is traced.
 */
import type { Trace } from '../core/trace';
import { formatIpv4Address } from '../wire/ipv4-address';
import { connKey, type ConnId } from './control-messages';

/** One CRT row. */
export interface CrtRow {
  readonly conn: ConnId;
  /** Stack that owns the connection now. */
  owner: string;
  /** Set while a transfer is under way: arriving segments wait here (or are dropped). */
  frozen: { readonly held: unknown[] } | null;
}

/** One DPT row: a target app instance on a stack. */
export interface DptRow {
  readonly app: string;
  readonly stack: string;
  readonly xcf: number;
  readonly port: number;
  rdy: number;
  totalConn: number;
  activeConn: number;
}

// The trace writes addr:port; views render IBM's addr..port.
const dest = (c: ConnId): string => `${formatIpv4Address(c.dvipa)}:${c.port}`;
const source = (c: ConnId): string => `${formatIpv4Address(c.client)}:${c.clientPort}`;

/** The connection routing table of one routing stack. */
export class ConnectionRoutingTable {
  private readonly rows = new Map<string, CrtRow>();

  constructor(
    private readonly trace: Trace,
    private readonly node: string,
    private readonly xcfOf: (stack: string) => number,
  ) {}

  /** The row for a connection, if any. */
  get(conn: ConnId): CrtRow | undefined {
    return this.rows.get(connKey(conn));
  }

  /** All rows, in insertion order. */
  get all(): readonly CrtRow[] {
    return [...this.rows.values()];
  }

  /**
   * Add a row owned by `owner`. A `reason` marks a row added before its owner
   * holds the TCB: SYN-time distribution routes the SYN, then the target
   * completes the handshake (the one-owner checker allows that, by the reason).
   */
  add(conn: ConnId, owner: string, claims?: readonly number[], reason?: string): CrtRow {
    const row: CrtRow = { conn, owner, frozen: null };
    this.rows.set(connKey(conn), row);
    this.record('add', row, claims, reason);
    return row;
  }

  /** Point a row at a new owner (claim 26). */
  repoint(row: CrtRow, owner: string, claims: readonly number[]): void {
    row.owner = owner;
    this.record('update', row, claims);
  }

  /** Rows pointing at a stack. */
  ownedBy(stack: string): readonly CrtRow[] {
    return [...this.rows.values()].filter((r) => r.owner === stack);
  }

  /** Remove a row (its connection ended). */
  remove(conn: ConnId, reason: string): void {
    const row = this.rows.get(connKey(conn));
    if (!row) return;
    this.rows.delete(connKey(conn));
    this.record('remove', row, undefined, reason);
  }

  /**
   * Forget every row without tracing a removal: the stack crashed and its
   * table died with it (a checker learns that from the crash fault entry).
   */
  forget(): void {
    this.rows.clear();
  }

  private record(action: 'add' | 'update' | 'remove', row: CrtRow, claims?: readonly number[], reason?: string): void {
    const body = { kind: 'crt', node: this.node, action, dest: dest(row.conn), source: source(row.conn), destXcf: formatIpv4Address(this.xcfOf(row.owner)) } as const;
    this.trace.record(reason === undefined ? body : { ...body, reason }, claims);
  }
}
