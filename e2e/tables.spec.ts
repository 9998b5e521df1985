// Tables stay readable and cheap in a large run: at most MAX_TABLE_ROWS rows
// each (the TCP table keeps the most recently changed machines), with a line
// saying how many are not shown.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { encodeShare } from '../src/share/codec';
import { MAX_TABLE_ROWS } from '../src/ui/components/tables-panel';

test('a 100-client run caps its tables and says how many rows are left out', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const fragment = await encodeShare({ v: 1, scenario: 'http-transfer', seed: 1, params: { clients: 100 } });
  await page.goto(`./${fragment}`);
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '-1', { timeout: 90_000 });
  await page.keyboard.press('End');
  const tcpRows = page.locator('[data-table="tcp"] tbody tr');
  await expect(page.locator('.table-more').last()).toContainText(`Showing ${MAX_TABLE_ROWS} of`);
  expect(await tcpRows.count()).toBe(MAX_TABLE_ROWS);
  await page.keyboard.press('Home');
  await expect(tcpRows).toHaveCount(0);
  expect(errors).toEqual([]);
});
