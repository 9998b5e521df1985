// The Stevens time-sequence graph: for the lossy link, the server → client
// data shows retransmissions, drawn apart (colour, width and an R mark),
// and the graph marks the current step.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { timeSequence, tsgConnections } from '../src/ui/tsg/time-sequence';
import { runLab } from '../src/ui/viewmodel/lab-run';

test('the time-sequence graph of a lossy transfer shows its retransmissions', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  const lab = runLab('lossy-link', 3);
  if (!lab.ok) throw new Error(lab.error);
  const conn = tsgConnections(lab.run)[0];
  if (!conn) throw new Error('no connection');
  const model = timeSequence(lab.run, conn.key, 'to-client');
  await page.goto('./?scenario=lossy-link&seed=3&step=400');
  await page.getByText('Time-sequence graph').click();
  const svg = page.locator('.tsg svg');
  await expect(svg).toHaveAttribute('data-segments', String(model.data.length));
  const retransmitted = model.data.filter((d) => d.retransmission).length;
  await expect(svg).toHaveAttribute('data-retransmissions', String(retransmitted));
  await expect(svg.locator('.tsg-retransmission')).toHaveCount(retransmitted);
  await expect(svg.locator('.tsg-now')).toHaveCount(1);
  await page.getByLabel('Data', { exact: true }).selectOption('to-server');
  await expect(svg).toHaveAttribute('data-segments', String(timeSequence(lab.run, conn.key, 'to-server').data.length));
  await page.getByLabel('Data', { exact: true }).selectOption('to-client');
  await svg.screenshot({ path: testInfo.outputPath('tsg.png') });
  expect(errors).toEqual([]);
});
