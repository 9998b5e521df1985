// What the browser benchmarks share (bench-ui.mjs, bench-ui-scale.mjs): a private build of the
// lab served on its own port, headless Chromium, percentiles.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/** The p-th percentile of xs (nearest rank), rounded to 0.01; null when empty. */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
};

/**
 * Build the lab into a private directory (others building `dist` meanwhile must not swap the lazy
 * chunks under the page), serve it on `port`, launch Chromium, run `work(browser, base)` and clean up.
 * `buildArgs` go to `vite build` (the step profile builds without minifying, so functions keep their names).
 */
export async function withLabInBrowser(port, work, buildArgs = []) {
  const base = `http://127.0.0.1:${port}/`;
  const outDir = mkdtempSync(join(tmpdir(), 'bench-lab-'));
  execFileSync('npx', ['vite', 'build', '--configLoader', 'runner', '--outDir', outDir, '--emptyOutDir', ...buildArgs], { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--configLoader', 'runner', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  try {
    // Wait for the server (loading vite.config takes seconds on a busy machine).
    for (let i = 0; i < 120; i++) {
      if (await fetch(base).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      return await work(browser, base);
    } finally {
      await browser.close();
    }
  } finally {
    process.kill(-server.pid); // npx and the vite it started
    rmSync(outDir, { recursive: true, force: true });
  }
}
