// The state-machine panel draws the sysplex's own machines (routing app,
// transfer, target app; routing stack, target stack, DVIPA status) from their
// XState definitions, highlighting the state the trace says each is in at the
// current step.
import { expect, test, type Page } from '@playwright/test';
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

// The stack machines (routing stack, DVIPA status) are drawn from their XState
// definitions too: in the takeover, stepping onto SYS1's crash moves its
// routing stack's highlight from distributing to down, and stepping on to
// XCF's notice moves SYS2's DVIPA status from backup to active.
test('the takeover’s crash shows on the routing stack and DVIPA status machines', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('takeover', 1);
  if (!lab.ok) throw new Error(lab.error);
  const change = (node: string, machine: string, to: string): number => {
    const e = lab.run.events.find((x) => x.kind === 'state-change' && x.node === node && x.machine === machine && x.to === to);
    if (!e) throw new Error(`${machine} on ${node} never reached ${to}`);
    return e.index;
  };
  const down = change('SYS1', 'routing-stack', 'down');
  const active = change('SYS2', 'vipa-status', 'active');
  const crash = lab.run.events.find((e) => e.kind === 'fault' && e.target === 'host:SYS1' && e.fault === 'crash');
  if (!crash || crash.index >= down || down >= active) throw new Error('the takeover no longer crashes SYS1 before SYS2 takes over');

  await page.goto(`./?scenario=takeover&seed=1&step=${crash.index - 1}`);
  const readout = page.locator('.step-readout');
  await expect(readout).toHaveAttribute('data-step', String(crash.index - 1));
  const panel = page.locator('.state-diagram');
  await panel.getByLabel('Machine').selectOption({ label: 'Routing stack SYS1' });
  await expect(panel.getByRole('img', { name: 'Routing stack SYS1 state diagram; current state distributing' })).toBeVisible();
  await expect(panel.getByTestId('tcp-state')).toHaveAttribute('data-node', 'SYS1');
  await expect(panel.locator('[data-state-box="distributing"]')).toHaveAttribute('data-current', 'true');

  await stepForward(page, down - (crash.index - 1));
  await expect(readout).toHaveAttribute('data-step', String(down));
  await expect(panel.getByRole('img', { name: 'Routing stack SYS1 state diagram; current state down' })).toBeVisible();
  await expect(panel.locator('[data-state-box="down"]')).toHaveAttribute('data-current', 'true');
  await expect(panel.locator('[data-state-box="distributing"]')).toHaveAttribute('data-current', 'false');
  await panel.screenshot({ path: testInfo.outputPath('routing-stack-down.png') });

  await panel.getByLabel('Machine').selectOption({ label: 'DVIPA status on SYS2' });
  await expect(panel.getByRole('img', { name: 'DVIPA status on SYS2 state diagram; current state backup' })).toBeVisible();
  await stepForward(page, active - down);
  await expect(readout).toHaveAttribute('data-step', String(active));
  await expect(panel.getByTestId('tcp-state')).toHaveText('active');
  await expect(panel.locator('[data-state-box="active"]')).toHaveAttribute('data-current', 'true');
  await expect(panel.locator('[data-state-box="backup"]')).toHaveAttribute('data-current', 'false');
  await panel.screenshot({ path: testInfo.outputPath('vipa-status-active.png') });
  expect(errors).toEqual([]);
});

/** Step forward n times with the keyboard, from the panel (the lab ignores keys typed into its select). */
async function stepForward(page: Page, n: number): Promise<void> {
  await page.locator('.state-diagram').focus();
  for (let i = 0; i < n; i++) await page.keyboard.press('ArrowRight');
}
