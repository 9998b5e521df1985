// The topology's canvas layer in Chromium: with hundreds of packets in flight they are drawn on
// an aria-hidden canvas over the SVG, the SVG keeps the current step's packet as a focusable,
// selectable button, and a click on the picture selects the packet under it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { encodeShare } from '../src/share/codec';
import { runLab, type LabRun } from '../src/ui/viewmodel/lab-run';
import { analyseRun } from '../src/ui/viewmodel/ladder-model';
import { buildTopology } from '../src/ui/viewmodel/topology-model';

// 120 clients 100 µs apart over a 500 ms link: ~480 segments in flight at the peak.
const RUN = { scenario: 'http-transfer', seed: 1, params: { clients: 120, clientSpacingUs: 100, followUps: 0, clientLink: { delayUs: 500_000 } } };
const MANY = 400;

/** The first packet-send step with at least MANY packets in flight (the view's threshold is lower). */
function busyStep(): { step: number; run: LabRun } {
  const r = runLab(RUN.scenario, RUN.seed, RUN.params);
  if (!r.ok) throw new Error(r.error);
  const hops = analyseRun(r.run).hops;
  for (const e of r.run.events) {
    if (e.kind !== 'packet-send') continue;
    const flying = hops.filter((h) => h.startTime <= e.time && h.endTime !== null && e.time < h.endTime).length;
    if (flying >= MANY) return { step: e.index, run: r.run };
  }
  throw new Error(`no step with ${MANY} packets in flight`);
}

test('above the threshold, packets move to an aria-hidden canvas and the SVG keeps the current packet selectable', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const { step, run } = busyStep();
  await page.goto(`./${await encodeShare({ v: 1, ...RUN, view: { step } })}`);
  const svg = page.locator('svg.topology-svg');
  await expect(svg).toHaveAttribute('data-packet-layer', 'canvas', { timeout: 60_000 });
  expect(Number(await svg.getAttribute('data-in-flight'))).toBeGreaterThanOrEqual(MANY);

  const canvas = page.locator('canvas.topology-packets');
  await expect(canvas).toBeVisible();
  await expect(canvas).toHaveAttribute('aria-hidden', 'true');
  expect(Number(await canvas.getAttribute('data-packets'))).toBeGreaterThanOrEqual(MANY - 1);
  await expect(page.getByTestId('canvas-note')).toContainText('drawn as a picture');
  // The canvas is sized for the device pixel ratio.
  const ratio = await canvas.evaluate((c: HTMLCanvasElement) => c.width / c.getBoundingClientRect().width / devicePixelRatio);
  expect(ratio).toBeCloseTo(1, 1);

  // The SVG holds only the packets a person can reach: the current step's, a focusable button.
  const current = svg.locator(`g.packet[data-event-index="${step}"]`);
  await expect(current).toHaveAttribute('role', 'button');
  expect(await svg.locator('g.packet').count()).toBeLessThanOrEqual(2);
  await current.focus();
  await page.keyboard.press('Enter');
  await expect(current).toHaveAttribute('data-selected', 'true');
  await page.screenshot({ path: testInfo.outputPath('canvas-layer.png') });
  const axe = await new AxeBuilder({ page }).include('.topology-view').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // A click on a packet of the picture selects the packet under it: it moves into the SVG, selected.
  const model = buildTopology(run, step, { selected: step });
  const other = model.flights.find((f) => f.eventIndex !== step && f.progress > 0.2 && f.progress < 0.8);
  if (!other) throw new Error('no packet half-way along a link');
  const topology = page.locator('.topology-box');
  await topology.scrollIntoViewIfNeeded();
  const scale = ((await svg.boundingBox())?.width ?? 0) / model.width;
  await topology.evaluate((el, y) => el.scrollTo({ top: Math.max(0, y - 100) }), other.y * scale);
  const [s, t] = [await svg.boundingBox(), await topology.boundingBox()];
  if (!s || !t) throw new Error('the topology is not laid out');
  await topology.click({ position: { x: s.x - t.x + other.x * scale, y: s.y - t.y + other.y * scale } });
  await topology.screenshot({ path: testInfo.outputPath('canvas-packets.png') });
  const picked = svg.locator('g.packet[data-selected="true"]');
  await expect(picked).toHaveCount(1);
  const index = Number(await picked.getAttribute('data-event-index'));
  const hit = model.flights.find((f) => f.eventIndex === index);
  expect(index).not.toBe(step);
  // Packets overlap on a busy link: any one within the marker's reach of the click will do.
  expect(hit && Math.hypot(hit.x - other.x, hit.y - other.y)).toBeLessThanOrEqual(8);
  expect(errors).toEqual([]);
});
