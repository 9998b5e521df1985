// The first journeys: the lab opens on the default scenario, computes in
// Chromium the same trace hash Node computes for the same seed (one program in
// both places), steps exactly, and turns bad links into a clear message while
// still running the default scenario.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';


function nodeHash(scenario: string, seed: number): string {
  const r = runLab(scenario, seed);
  if (!r.ok) throw new Error(r.error);
  return r.run.hash;
}

test('the page computes the same trace hash as Node for the same scenario and seed', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=42');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', nodeHash('http-transfer', 42));
  await expect(page.getByRole('heading', { name: 'Handoff Lab' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('opens on the default scenario and changing seed or scenario re-runs it', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./');
  await expect(page.getByTestId('scenario')).toHaveText('HTTP transfer');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', nodeHash('http-transfer', 1));
  await page.getByLabel('Seed').fill('7');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('seed')).toHaveText('7');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', nodeHash('http-transfer', 7));
  await page.getByLabel('Scenario').selectOption('smtp-transfer');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', nodeHash('smtp-transfer', 7));
  expect(errors).toEqual([]);
});

test('stepping back three and forward three gives the identical view', async ({ page }) => {
  await page.goto('./?scenario=http-transfer&seed=1&step=120');
  const readout = page.locator('.step-readout');
  await expect(readout).toHaveAttribute('data-step', '120');
  const before = await page.locator('.tables').innerHTML();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  await expect(readout).toHaveAttribute('data-step', '117');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(readout).toHaveAttribute('data-step', '120');
  expect(await page.locator('.tables').innerHTML()).toBe(before);
});

test('a bad link gives a clear message and the default scenario still runs', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=nope&seed=banana');
  await expect(page.getByRole('alert').first()).toContainText('unknown scenario');
  await expect(page.getByRole('alert').first()).toContainText('is not an integer');
  await expect(page.getByTestId('seed')).toHaveText('1');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', /^[0-9a-f]{16}$/);
  await page.getByLabel('Seed').fill('-3');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByText('Seed must be a whole number')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('bad-link.png'), fullPage: false });
  expect(errors).toEqual([]);
});
