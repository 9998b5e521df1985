/**
 * The scenario file export round-trips: loadScenarioText (what `npm run sim --
 * file.json` and the lab use) accepts the text, and running what it loads
 * reproduces the lab's run — same trace hash — with the lab's forks
 * (parameter overrides) carried along.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenarios/load';
import { forksToParams } from '../../share/forks';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { scenarioJson } from './scenario-json';

function labRun(scenario: string, seed: number, params: unknown = {}): LabRun {
  const result = runLab(scenario, seed, params);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

/** The trace hash of running what the file loads. */
function hashOfFile(text: string): string {
  const loaded = loadScenarioText(text);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value.scenario.run(loaded.value.params as never, loaded.value.seed).sim.trace.hash();
}

describe('scenarioJson', () => {
  it('writes the scenario, seed and title of a run, pretty-printed, and loads back to the same run', () => {
    const r = labRun('http-transfer', 7);
    const text = scenarioJson(r);
    expect(text).toBe(`{\n  "scenario": "http-transfer",\n  "seed": 7,\n  "title": ${JSON.stringify(r.title)}\n}\n`);
    expect(hashOfFile(text)).toBe(r.hash);
  });

  it('carries the lab’s forks as params, so the forked run replays', () => {
    const params = forksToParams('http-transfer', { faults: [], crash: { stack: 'SYS2', atUs: 20_000 }, refusing: [] });
    const forked = labRun('http-transfer', 1, params);
    expect(forked.hash).not.toBe(labRun('http-transfer', 1).hash);
    const text = scenarioJson({ scenario: forked.scenario, seed: forked.seed, title: forked.title, params });
    expect(JSON.parse(text)).toMatchObject({ params: { crash: { stack: 'SYS2', atUs: 20_000 } } });
    expect(hashOfFile(text)).toBe(forked.hash);
  });

  it('round-trips every built-in sysplex and TCP scenario used by the lab', () => {
    for (const id of ['smtp-transfer', 're-transfer', 'lossy-link', 'udp-echo']) {
      const r = labRun(id, 3);
      expect(hashOfFile(scenarioJson(r)), id).toBe(r.hash);
    }
  });
});
