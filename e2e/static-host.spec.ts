// Static and portable: the built files run from any static host under a
// sub-path, with no server code, and share links work there. The test serves
// dist/ itself, under /courses/net101/lab/, with a plain file server.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { encodeShare } from '../src/share/codec';
import { runLab } from '../src/ui/viewmodel/lab-run';

const PREFIX = '/courses/net101/lab/';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };
let server: Server;
let origin = '';

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (!path.startsWith(PREFIX)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    let file = normalize(join('dist', path.slice(PREFIX.length)));
    if (!file.startsWith('dist') || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(() => {
  server.close();
});

test('the built lab runs under a sub-path of a plain static host, share links included', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = runLab('re-transfer', 6);
  if (!lab.ok) throw new Error(lab.error);
  const fragment = await encodeShare({ v: 1, scenario: 're-transfer', seed: 6, view: { step: 30 } });
  await page.goto(`${origin}${PREFIX}${fragment}`);
  await expect(page.getByTestId('trace-hash')).toHaveAttribute('data-trace-hash', lab.run.hash);
  await expect(page.locator('.step-readout')).toHaveAttribute('data-step', '30');
  await page.getByRole('button', { name: 'Share link…' }).click();
  await expect(page.getByTestId('share-link')).toHaveValue(new RegExp(`^${origin}${PREFIX}#v1\\.`));
  // A lazily loaded part (the inspector) comes from the sub-path too.
  await expect(page.locator('[data-inspector-step]')).toBeVisible();
  expect(errors).toEqual([]);
});
