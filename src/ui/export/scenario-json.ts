/**
 * A run as a scenario file (`{scenario, seed, params, title}`, the format of
 * src/scenarios/load.ts): `npm run sim -- file.json` and the lab load it back
 * and replay the same run. Pure.
 */

/** What a scenario file holds. A LabRun fits (its params are then the scenario's defaults). */
export interface ScenarioSource {
  readonly scenario: string;
  readonly seed: number;
  /** Overrides of the scenario's default parameters (the lab's forks); omitted or empty for the defaults. */
  readonly params?: unknown;
  readonly title?: string;
}

/** The scenario file text, pretty-printed, ending with a newline. */
export function scenarioJson(source: ScenarioSource): string {
  const params = source.params;
  const hasParams = typeof params === 'object' && params !== null && Object.keys(params).length > 0;
  const file = {
    scenario: source.scenario,
    seed: source.seed,
    ...(source.title === undefined ? {} : { title: source.title }),
    ...(hasParams ? { params } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
