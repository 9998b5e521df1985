/**
 * Which schema the editor draws for a scenario: the sysplex scenarios share
 * one, the client–server TCP scenarios another. A scenario with neither (the
 * UDP echo) is edited as JSON, still validated by the scenario's own parse.
 */
import type * as v from 'valibot';
import { TcpScenarioSchema } from '../../scenarios/params';
import { SysplexParamsSchema } from '../../scenarios/sysplex-params';
import type { AnyScenario } from '../../scenarios/types';

/** The schema of the scenario's parameters, or null when the editor only offers JSON. */
export function editorSchema(def: AnyScenario): v.GenericSchema | null {
  const defaults = def.defaults as Record<string, unknown> | null;
  if (defaults && 'stacks' in defaults && 'targets' in defaults) return SysplexParamsSchema;
  if (defaults && 'requestBytes' in defaults && 'serverLink' in defaults) return TcpScenarioSchema;
  return null;
}

/** The scenario's parameters with defaults filled in, for the overrides given; null if they do not parse. */
export function effectiveParams(def: AnyScenario, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  const r = def.parse(overrides);
  return r.ok && typeof r.params === 'object' && r.params !== null ? (r.params as Record<string, unknown>) : null;
}
