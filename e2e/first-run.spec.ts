// The first journey: the lab page runs the UDP scenario in Chromium and shows
// its trace; the trace hash the page computed equals the one Node computes for
// the same seed, so the simulation is the same program in both places.
import { expect, test, type Page } from '@playwright/test';
import { runUdpEcho } from '../src/scenarios/udp-echo';
import { DEMO_FAULTS } from '../src/ui/run-view';

function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('the page computes the same trace hash as Node for the same seed', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./?seed=42&faults=1');
  const hash = page.getByTestId('trace-hash');
  await expect(hash).toHaveAttribute('data-trace-hash', /^[0-9a-f]{16}$/);
  const nodeHash = runUdpEcho({ seed: 42, requests: 5, faults: DEMO_FAULTS }).sim.trace.hash();
  await expect(hash).toHaveAttribute('data-trace-hash', nodeHash);
  await expect(page.getByRole('heading', { name: 'Handoff Lab' })).toBeVisible();
  await expect(page.getByRole('table')).toContainText('UDP');
  expect(errors).toEqual([]);
});

test('changing the seed re-runs the simulation', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./');
  const before = await page.getByTestId('trace-hash').getAttribute('data-trace-hash');
  await page.getByRole('checkbox', { name: /Lossy links/ }).check();
  await page.getByLabel('Seed').fill('7');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('seed')).toHaveText('7');
  const nodeHash = runUdpEcho({ seed: 7, requests: 5, faults: DEMO_FAULTS }).sim.trace.hash();
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', nodeHash);
  expect(nodeHash).not.toBe(before);
  expect(errors).toEqual([]);
});

test('a bad seed in the link or the form gives a clear message and the lab keeps running', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?seed=banana');
  await expect(page.getByRole('alert')).toContainText('is not an integer');
  await expect(page.getByTestId('seed')).toHaveText('1');
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', /^[0-9a-f]{16}$/);
  await page.getByLabel('Seed').fill('-3');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByText('Seed must be a whole number')).toBeVisible();
  await expect(page.getByTestId('seed')).toHaveText('1');
  await page.screenshot({ path: testInfo.outputPath('bad-seed.png'), fullPage: false });
  expect(errors).toEqual([]);
});
