// The scale view in Chromium: scale-1000 opened at a busy step shows its clients as ten group nodes
// whose accessible names carry the counts, rates on the links and owned counts on the stacks — all
// equal to the view model computed here from the same run — and choosing a connection filters the
// ladder to that client's lane and segments.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { runLab } from '../src/ui/viewmodel/lab-run';
import { buildLadder } from '../src/ui/viewmodel/ladder-model';
import { groupText, linkStatsText } from '../src/ui/viewmodel/topology-aggregate';
import { buildTopology } from '../src/ui/viewmodel/topology-model';

test('scale-1000: aggregate topology with counts and rates, and a ladder filtered to a chosen connection', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const lab = runLab('scale-1000', 1);
  if (!lab.ok) throw new Error(lab.error);
  const run = lab.run;
  // 40 % of the way through: a few hundred connections live, in every phase.
  const step = Math.floor(run.events.length * 0.4);
  const scale = buildTopology(run, step).scale;
  if (!scale) throw new Error('scale-1000 is not drawn as a scale view');

  await page.goto(`./?scenario=scale-1000&seed=1&step=${step}`);
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', String(step), { timeout: 180_000 });
  const topology = page.getByRole('region', { name: 'Topology' });
  await expect(topology.getByRole('group', { name: /and 1,000 clients in 10 groups/ })).toBeVisible();

  // Every group node is named with its counts at this step.
  for (const g of scale.groups) await expect(topology.getByRole('img', { name: groupText(g), exact: true })).toHaveCount(1);
  const live = scale.groups.reduce((n, g) => n + g.counts.handshake + g.counts.connected + g.counts.transferred, 0);
  expect(live).toBeGreaterThan(100);

  // Every link carries its numbers; the busiest client link has packets in flight and a rate.
  for (const l of scale.links.filter((s) => !s.link.endsWith('-lo'))) await expect(topology.locator(`text.link-stats[data-link="${l.link}"]`)).toHaveText(linkStatsText(l));
  const busiest = [...scale.links].filter((l) => l.link.startsWith('lan-')).sort((a, b) => b.inFlight - a.inFlight)[0];
  expect(busiest?.inFlight).toBeGreaterThan(0);
  expect(busiest?.packetsPerSecond).toBeGreaterThan(0);
  for (const [stack, owned] of scale.owned) await expect(topology.locator(`text.owned-count[data-node="${stack}"]`)).toHaveAttribute('data-owned', String(owned));
  await expect(page.locator('svg.topology-svg')).toHaveAttribute('data-packet-layer', 'canvas');
  await page.screenshot({ path: testInfo.outputPath('scale-topology.png'), fullPage: true });

  // Choose a live client's connection: the ladder shows its lane alone and only its segments.
  const client = scale.groups[3]?.clients[42] ?? 'client343';
  const picker = page.getByRole('combobox', { name: 'Connection shown' });
  await picker.fill(client);
  await picker.press('Enter');
  const ladder = page.getByRole('region', { name: 'Ladder diagram' });
  await expect(page.locator('.ladder-view')).toHaveAttribute('data-focus', client);
  await expect(ladder.locator('g.lane-head[data-role="client"]')).toHaveCount(1);
  await expect(ladder.locator('g.lane-head[data-role="client"]')).toHaveAttribute('data-lane', `node:${client}`);
  // The topology's owner note and ribbon follow the chosen client's connection.
  const owner = buildTopology(run, step, { focusClient: client }).owner;
  expect(owner?.client).toBe(client);
  await expect(topology.locator('p.viz-note[aria-live="polite"]')).toContainText(`Connection ${owner?.conn ?? '?'} `);
  const expected = new Set(buildLadder(run, step, { focus: client }).arrows.map((a) => String(a.eventIndex)));
  const drawn = ladder.locator('g.arrow[data-kind="tcp"]');
  await expect(drawn.first()).toBeVisible();
  const indexes = await drawn.evaluateAll((arrows) => arrows.map((a) => a.getAttribute('data-event-index')));
  expect(indexes.filter((i) => !expected.has(String(i)))).toEqual([]);

  // The choice survives stepping (from outside the text box, where → moves the caret).
  await picker.blur();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', String(step + 1));
  await expect(page.locator('.ladder-view')).toHaveAttribute('data-focus', client);
  await expect(picker).toHaveValue(new RegExp(`^${client} · `));
  await page.screenshot({ path: testInfo.outputPath('scale-ladder.png'), fullPage: true });
  expect(errors).toEqual([]);
});
