// The scenario editor: fields drawn from the scenario's schema, messages next
// to the field for a bad value or a broken relation, Apply only when valid,
// and an applied edit re-runs exactly the run Node computes for it.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { findScenario } from '../src/scenarios/registry';
import { runLab } from '../src/ui/viewmodel/lab-run';

function hashOf(id: string, seed: number, params: unknown = {}): string {
  const r = runLab(id, seed, params);
  if (!r.ok) throw new Error(r.error);
  return r.run.hash;
}

test('invalid edits are explained at the field and never run; a valid edit re-runs exactly', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1');
  const original = hashOf('http-transfer', 1);
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', original);
  await page.getByText('Edit scenario').click();
  const form = page.getByRole('form', { name: 'Edit HTTP transfer' });
  const apply = form.getByRole('button', { name: 'Apply and re-run' });
  await expect(apply).toBeDisabled();

  const clients = form.locator('[data-path="clients"]');
  await clients.fill('0');
  await expect(clients).toHaveAttribute('aria-invalid', 'true');
  const clientsError = page.locator(`#${await clients.getAttribute('aria-describedby')}`);
  await expect(clientsError).toContainText('Expected >=1');
  await expect(apply).toBeDisabled();
  await clients.fill('1');
  await expect(clients).toHaveAttribute('aria-invalid', 'false');

  const stack = form.locator('[data-path="targets.0.stack"]');
  await stack.fill('SYS9');
  await expect(page.locator(`#${await stack.getAttribute('aria-describedby')}`)).toContainText("no stack named 'SYS9'");
  await expect(apply).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('editor-error.png') });
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', original);
  await stack.fill('SYS2');

  await form.locator('[data-path="clientLink.delayUs"]').fill('5000');
  await expect(apply).toBeEnabled();
  await apply.click();
  const def = findScenario('http-transfer');
  const parsed = def?.parse({});
  if (!parsed?.ok) throw new Error('defaults do not parse');
  const clientLink = { ...(parsed.params as { clientLink: object }).clientLink, delayUs: 5000 };
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', hashOf('http-transfer', 1, { clientLink }));
  await expect(page.locator('.edited-note')).toContainText('clientLink');
  await page.getByRole('button', { name: 'Back to the built-in scenario' }).click();
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', original);
  expect(errors).toEqual([]);
});

test('lists can grow and shrink within their bounds, and variants switch their fields', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('./?scenario=http-transfer&seed=1');
  await page.getByText('Edit scenario').click();
  const form = page.getByRole('form', { name: 'Edit HTTP transfer' });
  await form.getByRole('button', { name: 'Add to targets', exact: true }).click();
  const app = form.locator('[data-path="targets.2.app"]');
  await expect(app).toHaveAttribute('aria-invalid', 'true');
  await app.fill('WEB4');
  await form.locator('[data-path="targets.2.stack"]').fill('SYS3');
  await expect(form.getByRole('button', { name: 'Apply and re-run' })).toBeEnabled();
  await form.getByRole('button', { name: 'Remove targets 3', exact: true }).click();
  await expect(form.locator('[data-path="targets.2.app"]')).toHaveCount(0);
  const rule = form.getByRole('group', { name: 'Rules 1' });
  await rule.getByLabel('Kind').selectOption('any');
  await expect(form.locator('[data-path="policy.rules.0.match.prefix"]')).toHaveCount(0);
  await rule.getByLabel('Kind').selectOption('http-user');
  await expect(form.locator('[data-path="policy.rules.0.match.user"]')).toHaveAttribute('aria-invalid', 'true');
  expect(errors).toEqual([]);
});
