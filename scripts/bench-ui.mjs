// Frame-time and step-latency benchmark of the lab in headless Chromium
// (`npm run bench:ui`). Builds and serves the app, then prints JSON.
//
//   npm run bench:ui [-- a,b,c]   each built-in scenario: plays it and records requestAnimationFrame
//                                 deltas (p50/p95), times single steps and scrubber jumps.
//   npm run bench:ui -- flights   one large run (800 clients, 3,200 segments in flight at the peak):
//                                 frame times while playing from the first step with N ≥ 250 … 3,000
//                                 packets in flight, SVG markers vs the canvas layer, in the same page.
//   npm run bench:ui -- large     a ~100k-event run: step (→/←) and jump (scrubber, End/Home,
//                                 Shift+→ transfer) latencies from the middle of the run.
//   npm run bench:ui -- scale     the 1,000-client scale view (scripts/bench-ui-scale.mjs): frame p50/p95 playing
//                                 at 100 steps/s from its busiest step.
//   npm run bench:ui -- profile [n]   the flights run played at 100 steps/s from the first step (or the
//                                 first with n packets in flight) under a Chromium trace: frame times, and
//                                 the main thread's CPU time per frame in each rendering phase (script,
//                                 style, layout, paint, layerize…) — what a frame costs, less sensitive to
//                                 a busy machine than frame times. CPU_PROFILE=1 adds the hottest functions
//                                 (self time per frame, unminified build). In both, TRACE_EXTRA=cat,… adds
//                                 trace categories (cc, skia, blink…) and TRACE_OUT=file keeps the trace.
//   npm run bench:ui -- step-profile [n]   n (40) → steps of the large run under a Chromium trace with the
//                                 CPU profiler (an unminified build, so functions keep their names): each slow
//                                 step's main-thread phases and hottest functions. NO_CPU_PROFILE=1 traces
//                                 without the profiler; TRACE_OUT=file keeps the trace for a closer look;
//                                 SHOW=n lists the n (8) slowest steps; SETTLE_MS (1500) is the wait after load.
//   BENCH_RAW=1                   adds each step's commit time, in order, to the step and jump results
//                                 (and each frame's time to the flights rows; FLIGHTS=n,… and LAYERS=canvas
//                                 narrow the flights mode down; NO_SETTLE=1 skips the garbage collection
//                                 before each flights row).
//
// Step latency is reported twice: `commit` (key → the DOM holds the new data-step and the
// D3 views are drawn: a MutationObserver fires after React's commit and its sync effects) and
// `frame` (key → the next animation frame after that commit, what a person can see).
// Timings on a shared 2-core machine are noisy: compare numbers from the same run.
import { pct, withLabInBrowser } from './bench-lab.mjs';
import { tsImport } from 'tsx/esm/api';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}/`;
const mode = process.argv[2] ?? 'http-transfer,lossy-link,sysplex-swarm';
if (mode === 'scale') {
  // The scale view's benchmark is its own script (its own build and port); `-- scale [frames]`.
  process.argv.splice(2, 1);
  await import('./bench-ui-scale.mjs');
  process.exit(process.exitCode ?? 0);
}

/** The large runs: many clients started 100 µs apart over a 500 ms client link, so thousands of segments are in flight at once
 * (the flights run stops at 1.7 s, just after its peak of 3,200, to keep it to ~38k events). */
const FLIGHTS_RUN = { scenario: 'http-transfer', seed: 1, params: { clients: 800, clientSpacingUs: 100, followUps: 0, clientLink: { delayUs: 500_000 }, horizonUs: 1_700_000 } };
const LARGE_RUN = { scenario: 'http-transfer', seed: 1, params: { clients: 520, clientSpacingUs: 100, followUps: 0, clientLink: { delayUs: 500_000 } } };
/** The counts the flights mode measures at; FLIGHTS=3000 (or 1000,3000) measures only those. */
const FLIGHT_COUNTS = process.env.FLIGHTS ? process.env.FLIGHTS.split(',').map(Number) : [250, 500, 1000, 2000, 3000];
/** The layers it compares; LAYERS=canvas measures the canvas only. */
const LAYERS = process.env.LAYERS ? process.env.LAYERS.split(',') : ['svg', 'canvas'];

const stats = (xs) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100) });

async function shareLink(run, step) {
  const { encodeShare } = await tsImport('../src/share/codec.ts', import.meta.url);
  return `${BASE}${await encodeShare({ v: 1, ...run, view: { step } })}`;
}

/** Open a page and wait until the lab shows the run (large runs simulate for seconds first). */
async function open(browser, url, layer) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  if (layer) await page.addInitScript((l) => Object.assign(window, { __labPacketLayer: l }), layer);
  const t0 = Date.now();
  await page.goto(url);
  await page.locator('.step-readout').waitFor({ timeout: 180_000 });
  const loadMs = Date.now() - t0;
  const events = Number(await page.getByTestId('event-count').textContent());
  return { page, loadMs, events };
}

/** Play at 10^speedLog10 steps per second for `frames` animation frames (or 20 s); rAF deltas and the packets in flight seen. */
async function playFrames(page, frames, speedLog10 = 2) {
  await page.getByLabel('Speed').fill(String(speedLog10));
  return page.evaluate(async (count) => {
    const start = performance.now();
    const deltas = [];
    const flying = [];
    const svg = document.querySelector('.topology-svg');
    document.querySelector('button[aria-label="Play"]')?.click();
    let last = performance.now();
    await new Promise((resolve) => {
      const tick = (now) => {
        deltas.push(now - last);
        flying.push(Number(svg?.getAttribute('data-in-flight') ?? NaN));
        last = now;
        if (deltas.length < count && (now - start < 20_000 || deltas.length < 30)) requestAnimationFrame(tick);
        else resolve(undefined);
      };
      requestAnimationFrame(tick);
    });
    document.querySelector('button[aria-label="Pause"]')?.click();
    return { deltas: deltas.slice(10), flying: flying.slice(10) };
  }, frames);
}

/**
 * Run `act(i)` `count` times in the page; each time wait for the step read-out's data-step to change
 * (MutationObserver: after React's commit and effects) and then for the next frame.
 */
async function timeSteps(page, count, actSource, arg) {
  return page.evaluate(
    async ({ count, actSource, arg }) => {
      const act = new Function('i', 'arg', actSource);
      const readout = document.querySelector('.step-readout');
      const commit = [];
      const frame = [];
      for (let i = 0; i < count; i++) {
        const before = readout?.getAttribute('data-step');
        await new Promise((resolve) => {
          let t = 0;
          const done = () => {
            observer.disconnect();
            clearTimeout(timer);
            commit.push(performance.now() - t);
            requestAnimationFrame(() => {
              frame.push(performance.now() - t);
              // Settle: let the deferred work (inspector) of this step run before the next one.
              setTimeout(resolve, 30);
            });
          };
          const observer = new MutationObserver(() => {
            if (readout?.getAttribute('data-step') !== before) done();
          });
          const timer = setTimeout(() => {
            observer.disconnect();
            resolve(undefined);
          }, 10_000);
          observer.observe(readout, { attributes: true, attributeFilter: ['data-step'] });
          t = performance.now();
          act(i, arg);
        });
      }
      return { commit, frame };
    },
    { count, actSource, arg },
  );
}

const KEY = (key, shift = false) => `window.dispatchEvent(new KeyboardEvent('keydown', { key: '${key}', shiftKey: ${shift}, bubbles: true }));`;
const SCRUB = `
  const scrub = document.querySelector('input.scrubber');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(scrub, String(Math.floor((((i + 1) * 7919) % 20) / 20 * (arg - 1))));
  scrub.dispatchEvent(new Event('input', { bubbles: true }));`;

/** p50/p95/max of a timing; with BENCH_RAW=1 also each commit time in order (which steps were the slow ones). */
const summary = (t) => ({ commit: stats(t.commit), frame: stats(t.frame), n: t.commit.length, ...(process.env.BENCH_RAW ? { commits: t.commit.map((x) => Math.round(x * 10) / 10) } : {}) });

async function benchScenario(browser, scenario) {
  const { page, loadMs, events } = await open(browser, `${BASE}?scenario=${scenario}&seed=${scenario === 'sysplex-swarm' ? 7 : 1}`);
  const { deltas } = await playFrames(page, 240);
  await page.keyboard.press('Home');
  const steps = await timeSteps(page, 40, KEY('ArrowRight'));
  const jumps = await timeSteps(page, 20, SCRUB, events);
  await page.close();
  return { scenario, events, loadMs, frame: stats(deltas), step: summary(steps), jump: summary(jumps) };
}

/** Frame times with N packets in flight, SVG vs canvas, switched in one page (same run, same machine load). */
async function benchFlights(browser) {
  const startSteps = await flightStartSteps(FLIGHT_COUNTS);
  console.error('first steps with N in flight:', JSON.stringify([...startSteps]));
  const { page, loadMs, events } = await open(browser, await shareLink(FLIGHTS_RUN, 0), 'svg');
  console.error(`opened: ${events} events in ${loadMs} ms`);
  const cdp = await page.context().newCDPSession(page);
  const rows = [];
  for (const n of FLIGHT_COUNTS) {
    for (const layer of LAYERS) {
      await page.evaluate((l) => Object.assign(window, { __labPacketLayer: l }), layer);
      await timeSteps(page, 1, SCRUB.replace(/String\(.*\)\);/, 'String(arg));'), startSteps.get(n));
      // Each row from a collected heap: the SVG row before a canvas row leaves thousands of markers' elements
      // to collect, and collecting them made the canvas row's first half-second late (a switch no page makes).
      if (!process.env.NO_SETTLE) await cdp.send('HeapProfiler.collectGarbage');
      const { deltas, flying } = await playFrames(page, 130);
      rows.push({ n, layer, startStep: startSteps.get(n), frames: deltas.length, inFlightMin: Math.min(...flying), inFlightMax: Math.max(...flying), frame: stats(deltas), ...(process.env.BENCH_RAW ? { deltas: deltas.map((d) => Math.round(d * 10) / 10) } : {}) });
      console.error(JSON.stringify(rows.at(-1)));
    }
  }
  await page.close();
  return { run: FLIGHTS_RUN, events, loadMs, rows };
}

/** The first step of the flights run with at least n packets in flight, for each n (the run simulated in Node). */
async function flightStartSteps(counts) {
  const { analyseRun } = await tsImport('../src/ui/viewmodel/ladder-model.ts', import.meta.url);
  const { runLab } = await tsImport('../src/ui/viewmodel/lab-run.ts', import.meta.url);
  const lab = runLab(FLIGHTS_RUN.scenario, FLIGHTS_RUN.seed, FLIGHTS_RUN.params);
  if (!lab.ok) throw new Error(lab.error);
  return firstStepsWithInFlight(lab.run, analyseRun(lab.run), counts);
}

/** The first step whose display time has at least n hops in flight (sent at or before it, arriving after), for each n. */
function firstStepsWithInFlight(run, analysis, counts) {
  const hops = analysis.hops.filter((h) => h.endTime !== null);
  const starts = hops.map((h) => h.startTime).sort((a, b) => a - b);
  const ends = hops.map((h) => h.endTime).sort((a, b) => a - b);
  const out = new Map();
  let s = 0;
  let e = 0;
  for (let i = 0; i < run.events.length && out.size < counts.length; i++) {
    const t = run.events[i].time;
    while (s < starts.length && starts[s] <= t) s++;
    while (e < ends.length && ends[e] <= t) e++;
    for (const n of counts) if (!out.has(n) && s - e >= n) out.set(n, i);
  }
  return out;
}

/** The main thread's rendering phases, as Chromium's trace names them. */
const PHASES = ['RunTask', 'FireAnimationFrame', 'FunctionCall', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit'];

/**
 * CPU (thread) and wall milliseconds per frame of each phase on the renderer's main thread. A phase nested
 * in one of the same name (Paint inside Paint) is counted once.
 */
function phasesPerFrame(events, frames) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const until = new Map();
  const sums = new Map(PHASES.map((p) => [p, { cpu: 0, wall: 0, n: 0 }]));
  for (const e of events.filter((x) => x.ph === 'X' && x.tid === main && sums.has(x.name)).sort((a, b) => a.ts - b.ts)) {
    if (e.ts < (until.get(e.name) ?? 0)) continue;
    until.set(e.name, e.ts + e.dur);
    const s = sums.get(e.name);
    s.cpu += e.tdur ?? 0;
    s.wall += e.dur ?? 0;
    s.n++;
  }
  const ms = (us) => Math.round((us / 1000 / frames) * 100) / 100;
  return Object.fromEntries([...sums].map(([name, s]) => [name, { cpuMs: ms(s.cpu), wallMs: ms(s.wall), perFrame: Math.round((s.n / frames) * 100) / 100 }]));
}

/** The flights run played at 100 steps/s from its first step (or the first with `inFlight` packets in flight), packets on the canvas, under a trace (see the header). */
async function benchProfile(browser, inFlight) {
  const start = inFlight ? (await flightStartSteps([inFlight])).get(inFlight) : 0;
  const { page, loadMs, events } = await open(browser, await shareLink(FLIGHTS_RUN, start), 'canvas');
  await page.waitForTimeout(1500); // the lazy chunks (inspector, exports) load after the first paint
  const { result, trace } = await traced(page, `devtools.timeline,disabled-by-default-devtools.timeline${process.env.CPU_PROFILE ? CPU_PROFILER : ''}`, () => playFrames(page, 150));
  const { deltas, flying } = result;
  await page.close();
  const hottest = process.env.CPU_PROFILE ? { hottestPerFrame: hottestPerSpan(trace, deltas.length + 10) } : {};
  // playFrames drops its first 10 frames from the deltas; the trace has them all.
  return { run: FLIGHTS_RUN, startStep: start, events, loadMs, frames: deltas.length, inFlightMax: Math.max(...flying), frame: stats(deltas), framesOver20ms: deltas.filter((d) => d > 20).length, mainThreadPerFrame: phasesPerFrame(trace, deltas.length + 10), ...hottest };
}

/** How long the simulation (runLab) of a run takes in Node, the same code the page runs before its first paint. */
async function nodeSimulationMs(run) {
  const { runLab } = await tsImport('../src/ui/viewmodel/lab-run.ts', import.meta.url);
  const t = performance.now();
  runLab(run.scenario, run.seed, run.params);
  return Math.round(performance.now() - t);
}

/** Step and jump latency in the middle of a ~100k-event run. */
async function benchLarge(browser) {
  const simMs = await nodeSimulationMs(LARGE_RUN);
  const { page, loadMs, events } = await open(browser, await shareLink(LARGE_RUN, 50_000));
  const forward = await timeSteps(page, 40, KEY('ArrowRight'));
  const back = await timeSteps(page, 40, KEY('ArrowLeft'));
  const scrub = await timeSteps(page, 20, SCRUB, events);
  const endHome = await timeSteps(page, 10, `if (i % 2 === 0) ${KEY('End')} else ${KEY('Home')}`);
  await timeSteps(page, 1, SCRUB.replace(/String\(.*\)\);/, 'String(arg));'), 50_000);
  const transfer = await timeSteps(page, 10, KEY('ArrowRight', true));
  await page.close();
  return { run: LARGE_RUN, events, loadMs, nodeSimMs: simMs, stepForward: summary(forward), stepBack: summary(back), scrub: summary(scrub), endHome: summary(endHome), nextTransfer: summary(transfer) };
}

/**
 * Each step's main-thread work (key → commit) by phase and its hottest functions (self time), the slowest
 * steps first; and the functions with the most self time per step over all the steps.
 */
function stepBreakdown(trace, commits) {
  const main = trace.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const marks = trace.filter((e) => e.tid === main && e.name === 'TimeStamp' && /^step /.test(e.args?.data?.message ?? '')).sort((a, b) => a.ts - b.ts);
  const samples = cpuSamples(trace, main);
  const phases = [...PHASES, 'MinorGC', 'MajorGC', 'HitTest'];
  const all = new Map();
  const rows = marks.map((m, i) => {
    const from = m.ts;
    const to = from + commits[i] * 1000;
    const inside = trace.filter((e) => e.tid === main && e.ph === 'X' && e.ts >= from && e.ts < to && phases.includes(e.name));
    const by = {};
    for (const e of inside) by[e.name] = Math.round(((by[e.name] ?? 0) + e.dur / 1000) * 100) / 100;
    const self = new Map();
    for (const s of samples) {
      if (s.ts < from || s.ts >= to) continue;
      self.set(s.fn, (self.get(s.fn) ?? 0) + s.dt / 1000);
      all.set(s.fn, (all.get(s.fn) ?? 0) + s.dt / 1000 / marks.length);
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([fn, ms]) => `${fn} ${ms.toFixed(2)}`);
    return { step: i, commitMs: Math.round(commits[i] * 100) / 100, phases: by, top };
  });
  const hottest = [...all].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, ms]) => `${fn} ${ms.toFixed(2)}`);
  return { hottestPerStep: hottest, slowest: rows.sort((a, b) => b.commitMs - a.commitMs) };
}

/** The main thread's V8 CPU profile samples in a trace (ProfileChunk events), each with its time, its function and its interval. */
function cpuSamples(trace, main) {
  const id = trace.find((e) => e.name === 'Profile' && e.tid === main)?.id;
  const nodes = new Map();
  const out = [];
  let last = null;
  for (const e of trace.filter((x) => (x.name === 'Profile' || x.name === 'ProfileChunk') && x.id === id).sort((a, b) => a.ts - b.ts)) {
    if (e.name === 'Profile') last = e.args.data.startTime;
    const cpu = e.args?.data?.cpuProfile;
    for (const n of cpu?.nodes ?? []) nodes.set(n.id, `${n.callFrame.functionName || '(anon)'}@${(n.callFrame.url ?? '').split('/').pop()}:${n.callFrame.lineNumber}`);
    const deltas = e.args?.data?.timeDeltas ?? [];
    (cpu?.samples ?? []).forEach((id, k) => {
      last += deltas[k] ?? 0;
      out.push({ ts: last, id });
    });
  }
  return out.map((s, k) => ({ ts: s.ts, fn: nodes.get(s.id) ?? String(s.id), dt: (out[k + 1]?.ts ?? s.ts) - s.ts }));
}

/** The trace categories of V8's sampling CPU profiler (at its high rate). */
const CPU_PROFILER = ',disabled-by-default-v8.cpu_profiler,disabled-by-default-v8.cpu_profiler.hires';

/**
 * Run `work()` under a Chromium trace of `categories`. The trace stays in the browser until the end
 * (ReturnAsStream): streaming it to this process meanwhile would take CPU from the page.
 */
async function traced(page, categories, work) {
  const cdp = await page.context().newCDPSession(page);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: [categories, process.env.TRACE_EXTRA].filter(Boolean).join(','), transferMode: 'ReturnAsStream' });
  const result = await work();
  await cdp.send('Tracing.end');
  const trace = await readTraceStream(cdp, (await complete).stream);
  await cdp.detach();
  if (process.env.TRACE_OUT) (await import('node:fs')).writeFileSync(process.env.TRACE_OUT, JSON.stringify(trace));
  return { result, trace };
}

/** The main thread's functions with the most self time, in ms per span (frame) of the trace. */
function hottestPerSpan(trace, spans) {
  const main = trace.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const self = new Map();
  for (const s of cpuSamples(trace, main)) self.set(s.fn, (self.get(s.fn) ?? 0) + s.dt / 1000 / spans);
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, ms]) => `${fn} ${ms.toFixed(2)}`);
}

/** The events of a trace recorded with transferMode ReturnAsStream. */
async function readTraceStream(cdp, handle) {
  let text = '';
  for (;;) {
    const { data, eof } = await cdp.send('IO.read', { handle, size: 1 << 22 });
    text += data;
    if (eof) break;
  }
  await cdp.send('IO.close', { handle });
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** → steps in the large run under a trace with the CPU profiler: where the slow ones spend their time. */
async function benchStepProfile(browser) {
  const { page, events } = await open(browser, await shareLink(LARGE_RUN, 50_000));
  await page.waitForTimeout(Number(process.env.SETTLE_MS ?? 1500)); // the lazy chunks load after the first paint
  const profiler = process.env.NO_CPU_PROFILE ? '' : CPU_PROFILER;
  const steps = Number(process.argv[3] ?? 40);
  const { result: forward, trace } = await traced(page, `devtools.timeline,disabled-by-default-devtools.timeline,v8,disabled-by-default-v8.gc${profiler}`, () =>
    timeSteps(page, steps, `console.timeStamp('step ' + i); ${KEY('ArrowRight')}`),
  );
  await page.close();
  const { hottestPerStep, slowest } = stepBreakdown(trace, forward.commit);
  return { events, stepForward: summary(forward), hottestPerStep, slowest: slowest.slice(0, Number(process.env.SHOW ?? 8)) };
}

let results;
await withLabInBrowser(PORT, async (browser) => {
  if (mode === 'step-profile') results = await benchStepProfile(browser);
  else if (mode === 'flights') results = await benchFlights(browser);
  else if (mode === 'large') results = await benchLarge(browser);
  else if (mode === 'profile') results = await benchProfile(browser, Number(process.argv[3] ?? 0));
  else {
    results = [];
    for (const scenario of mode.split(',')) results.push(await benchScenario(browser, scenario));
  }
}, mode === 'step-profile' || process.env.CPU_PROFILE ? ['--minify', 'false'] : []);
console.log(JSON.stringify(results, null, 2));
