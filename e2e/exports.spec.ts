// Exports, checked by their own tools: after forking the run, every file the
// Export menu saves is caught as a download; tshark reads the pcap, the SVG
// parses as XML and renders as an image in Chromium, the PNG is a PNG, the
// Mermaid text is a sequence diagram, and the scenario file replays the same
// trace hash (fork included) through the loader the CLI uses.
import { copyFileSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { loadScenarioText } from '../src/scenarios/load';
import { tsharkFrameCount, tsharkProblems } from '../src/sim/test/tshark';
import { runLab } from '../src/ui/viewmodel/lab-run';

async function saveVia(page: Page, button: string): Promise<{ name: string; path: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const d = await download;
  const path = await d.path();
  return { name: d.suggestedFilename(), path };
}

test('every export of a forked run opens in the tool it is for', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1&step=60');
  const lab = runLab('http-transfer', 1);
  if (!lab.ok) throw new Error(lab.error);
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', lab.run.hash);
  // Fork the run: crash SYS2 (WEB2's stack) at this step, from the topology's menu.
  await page.locator('[data-node="SYS2"]').first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Crash SYS2 now' }).click();
  await expect(page.getByTestId('trace-hash')).not.toHaveAttribute('data-trace-hash', lab.run.hash);
  const after = await page.getByTestId('trace-hash').getAttribute('data-trace-hash');

  await page.getByText('Export', { exact: true }).click();
  const status = page.locator('.export-status');

  const pcap = await saveVia(page, 'Save capture (pcap)');
  expect(pcap.name).toMatch(/^http-transfer-seed1-.+\.pcap$/);
  expect(tsharkProblems(pcap.path)).toEqual([]);
  expect(tsharkFrameCount(pcap.path)).toBeGreaterThan(0);

  const svg = await saveVia(page, 'Ladder as SVG');
  expect(svg.name).toBe('http-transfer-seed1-ladder-step60.svg');
  const svgText = readFileSync(svg.path, 'utf8');
  // Styles travel as presentation attributes: the page's CSP would block a <style> or style="" in an SVG drawn from a blob.
  expect(svgText).not.toMatch(/<style|\sstyle="/);
  expect(svgText).toMatch(/class="shaft"[^>]*stroke="#/);
  const rendered = await page.evaluate(async (text) => {
    const xml = new DOMParser().parseFromString(text, 'image/svg+xml');
    const parseError = xml.getElementsByTagName('parsererror').length;
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    await img.decode();
    return { parseError, root: xml.documentElement.nodeName, width: img.naturalWidth, height: img.naturalHeight };
  }, svgText);
  expect(rendered).toMatchObject({ parseError: 0, root: 'svg' });
  expect(rendered.width).toBeGreaterThan(300);
  expect(rendered.height).toBeGreaterThan(300);

  const png = await saveVia(page, 'Ladder as PNG');
  copyFileSync(png.path, testInfo.outputPath('ladder.png'));
  expect([...readFileSync(png.path).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  const mermaid = await saveVia(page, 'Ladder as Mermaid');
  expect(readFileSync(mermaid.path, 'utf8')).toMatch(/^(---[\s\S]*?---\n)?sequenceDiagram\n/);

  const scenario = await saveVia(page, 'Scenario as JSON');
  const loaded = loadScenarioText(readFileSync(scenario.path, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.error);
  const replay = runLab(loaded.value.scenario.id, loaded.value.seed, loaded.value.params);
  if (!replay.ok) throw new Error(replay.error);
  expect(replay.run.hash).toBe(after);

  const log = await saveVia(page, 'Event log as text');
  const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n');
  const events = await page.getByTestId('event-count').textContent();
  expect(lines.length).toBe(Number(events) + 1);
  await expect(status).toContainText('Saved the event log');
  await page.screenshot({ path: testInfo.outputPath('exports.png') });
  expect(errors).toEqual([]);
});
