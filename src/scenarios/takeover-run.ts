/**
 * The takeover parameters of a sysplex scenario turned into what the run
 * needs: the backup's configuration for buildSysplex, and the scheduled
 * crashes and restart. Kept apart from sysplex-scenarios.ts so the scenarios
 * and the takeover swarm share it without an import cycle.
 */
import type { Simulation } from '../sim/core/simulation';
import type { Sysplex } from '../machines/sysplex/sysplex';
import type { TakeoverConfig } from '../machines/sysplex/takeover';
import { DEFAULT_XCF_DETECTION_US, type SysplexParams } from './sysplex-params';

/** The backup's settings for buildSysplex (backup null: XCF monitoring only), or nothing when neither is asked for. */
export function takeoverConfig(p: SysplexParams): { takeover: TakeoverConfig } | Record<string, never> {
  if (!p.backup && p.xcfDetectionUs === undefined) return {};
  const backup = p.backup ? { backup: p.backup.stack, rank: p.backup.rank } : { backup: null, rank: 0 };
  return { takeover: { ...backup, detectionUs: p.xcfDetectionUs ?? DEFAULT_XCF_DETECTION_US, routerConvergenceUs: p.routerConvergenceUs ?? 0 } };
}

/** Schedule `crashes` (beyond `crash`, which the run schedules itself) and the restart. */
export function scheduleTakeoverFaults(sim: Simulation, sysplex: Sysplex, p: SysplexParams): void {
  for (const c of p.crashes ?? []) sim.scheduler.at(c.atUs, () => sysplex.net.stacks.find((h) => h.name === c.stack)?.crash());
  const restart = p.restart;
  if (restart) sim.scheduler.at(restart.atUs, () => sysplex.takeover?.restart(restart.stack));
}
