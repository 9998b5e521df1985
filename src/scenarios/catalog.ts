/**
 * What the page needs to know about the built-in scenarios before any of
 * them runs — id, title, what it teaches, its claims — without their code,
 * which loads with the simulation worker. The list comes from the registry
 * at build time (the `virtual:scenario-catalog` module, vite.config.ts), so it
 * cannot drift from it.
 */
import { SCENARIO_CATALOG } from 'virtual:scenario-catalog';

/** One built-in scenario, in words. */
export interface ScenarioInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly claims: readonly number[];
}

export { SCENARIO_CATALOG };

/** The scenario with this id, or undefined. */
export function scenarioInfo(id: string): ScenarioInfo | undefined {
  return SCENARIO_CATALOG.find((s) => s.id === id);
}

/** Scenarios a person picks from (the swarms are test workloads, not lessons). */
export const LESSONS: readonly ScenarioInfo[] = SCENARIO_CATALOG.filter((s) => !s.id.includes('swarm'));
