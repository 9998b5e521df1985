// SYN-time distribution as z/OS ships it: the narration names the method's
// choice for each SYN, and the VDPT table shows the routing stack's own
// counters (Rdy, WLM weight, ActiveConn, flags) as they change.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';

test('WEIGHTEDACTIVE: each SYN’s choice is narrated and VDPT follows the routing stack’s reports', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('syn-weightedactive', 1);
  if (!lab.ok) throw new Error(lab.error);
  const choice = lab.run.events.find((e) => e.kind === 'app' && e.app === 'distributor');
  const lastVdpt = [...lab.run.events].reverse().find((e) => e.kind === 'app' && e.app === 'VDPT' && e.data?.stack === 'SYS3');
  if (!choice || !lastVdpt || lastVdpt.kind !== 'app') throw new Error('the scenario made no choice or no VDPT report');
  await page.goto(`./?scenario=syn-weightedactive&seed=1&step=${choice.index}`);
  await expect(page.getByTestId('narration')).toContainText('WEIGHTEDACTIVE');
  await page.goto(`./?scenario=syn-weightedactive&seed=1&step=${lastVdpt.index}`);
  const vdpt = page.locator('[data-table="vdpt"]');
  await expect(vdpt.getByRole('columnheader', { name: 'WLM' })).toBeVisible();
  await expect(vdpt.locator('tr[data-destxcf="10.9.0.3"]')).toHaveAttribute('data-active', String(lastVdpt.data?.activeConn));
  await expect(vdpt.locator('tr[data-destxcf="10.9.0.3"] td').nth(3)).toHaveText('20');
  await vdpt.screenshot({ path: testInfo.outputPath('vdpt.png') });
  expect(errors).toEqual([]);
});
