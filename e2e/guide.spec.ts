// The first-time visitor's path: a welcome line, the "start here" tour that
// moves the timeline to each claim's first step and outlines the view to look
// at, and the gallery of built-in scenarios as cards.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { BUILT_IN_SCENARIOS } from '../src/scenarios/registry';
import { runLab } from '../src/ui/viewmodel/lab-run';

test('a first visit offers the tour; its stops land on the claims’ first steps and outline the view', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('http-transfer', 1);
  if (!lab.ok) throw new Error(lab.error);
  const firstStep = (claim: number) => String(lab.run.claimSteps.get(claim)?.[0]);
  await page.goto('./?scenario=zero-window&seed=5');
  await expect(page.getByRole('note')).toContainText('New here?');
  await page.getByRole('button', { name: 'Start here' }).click();
  const tour = page.getByRole('region', { name: 'One address, several servers' });
  await expect(tour).toContainText('Tour · 1 of 7');
  await expect(page.getByTestId('scenario')).toHaveText('HTTP transfer');
  await expect(page.locator('.topology-panel')).toHaveClass(/tour-focus/);
  const readout = page.locator('.step-readout');
  await page.getByRole('button', { name: 'Next stop' }).click();
  await expect(readout).toHaveAttribute('data-step', firstStep(21));
  await expect(page.locator('.ladder-panel')).toHaveClass(/tour-focus/);
  await expect(page.locator('.topology-panel')).not.toHaveClass(/tour-focus/);
  await page.getByRole('button', { name: 'Next stop' }).click();
  await page.getByRole('button', { name: 'Next stop' }).click();
  await expect(page.locator('[data-tour-stop]')).toHaveAttribute('data-tour-stop', '3');
  await expect(readout).toHaveAttribute('data-step', firstStep(2));
  await page.getByRole('button', { name: 'Next stop' }).click();
  await expect(readout).toHaveAttribute('data-step', firstStep(26));
  await expect(page.locator('.tables')).toHaveClass(/tour-focus/);
  await page.screenshot({ path: testInfo.outputPath('tour-crt.png') });
  await page.getByRole('button', { name: 'Previous stop' }).click();
  await expect(readout).toHaveAttribute('data-step', firstStep(2));
  await page.getByRole('button', { name: 'End tour' }).click();
  await expect(page.locator('[data-tour-stop]')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start here' })).toBeVisible();
  await expect(page.getByText('New here?')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the gallery shows every lesson as a card with its claims and opens one', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./');
  await page.getByRole('button', { name: 'Scenario gallery' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scenario gallery' });
  const lessons = BUILT_IN_SCENARIOS.filter((s) => !s.id.includes('swarm'));
  await expect(dialog.locator('.card')).toHaveCount(lessons.length);
  const smtp = dialog.locator('.card[data-scenario="smtp-transfer"]');
  for (const claim of lessons.find((s) => s.id === 'smtp-transfer')?.claims ?? []) await expect(smtp.locator('.claim-tag', { hasText: new RegExp(`^${claim}$`) })).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('gallery.png') });
  await dialog.getByRole('button', { name: 'Open Zero window' }).click();
  await expect(dialog).toBeHidden();
  const zero = runLab('zero-window', 1);
  if (!zero.ok) throw new Error(zero.error);
  await expect(page.getByTestId('scenario')).toHaveText(zero.run.title);
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', zero.run.hash);
  expect(errors).toEqual([]);
});
