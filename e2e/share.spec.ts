// Share links in Chromium: a link copied after forking and stepping opens in a
// fresh page at the same step, with the same fork and the same trace hash; a
// tampered link shows an alert and the default scenario still runs; labels
// that look like markup or script URLs stay text; the page ships a CSP
// without unsafe-eval or inline scripts; a reload (or the bare address) keeps
// the state through the autosave.
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { decodeShare, encodeShare } from '../src/share/codec';
import { runLab } from '../src/ui/viewmodel/lab-run';

function hashOf(id: string, seed: number, params: unknown = {}): string {
  const r = runLab(id, seed, params);
  if (!r.ok) throw new Error(r.error);
  return r.run.hash;
}

async function copiedLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share link…' }).click();
  const field = page.getByTestId('share-link');
  await expect(field).toHaveValue(/#v1\./);
  const link = await field.inputValue();
  await page.getByRole('dialog', { name: 'Share this view' }).getByRole('button', { name: 'Close' }).click();
  return link;
}

test('a link copied after forking and stepping reproduces step, fork and trace hash in a fresh page', async ({ page, browser }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1&step=60');
  await page.locator('[data-node="SYS2"]').first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Crash SYS2 now' }).click();
  // The fork runs in the worker: wait for its run to replace the original before reading its hash.
  const hash = page.getByTestId('trace-hash');
  await expect(hash).not.toHaveAttribute('data-trace-hash', hashOf('http-transfer', 1));
  const forked = await hash.getAttribute('data-trace-hash');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '65');
  await page.getByText('Every event of the run').click();
  const link = await copiedLink(page);
  expect(link.startsWith('http://127.0.0.1:4173/#v1.')).toBe(true);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherErrors = watchConsole(other);
  await other.goto(link);
  await expect(other.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', forked ?? '');
  await expect(other.locator('.step-readout')).toHaveAttribute('data-step', '65');
  await expect(other.locator('.trace-details')).toHaveAttribute('open', '');
  await expect(other.locator('.fork-banner')).toContainText('This run is forked');
  await other.screenshot({ path: testInfo.outputPath('shared-fork.png') });
  expect(otherErrors).toEqual([]);
  expect(errors).toEqual([]);
  await fresh.close();
});

test('a tampered link gives an alert and the default scenario still runs', async ({ page }) => {
  const errors = watchConsole(page);
  const fragment = await encodeShare({ v: 1, scenario: 'smtp-transfer', seed: 4 });
  const body = fragment.slice('#v1.'.length);
  const flipped = `#v1.${body.slice(0, 6)}${body[6] === 'A' ? 'B' : 'A'}${body.slice(7, -3)}`;
  for (const bad of [flipped, '#v9.AAAA', '#v1.%%%', `#v1.${'A'.repeat(70_000)}`]) {
    await page.goto(`./${bad}`);
    await expect(page.getByRole('alert').first()).toContainText('This link could not be opened');
    await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', hashOf('http-transfer', 1));
  }
  expect(errors).toEqual([]);
});

test('labels that look like markup or script URLs render as text and run nothing', async ({ page }) => {
  const errors = watchConsole(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  for (const title of ['<img src=x onerror="window.__pwned=1">', 'javascript:window.__pwned=2', '"><script>window.__pwned=3</script>']) {
    await page.goto(`./${await encodeShare({ v: 1, scenario: 'http-transfer', seed: 2, title })}`);
    await expect(page.getByTestId('share-title')).toHaveText(title);
    expect(await page.locator('.summary img, .summary script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }
  expect(dialogs).toBe(0);
  expect(errors).toEqual([]);
});

test('the page ships a CSP without unsafe-eval, and no inline script', async ({ page }) => {
  await page.goto('./');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);
});

test('the autosave brings back the last state on a bare visit; deep links pick the step and the packet', async ({ context }) => {
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto('./?scenario=zero-window&seed=9&step=5');
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '5');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '6');
  // The address (and the autosave) follow the view a moment after it settles: wait until they hold step 6.
  await expect.poll(async () => {
    const decoded = await decodeShare(page.url());
    return decoded.ok ? decoded.doc.view?.step : null;
  }).toBe(6);
  const again = await context.newPage();
  await again.goto('./');
  await expect(again.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', hashOf('zero-window', 9));
  await expect(again.locator('.step-readout')).toHaveAttribute('data-step', '6');

  const fragment = await encodeShare({ v: 1, scenario: 'http-transfer', seed: 1, view: { step: 3 } });
  await again.goto(`./${fragment}&step=40&packet=39`);
  await expect(again.locator('.step-readout')).toHaveAttribute('data-step', '40');
  await expect(again.locator('[data-inspector-step]')).toHaveAttribute('data-inspector-step', '39');
  expect(errors).toEqual([]);
});
