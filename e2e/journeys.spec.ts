// User journeys through the lab in Chromium, asserted through roles,
// accessible names and data attributes — never by waiting on animation: the
// timeline is stepped, not played, wherever a state is asserted.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';


const readout = (page: Page) => page.locator('.step-readout');

test('play to the first transfer: the CRT row shows the new DestXCF', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1');
  await page.keyboard.press('Shift+ArrowRight'); // next transfer step
  const lab = runLab('http-transfer', 1);
  if (!lab.ok) throw new Error(lab.error);
  const update = lab.run.events.find((e) => e.kind === 'crt' && e.action === 'update');
  if (!update || update.kind !== 'crt') throw new Error('no CRT update in the default scenario');
  for (let i = 0; i < 20 && (await readout(page).getAttribute('data-step')) !== String(update.index); i++) await page.keyboard.press('Shift+ArrowRight');
  await expect(readout(page)).toHaveAttribute('data-step', String(update.index));
  await expect(page.locator('table[data-table="vcrt"] tbody tr').first()).toHaveAttribute('data-destxcf', update.destXcf);
  await page.screenshot({ path: testInfo.outputPath('after-transfer.png') });
  expect(errors).toEqual([]);
});

test('clicking claim 16 goes to the step where a second target is tried', async ({ page }) => {
  await page.goto('./?scenario=reject-second-target&seed=1');
  await page.getByRole('button', { name: /^Claim 16:/ }).click();
  const lab = runLab('reject-second-target', 1);
  if (!lab.ok) throw new Error(lab.error);
  const first = lab.run.claimSteps.get(16)?.[0];
  await expect(readout(page)).toHaveAttribute('data-step', String(first));
  await expect(page.getByTestId('narration')).toContainText(/rejected|attempt 2/i);
});

test('a whole scenario can be run from the keyboard alone', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=all-reject&seed=1');
  await expect(readout(page)).toHaveAttribute('data-step', '-1'); // the run has arrived from the simulation worker
  await page.keyboard.press('End');
  const lab = runLab('all-reject', 1);
  if (!lab.ok) throw new Error(lab.error);
  await expect(readout(page)).toHaveAttribute('data-step', String(lab.run.events.length - 1));
  await page.keyboard.press('Home');
  await expect(readout(page)).toHaveAttribute('data-step', '-1');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
  // Tab to the Play button and start playing with the keyboard.
  await page.getByRole('button', { name: 'Play' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('no serious accessibility violations (axe-core)', async ({ page }) => {
  await page.goto('./?scenario=http-transfer&seed=1&step=100');
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});

test('the transfer message in the inspector carries the SND.NXT the routing stack had at freeze', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = runLab('http-transfer', 1);
  if (!lab.ok) throw new Error(lab.error);
  const sent = lab.run.events.find((e) => e.kind === 'transfer' && e.phase === 'message-sent');
  const freeze = lab.run.events.find((e) => e.kind === 'transfer' && e.phase === 'freeze');
  if (!sent || !freeze || freeze.kind !== 'transfer') throw new Error('no transfer in the default scenario');
  const sndNxt = /SND\.NXT (\d+)/.exec(freeze.detail ?? '')?.[1];
  await page.goto(`./?scenario=http-transfer&seed=1&step=${sent.index}`);
  const row = page.locator('table[data-table="transfer-diff"] tr[data-row="SND.NXT"]');
  await expect(row).toBeVisible();
  await expect(row.locator('td').first()).toHaveText(String(sndNxt));
  await expect(row.locator('td').nth(1)).toHaveText(String(sndNxt));
  expect(errors).toEqual([]);
});

test('dropping a client segment during the freeze forks the run, and the fork shows the retransmission', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = runLab('freeze-window', 1);
  if (!lab.ok) throw new Error(lab.error);
  const freeze = lab.run.events.find((e) => e.kind === 'transfer' && e.phase === 'freeze');
  const send = lab.run.events.find((e) => freeze && e.index > freeze.index && e.kind === 'packet-send' && e.node === 'client1');
  if (!freeze || !send) throw new Error('fixture: no client segment during the freeze');
  await page.goto(`./?scenario=freeze-window&seed=1&step=${send.index}`);
  const hashBefore = await page.getByTestId('trace-hash').getAttribute('data-trace-hash');
  await page.locator('summary', { hasText: 'Every event of the run' }).click();
  await page.locator(`tr[data-event-index="${send.index}"]`).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Drop this segment' }).click();
  await expect(page.locator('.fork-banner')).toContainText('forked');
  await expect(page.getByTestId('trace-hash')).not.toHaveAttribute('data-trace-hash', hashBefore ?? '');
  const row = page.locator(`tr[data-event-index]`, { hasText: /dropped on purpose/ });
  await expect(row).toHaveCount(1);
  const droppedAt = Number(await row.getAttribute('data-event-index'));
  expect(droppedAt).toBe(send.index); // the prefix before the fork is the same run
  const retransmits = page.locator('tr[data-kind="tcp"]', { hasText: /client1.*retransmit/ });
  expect(await retransmits.count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
