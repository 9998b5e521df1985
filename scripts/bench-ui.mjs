// Frame-time and step-latency benchmark of the lab in headless Chromium
// (`npm run bench:ui`). Builds and serves the app, then for each scenario:
// plays it and records requestAnimationFrame deltas (p50/p95), times single
// steps (→ until the step read-out changes) and scrubber jumps. Prints JSON.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const PORT = 4174;
const scenarios = (process.argv[2] ?? 'http-transfer,lossy-link,sysplex-swarm').split(',');
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
};

const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const results = [];
try {
  for (const scenario of scenarios) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${PORT}/?scenario=${scenario}&seed=${scenario === 'sysplex-swarm' ? 7 : 1}`);
    await page.locator('.step-readout').waitFor();
    const loadMs = Date.now() - t0;
    const events = Number(await page.getByTestId('event-count').textContent());
    // Frame times while playing.
    await page.getByLabel('Speed').fill('2');
    const frames = await page.evaluate(async () => {
      const deltas = [];
      document.querySelector('button[aria-label="Play"]')?.click();
      let last = performance.now();
      await new Promise((resolve) => {
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (deltas.length < 240) requestAnimationFrame(tick);
          else resolve(undefined);
        };
        requestAnimationFrame(tick);
      });
      document.querySelector('button[aria-label="Pause"]')?.click();
      return deltas.slice(10);
    });
    // Step latency: → until the read-out changes, measured in the page, from the start.
    await page.keyboard.press('Home');
    const steps = await page.evaluate(async () => {
      const out = [];
      const readout = document.querySelector('.step-readout');
      for (let i = 0; i < 40; i++) {
        const before = readout?.getAttribute('data-step');
        const t = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        await new Promise((resolve) => {
          const check = () => (readout?.getAttribute('data-step') !== before || performance.now() - t > 2000 ? resolve(undefined) : requestAnimationFrame(check));
          check();
        });
        out.push(performance.now() - t);
      }
      return out;
    });
    // Jump latency: scrubber to spread-out positions.
    const jumps = await page.evaluate(async (n) => {
      const out = [];
      const scrub = document.querySelector('input.scrubber');
      const readout = document.querySelector('.step-readout');
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      for (let i = 1; i <= 20; i++) {
        const target = String(Math.floor(((i * 7919) % 20) / 20 * (n - 1)));
        const t = performance.now();
        setter?.call(scrub, target);
        scrub?.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((resolve) => {
          const check = () => (readout?.getAttribute('data-step') === target || performance.now() - t > 5000 ? resolve(undefined) : requestAnimationFrame(check));
          check();
        });
        out.push(performance.now() - t);
      }
      return out;
    }, events);
    results.push({ scenario, events, loadMs, frameP50: pct(frames, 50), frameP95: pct(frames, 95), stepP50: pct(steps, 50), stepP95: pct(steps, 95), jumpP50: pct(jumps, 50), jumpP95: pct(jumps, 95) });
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(JSON.stringify(results, null, 2));
