/**
 * Connections lost because the stack that held them crashed. A stack that dies
 * takes its TCBs with it, and the client's connection then breaks (a RST from
 * the stack that now receives its segments, or silence): no invariant can hold
 * for it after that. The lab declares each such loss in the trace — a `tcb`
 * release by the crashed stack whose reason starts "lost: owned by crashed
 * <stack>" — and the checkers excuse what follows a loss only when it is
 * honest: the stack really crashed (a crash fault for it, with no restart in
 * between) before the declaration. A loss is withdrawn when another stack later
 * installs the connection (a transfer that was in flight at the crash landed).
 */
import type { TraceEntry } from '../core/trace';
import { at } from './types';
import type { Break, TraceView } from './types';

/** One connection the trace declares lost with its crashed owner. */
export interface DeclaredLoss {
  /** "client:port>dvipa:port". */
  readonly conn: string;
  /** The stack that crashed with it. */
  readonly stack: string;
  /** Index of the declaring release entry. */
  readonly index: number;
}

/** What the trace says about lost connections: honest losses by connection, and dishonest declarations. */
export interface Losses {
  readonly byConn: ReadonlyMap<string, DeclaredLoss>;
  /** Declarations naming a stack that had not crashed, or a release by another node than the one named. */
  readonly bogus: readonly Break[];
}

const LOST = /^lost: owned by crashed (\S+)/;

/** The stack a release entry declares its connection lost with, or null. */
export function lostWith(e: Extract<TraceEntry, { kind: 'tcb' }>): string | null {
  if (e.action !== 'release') return null;
  return LOST.exec(e.reason)?.[1] ?? null;
}

/** Collects the declared losses of a trace and judges each against the crash faults. */
export function declaredLosses(trace: TraceView): Losses {
  const down = new Set<string>();
  const byConn = new Map<string, DeclaredLoss>();
  const bogus: Break[] = [];
  for (const e of trace.events) {
    if (e.kind === 'fault') hostFault(e, down);
    else if (e.kind === 'tcb') tcbEntry(e, down, byConn, bogus);
  }
  return { byConn, bogus };
}

function hostFault(e: Extract<TraceEntry, { kind: 'fault' }>, down: Set<string>): void {
  if (!e.target.startsWith('host:')) return;
  const host = e.target.slice('host:'.length);
  if (e.fault === 'crash') down.add(host);
  else if (e.fault === 'restart') down.delete(host);
}

function tcbEntry(e: Extract<TraceEntry, { kind: 'tcb' }>, down: ReadonlySet<string>, byConn: Map<string, DeclaredLoss>, bogus: Break[]): void {
  if (e.action === 'install') {
    byConn.delete(e.conn); // the connection lives on elsewhere
    return;
  }
  const stack = lostWith(e);
  if (stack === null) return;
  if (stack !== e.node || !down.has(stack)) {
    bogus.push({ index: e.index, detail: `${e.node} declares ${e.conn} lost ${at(e.index)} with crashed ${stack}, but ${stack === e.node ? `${stack} has not crashed` : `the release is by ${e.node}`}: a loss excused without a crash` });
    return;
  }
  byConn.set(e.conn, { conn: e.conn, stack, index: e.index });
}
