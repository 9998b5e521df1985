// Usable at 1280×720 (a projector) and on a phone (ladder first): the page
// never scrolls sideways, the timeline and both views are on the first
// screen at 1280×720, and on a phone the ladder comes before the topology.
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('at 1280×720 the timeline and both views are on the first screen', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?scenario=http-transfer&seed=1&step=113');
  await noSidewaysScroll(page);
  for (const name of ['Timeline', 'Topology', 'Ladder diagram']) {
    // the panels' own regions (the views hold inner regions named alike)
    const box = await page.getByRole('region', { name, exact: true }).first().boundingBox();
    expect(box, name).not.toBeNull();
    // Even with the first-visit welcome line, the views start in the upper part of the screen.
    expect(box?.y ?? 720, `${name} starts high on the first screen`).toBeLessThan(name === 'Timeline' ? 300 : 400);
  }
  await page.screenshot({ path: testInfo.outputPath('projector-1280x720.png') });
  expect(errors).toEqual([]);
});

test('on a phone the ladder comes first and everything stays reachable', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./?scenario=http-transfer&seed=1&step=113');
  await noSidewaysScroll(page);
  const ladder = await page.locator('.ladder-panel').boundingBox();
  const topology = await page.locator('.topology-panel').boundingBox();
  expect(ladder && topology && ladder.y < topology.y).toBe(true);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '114');
  await page.getByRole('button', { name: 'Share link…' }).click();
  await expect(page.getByTestId('share-link')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('phone-390x844.png'), fullPage: false });
  expect(errors).toEqual([]);
});
