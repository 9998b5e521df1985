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
  readonly ok: boolean;
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
    ok: run.expectations.every((e) => e.ok),
  };
}
