// The state-machine panel draws the sysplex's own machines (routing app,
// transfer, target app) from their XState definitions, highlighting the state
// the trace says each is in at the current step.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';

test('the routing app, transfer and target app machines show their state at each step', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('http-transfer', 1);
  if (!lab.ok) throw new Error(lab.error);
  const committed = lab.run.events.find((e) => e.kind === 'state-change' && e.machine.startsWith('transfer ') && e.to === 'committed');
  if (!committed) throw new Error('the transfer never committed');
  await page.goto(`./?scenario=http-transfer&seed=1&step=${committed.index}`);
  const panel = page.locator('.state-diagram');
  const pick = panel.getByLabel('Machine');
  for (const [kind, state] of [['transfer', 'committed'], ['routing-app', 'transferring'], ['target-app', 'serving']] as const) {
    await pick.selectOption(kind);
    await expect(panel.getByTestId('tcp-state')).toHaveText(state);
    await expect(panel.locator(`[data-state-box="${state}"]`)).toHaveAttribute('data-current', 'true');
  }
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await pick.selectOption('routing-app');
  await expect(panel.getByTestId('tcp-state')).toHaveText('handedOff');
  await panel.screenshot({ path: testInfo.outputPath('machines.png') });
  expect(errors).toEqual([]);
});
