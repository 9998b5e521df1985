/**
 * The machine-readable summary of a run, as `npm run sim -- … --json` prints
 * it: identity (scenario, seed, trace hash), size, per-connection outcome and
 * the scenario's expectations.
 */
import type { ScenarioRun } from './types';

/** Outcome of one connection. */
export interface ConnectionSummary {
  readonly role: string;
  readonly node: string;
  readonly name: string;
  readonly finalState: string;
  readonly closeReason: string | null;
  readonly appBytesSent: number;
  readonly appBytesReceived: number;
  readonly segmentsSent: number;
  readonly segmentsReceived: number;
  readonly retransmissions: number;
}

/** The summary object. */
export interface RunSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly events: number;
  readonly packets: number;
  readonly simTimeUs: number;
  readonly connections: readonly ConnectionSummary[];
  readonly expectations: Readonly<Record<string, { ok: boolean; detail: string }>>;
  /** Patent claims the run demonstrated: every claim number some trace event carries. */
  readonly claims: readonly number[];
  /** Invariant → pass/fail and the first failing event index. */
  readonly invariants: Readonly<Record<string, { ok: boolean; firstFailingIndex: number | null; detail: string }>>;
  /** Per connection (client 4-tuple), its transfers: from, to, accepted or rejected, and why. */
  readonly transfers: Readonly<Record<string, readonly { from: string; to: string; outcome: 'accepted' | 'rejected' | 'aborted'; reason: string }[]>>;
  readonly ok: boolean;
}

function claimsOf(run: ScenarioRun): number[] {
  const seen = new Set<number>();
  for (const e of run.sim.trace.events) for (const c of e.claims ?? []) seen.add(c);
  return [...seen].sort((a, b) => a - b);
}

function transfersOf(run: ScenarioRun): RunSummary['transfers'] {
  const out: Record<string, { from: string; to: string; outcome: 'accepted' | 'rejected' | 'aborted'; reason: string }[]> = {};
  for (const e of run.sim.trace.events) {
    if (e.kind !== 'transfer' || (e.phase !== 'committed' && e.phase !== 'rejected' && e.phase !== 'aborted')) continue;
    if (e.phase === 'rejected' && e.to !== e.node && e.from !== e.node) continue;
    if (e.phase === 'rejected' && e.node !== e.from) continue; // the routing stack's record only
    const outcome = e.phase === 'committed' ? 'accepted' : e.phase;
    (out[e.conn] ??= []).push({ from: e.from, to: e.to, outcome, reason: e.detail ?? '' });
  }
  return out;
}

/** Summarise a finished run. */
export function summarize(scenario: string, seed: number, run: ScenarioRun): RunSummary {
  const { sim } = run;
  const expectations: Record<string, { ok: boolean; detail: string }> = {};
  for (const e of run.expectations) expectations[e.name] = { ok: e.ok, detail: e.detail };
  return {
    scenario,
    seed,
    traceHash: sim.trace.hash(),
    events: sim.trace.length,
    packets: sim.trace.packetCount,
    simTimeUs: sim.now,
    connections: run.connections.map(({ role, node, connection: c }) => ({
      role,
      node,
      name: c.name,
      finalState: c.tcb.state,
      closeReason: c.closeReason,
      appBytesSent: c.tcb.stats.bytesQueued,
      appBytesReceived: c.tcb.stats.bytesDelivered,
      segmentsSent: c.tcb.stats.segmentsSent,
      segmentsReceived: c.tcb.stats.segmentsReceived,
      retransmissions: c.tcb.stats.retransmissions,
    })),
    expectations,
    claims: claimsOf(run),
    invariants: Object.fromEntries((run.invariants ?? []).map((c) => [c.name, { ok: c.ok, firstFailingIndex: c.firstFailingIndex, detail: c.detail }])),
    transfers: transfersOf(run),
    ok: run.expectations.every((e) => e.ok),
  };
}
