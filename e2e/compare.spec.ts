// Comparison mode: the page runs the workload three ways in a worker and
// draws what the simulation measured; the numbers on the page are the ones
// Node computes for `npm run sim -- compare` with the same seed and clients.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { parseCompareParams, runCompare } from '../src/scenarios/compare';

test('comparison mode draws the three ways with the numbers Node computes', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const params = parseCompareParams({ clients: 30 });
  if (!params.ok) throw new Error(params.error);
  const report = runCompare(params.params, 5);
  await page.goto('./');
  await page.getByText('Comparison mode:').click();
  const form = page.getByRole('form', { name: 'Comparison settings' });
  await form.getByLabel('Seed').fill('5');
  await form.getByLabel('Clients').fill('30');
  await form.getByRole('button', { name: 'Run the comparison' }).click();
  await expect(page.locator('.compare-status')).toContainText('Done: seed 5, 30 clients', { timeout: 90_000 });
  for (const way of report.ways) {
    const row = page.locator(`[data-table="compare"] tr[data-way="${way.way}"]`);
    await expect(row).toContainText(way.run.traceHash);
    await expect(row).toContainText(`${way.requests.completed} / ${way.requests.issued}`);
    const bytes = way.routingStack.in.bytes + way.routingStack.out.bytes;
    await expect(page.locator(`[data-chart="routing-bytes"] g.bar[data-way="${way.way}"]`)).toHaveAttribute('data-value', String(bytes));
  }
  const byWay = Object.fromEntries(report.ways.map((w) => [w.way, w]));
  // The directions the comparison exists to show, on this seed.
  expect(byWay.handoff && byWay.proxy && byWay.handoff.routingStack.out.bytes < byWay.proxy.routingStack.out.bytes).toBe(true);
  await expect(page.locator('[data-chart="latency-cdf"] .cdf-line')).toHaveCount(3);
  await form.getByLabel('Clients').fill('5000');
  await form.getByRole('button', { name: 'Run the comparison' }).click();
  await expect(page.getByRole('alert')).toContainText('Clients must be a whole number from 1 to 1000');
  await page.locator('.compare-results').screenshot({ path: testInfo.outputPath('compare.png') });
  expect(errors).toEqual([]);
});
