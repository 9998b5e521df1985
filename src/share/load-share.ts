/**
 * A share link as a scenario ready to run, in the shape scenario files and
 * built-in ids load to (src/scenarios/load.ts), for the CLI.
 */
import { findScenario } from '../scenarios/registry';
import type { LoadResult } from '../scenarios/load';
import { decodeShare } from './codec';

/** Decode a link and load its scenario; `seedOverride` (e.g. `--seed`) replaces the link’s seed. */
export async function loadShare(link: string, seedOverride?: number): Promise<LoadResult> {
  const decoded = await decodeShare(link);
  if (!decoded.ok) return decoded;
  const { doc } = decoded;
  const scenario = findScenario(doc.scenario);
  // decodeShare has checked both; a failure here would be a bug in it.
  if (!scenario) return { ok: false, error: `scenario: unknown scenario '${doc.scenario}'` };
  const parsed = scenario.parse(doc.params ?? {});
  if (!parsed.ok) return { ok: false, error: `params.${parsed.error}` };
  return { ok: true, value: { scenario, params: parsed.params, seed: seedOverride ?? doc.seed } };
}
