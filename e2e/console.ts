/** Test helper: collect console errors and uncaught page errors, so every journey can assert there were none. */
import type { Page } from '@playwright/test';

/** Start collecting; the returned array fills as errors happen. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
