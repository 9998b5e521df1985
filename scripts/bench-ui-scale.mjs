// Frame times of the scale view in headless Chromium (to be wired in as `npm run bench:ui -- scale`).
// Builds the app into a private temporary directory, serves it on port 4177, opens `scale-1000` at
// the first step with the most connections live, plays at 100 steps/s and records requestAnimationFrame
// deltas; prints JSON with p50/p95/max, the run's size, the page's load time and what was on screen.
//
//   node scripts/bench-ui-scale.mjs [frames]     (default 300 frames, or 20 s)
//
// Timings on a shared 2-core machine are noisy: quote the median of several runs and the load average.
// Code inside page.evaluate() runs in the browser (eslint.config.js gives bench-ui.mjs these globals; this file names its own).
/* global document, requestAnimationFrame */
import { loadavg } from 'node:os';
import { pct, withLabInBrowser } from './bench-lab.mjs';
import { tsImport } from 'tsx/esm/api';

const PORT = 4177;
const BASE = `http://127.0.0.1:${PORT}/`;
const SCENARIO = 'scale-1000';
const FRAMES = Number(process.argv[2] ?? 300);

const stats = (xs) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100), n: xs.length });

/** The run in Node (the same code the page's worker runs) and its busiest step: the first with the most client connections live. */
async function busiestStep() {
  const { runLab } = await tsImport('../src/ui/viewmodel/lab-run.ts', import.meta.url);
  const { scaleView } = await tsImport('../src/ui/viewmodel/topology-aggregate.ts', import.meta.url);
  const t = performance.now();
  const lab = runLab(SCENARIO, 1);
  const simMs = Math.round(performance.now() - t);
  if (!lab.ok) throw new Error(lab.error);
  const live = (step) => scaleView(lab.run, step, null).groups.reduce((n, g) => n + g.counts.handshake + g.counts.connected + g.counts.transferred, 0);
  let best = { step: 0, live: -1 };
  for (let step = 0; step < lab.run.events.length; step += 250) {
    const n = live(step);
    if (n > best.live) best = { step, live: n };
  }
  return { events: lab.run.events.length, nodeSimMs: simMs, ...best };
}

/** Open the lab at `step` and wait until the run has arrived (the simulation runs in the page's worker first). */
async function open(browser, step) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const t0 = Date.now();
  await page.goto(`${BASE}?scenario=${SCENARIO}&seed=1&step=${step}`);
  await page.locator(`.step-readout[data-step="${step}"]`).waitFor({ timeout: 300_000 });
  return { page, loadMs: Date.now() - t0 };
}

/** Play at 100 steps/s (speed slider log10 = 2) for `count` frames or 20 s; rAF deltas, steps covered and what the view showed. */
async function play(page, count) {
  await page.getByLabel('Speed').fill('2');
  return page.evaluate(async (frames) => {
    const readout = document.querySelector('.step-readout');
    const svg = document.querySelector('.topology-svg');
    const firstStep = Number(readout?.getAttribute('data-step'));
    const deltas = [];
    const flying = [];
    document.querySelector('button[aria-label="Play"]')?.click();
    const start = performance.now();
    let last = start;
    await new Promise((resolve) => {
      const tick = (now) => {
        deltas.push(now - last);
        flying.push(Number(svg?.getAttribute('data-in-flight') ?? NaN));
        last = now;
        if (deltas.length < frames && now - start < 20_000) requestAnimationFrame(tick);
        else resolve(undefined);
      };
      requestAnimationFrame(tick);
    });
    document.querySelector('button[aria-label="Pause"]')?.click();
    return {
      deltas: deltas.slice(10),
      steps: Number(readout?.getAttribute('data-step')) - firstStep,
      seconds: (performance.now() - start) / 1000,
      inFlight: { min: Math.min(...flying), max: Math.max(...flying) },
      layer: svg?.getAttribute('data-packet-layer'),
      groups: document.querySelectorAll('.topology-svg g.client-group').length,
    };
  }, count);
}

const busy = await busiestStep();
console.error(`${SCENARIO}: ${busy.events} events, simulated in ${busy.nodeSimMs} ms in Node; busiest step ${busy.step} (${busy.live} connections live)`);
let result;
await withLabInBrowser(PORT, async (browser) => {
  const { page, loadMs } = await open(browser, busy.step);
  const { deltas, ...seen } = await play(page, FRAMES);
  result = { scenario: SCENARIO, events: busy.events, nodeSimMs: busy.nodeSimMs, loadMs, startStep: busy.step, liveAtStart: busy.live, frame: stats(deltas), ...seen, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  await page.close();
});
console.log(JSON.stringify(result, null, 2));
