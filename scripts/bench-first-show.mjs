// Main-thread cost of the first show of a large run, in headless Chromium:
//
//   node scripts/bench-first-show.mjs [reps] [checkout …]     (default: 5 reps of this checkout)
//
// The simulation runs in a worker, so the page's own work starts when the worker's answer arrives: from then until the
// first frame after the lab has drawn, the main thread is busy with the answer's deserialization, the per-run views'
// precomputation and React's render. Per page load, then medians per checkout:
//   answerToFrameMs  worker message dispatched → the first animation frame after the step read-out is in the DOM
//   dataMs           the part spent reading `event.data` (structured-clone deserialization of the answer)
//   longTaskMs       the sum of long tasks (> 50 ms) in that window, the main-thread time the Performance panel shows
// Give several checkouts (e.g. one from `git archive` of the commit before a change, and this one) to compare them:
// their page loads alternate, so a machine whose load changes meanwhile weighs on each the same.
// Each checkout is built into a private directory and all are served on port 4174: run it under
// `flock /tmp/handoff-browser.lock`, as bench:ui. Numbers on a shared 2-core machine are noisy: compare medians.
/* global window, requestAnimationFrame, Worker */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { tsImport } from 'tsx/esm/api';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}/`;
const REPS = Number(process.argv[2] ?? 5);
const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = process.argv.length > 3 ? process.argv.slice(3).map((r) => resolve(r)) : [HERE];
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
/** scripts/bench-ui.mjs's LARGE_RUN (~100k events), opened at the step that bench opens it at. */
const LARGE_RUN = { scenario: 'http-transfer', seed: 1, params: { clients: 520, clientSpacingUs: 100, followUps: 0, clientLink: { delayUs: 500_000 } } };
const STEP = 50_000;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** Installed before the page's scripts: timestamps the worker's answer (run-client sets `onmessage`) and collects long tasks. */
function instrument() {
  const marks = { answerAt: null, dataMs: null, longTasks: [] };
  Object.assign(window, { __firstShow: marks });
  new PerformanceObserver((list) => marks.longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask', buffered: true });
  const own = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
  Object.defineProperty(Worker.prototype, 'onmessage', {
    get() {
      return own.get.call(this);
    },
    set(handler) {
      own.set.call(this, (e) => {
        const t = performance.now();
        if (marks.answerAt === null) marks.answerAt = t;
        void e.data; // Chromium deserializes on first read: time it apart from the handler
        if (marks.dataMs === null) marks.dataMs = performance.now() - t;
        handler.call(this, e);
      });
    },
  });
}

/** One cold page load: the numbers above. */
async function firstShow(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript(instrument);
  await page.goto(url);
  await page.locator('.step-readout').waitFor({ timeout: 180_000 });
  const shownAt = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
  await page.waitForTimeout(200); // let the long-task observer deliver the last entries
  const marks = await page.evaluate(() => window.__firstShow);
  const events = Number(await page.getByTestId('event-count').textContent());
  await page.close();
  const inWindow = marks.longTasks.filter((t) => t.start + t.duration > marks.answerAt && t.start < shownAt);
  const round = (x) => Math.round(x);
  return { events, answerToFrameMs: round(shownAt - marks.answerAt), dataMs: round(marks.dataMs), longTaskMs: round(inWindow.reduce((s, t) => s + t.duration, 0)) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Serves build i under /i/ (the lab is built with base './', so it runs under any path). */
function serve(outDirs) {
  return createServer((req, res) => {
    const [, i, ...rest] = new URL(req.url ?? '/', BASE).pathname.split('/');
    const file = join(outDirs[Number(i)] ?? '/nonexistent', rest.join('/') || 'index.html');
    if (!existsSync(file) || file.endsWith('/')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  }).listen(PORT, '127.0.0.1');
}

async function main() {
  const { encodeShare } = await tsImport(join(HERE, 'src/share/codec.ts'), import.meta.url);
  const share = await encodeShare({ v: 1, ...LARGE_RUN, view: { step: STEP } });
  // Private builds: others building `dist` meanwhile must not swap the chunks under the page.
  const outDirs = ROOTS.map((root) => {
    const outDir = mkdtempSync(join(tmpdir(), 'first-show-'));
    execFileSync('npx', ['vite', 'build', '--configLoader', 'runner', '--outDir', outDir, '--emptyOutDir'], { cwd: root, stdio: 'ignore' });
    return outDir;
  });
  const server = serve(outDirs);
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const runs = ROOTS.map(() => []);
  try {
    for (let rep = 0; rep < REPS; rep++) {
      for (const [i, root] of ROOTS.entries()) {
        runs[i].push(await firstShow(browser, `${BASE}${i}/${share}`));
        console.error(root, JSON.stringify(runs[i].at(-1)));
      }
    }
  } finally {
    await browser.close();
    server.close();
    for (const d of outDirs) rmSync(d, { recursive: true, force: true });
  }
  const medians = (rs) => Object.fromEntries(['answerToFrameMs', 'dataMs', 'longTaskMs'].map((k) => [k, median(rs.map((r) => r[k]))]));
  console.log(JSON.stringify({ run: LARGE_RUN, step: STEP, reps: REPS, checkouts: ROOTS.map((root, i) => ({ root, events: runs[i][0]?.events, medians: medians(runs[i]), runs: runs[i] })) }, null, 2));
}

await main();
