// Teaching modes: presenter mode (large type, high contrast, clicker keys,
// no editor) passes the same accessibility check as the lab; embed mode runs
// inside an iframe from the snippet the "Embed…" dialog gives, and is driven
// by keyboard there.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';

test('presenter mode: clicker keys step, `.` blanks, no editor, no serious axe violations', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1&presenter=1');
  await expect(page.locator('main')).toHaveAttribute('data-mode', 'presenter');
  await expect(page.getByLabel('Scenario')).toHaveCount(0);
  const readout = page.locator('.step-readout');
  await expect(readout).toHaveAttribute('data-step', '-1'); // the run has arrived from the simulation worker
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
  await expect(readout).toHaveAttribute('data-step', '2');
  await page.keyboard.press('PageUp');
  await expect(readout).toHaveAttribute('data-step', '1');
  await page.keyboard.press('.');
  await expect(page.getByRole('status').filter({ hasText: 'Screen blanked' })).toBeVisible();
  await page.keyboard.press('.');
  await expect(page.getByText('Screen blanked')).toHaveCount(0);
  for (let i = 0; i < 40; i++) await page.keyboard.press('PageDown');
  await expect(readout).toHaveAttribute('data-step', '41');
  await page.screenshot({ path: testInfo.outputPath('presenter.png') });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await page.getByRole('button', { name: 'Leave presenter mode' }).click();
  await expect(page.locator('main')).toHaveAttribute('data-mode', 'lab');
  await expect(page.getByLabel('Scenario')).toBeVisible();
  expect(errors).toEqual([]);
});

test('embed mode: the Embed snippet runs the lab inside an iframe, driven by keyboard', async ({ page, browser }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=smtp-transfer&seed=3&step=10');
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '10');
  await page.getByRole('button', { name: 'Embed…' }).click();
  await expect(page.getByLabel('Snippet')).toHaveValue(/#v1\./);
  const snippet = await page.getByLabel('Snippet').inputValue();
  expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:4173\/\?embed=1#v1\.[A-Za-z0-9_-]+" title="Handoff Lab: SMTP transfer with envelope"/);

  const host = await browser.newPage();
  const hostErrors = watchConsole(host);
  await host.setContent(`<!doctype html><title>A course page</title><h1>Week 3</h1>${snippet}`);
  const frame = host.frameLocator('iframe');
  await expect(frame.locator('main')).toHaveAttribute('data-mode', 'embed');
  await expect(frame.getByLabel('Scenario')).toHaveCount(0);
  const readout = frame.locator('.step-readout');
  await expect(readout).toHaveAttribute('data-step', '10');
  await frame.getByRole('heading', { name: 'Handoff Lab' }).click();
  await host.keyboard.press('ArrowRight');
  await host.keyboard.press('ArrowRight');
  await expect(readout).toHaveAttribute('data-step', '12');
  await host.keyboard.press('Shift+ArrowRight');
  const atTransfer = Number(await readout.getAttribute('data-step'));
  expect(atTransfer).toBeGreaterThan(12);
  await host.keyboard.press('Home');
  await expect(readout).toHaveAttribute('data-step', '-1');
  await expect(frame.getByRole('link', { name: 'Open in Handoff Lab ↗' })).toHaveAttribute('href', /^http:\/\/127\.0\.0\.1:4173\/#v1\./);
  await host.screenshot({ path: testInfo.outputPath('embed.png') });
  expect(hostErrors).toEqual([]);
  expect(errors).toEqual([]);
  await host.close();
});
