// DVIPA takeover and takeback: SYS1 (the routing stack) crashes, SYS2 (its
// backup) takes the DVIPA, the connection already moved to WEB3 keeps working
// through SYS2; SYS1 returns and takes the DVIPA back while SYS2 goes Moving,
// then Backup. The VIPADYN table follows each status, the loss of the
// connection SYS1 itself held is named, and the invariant chips stay green.
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';

const row = (page: Page, stack: string) => page.locator(`[data-table="vipadyn"] tr[data-stack="${stack}"]`);

test('takeover then takeback: VIPADYN follows, transferred connections survive, losses are named', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('takeback', 1);
  if (!lab.ok) throw new Error(lab.error);
  const statusSteps = lab.run.events.flatMap((e) => (e.kind === 'app' && e.app === 'VIPADYN' && typeof e.data?.stack === 'string' ? [{ index: e.index, stack: e.data.stack, status: String(e.data.status) }] : []));
  const seen = new Set(statusSteps.map((s) => `${s.stack}:${s.status}`));
  for (const expected of ['SYS1:Active', 'SYS2:Backup', 'SYS1:Down', 'SYS2:Active', 'SYS2:Moving']) expect(seen.has(expected), expected).toBe(true);

  for (const s of statusSteps) {
    await page.goto(`./?scenario=takeback&seed=1&step=${s.index}`);
    await expect(row(page, s.stack)).toHaveAttribute('data-status', s.status);
  }
  const loss = lab.run.events.find((e) => e.kind === 'tcb' && e.action === 'release' && /lost: owned by crashed SYS1/.test(JSON.stringify(e)));
  if (!loss) throw new Error('no connection was declared lost');
  await page.goto(`./?scenario=takeback&seed=1&step=${loss.index}`);
  await expect(page.getByTestId('narration')).toContainText('SYS1');
  const last = lab.run.events.length - 1;
  await page.goto(`./?scenario=takeback&seed=1&step=${last}`);
  for (const name of ['transparency', 'exactly-once', 'one-owner']) await expect(page.getByRole('button', { name: new RegExp(`^${name}: holds`) })).toBeVisible();
  await expect(row(page, 'SYS1')).toHaveAttribute('data-status', 'Active');
  await page.locator('.tables').screenshot({ path: testInfo.outputPath('vipadyn.png') });
  expect(errors).toEqual([]);
});
