import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CompareReport, WayReport } from '../../scenarios/compare';
import type { CompareAnswer, CompareRequest } from './compare.worker';
import { formatUs, renderBars, renderCdf, type Bar } from './compare-charts';
import './compare.css';

/** Short names for bar labels. */
const SHORT: Readonly<Record<string, string>> = { handoff: 'Handoff (patent)', proxy: 'L7 proxy', 'syn-roundrobin': 'SYN-time ROUNDROBIN' };
const nf = new Intl.NumberFormat('en');
const MAX_CLIENTS = 1_000;

type Status = { kind: 'idle' } | { kind: 'running'; clients: number } | { kind: 'error'; error: string } | { kind: 'done'; report: CompareReport };

/**
 * Comparison mode: one workload run three ways (the patent's handoff, an L7
 * proxy, content-blind SYN-time distribution) in a Web Worker, then charts
 * of what the routing stack carried, latency, work per stack and cache hits.
 */
export function ComparePanel() {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [seed, setSeed] = useState('1');
  const [clients, setClients] = useState('200');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const seedId = useId();
  const clientsId = useId();
  const errorId = useId();
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);
  const run = (e: FormEvent): void => {
    e.preventDefault();
    const s = Number(seed);
    const c = Number(clients);
    if (!/^\d+$/.test(seed) || s > 0xffff_ffff) return setFieldError('Seed must be a whole number from 0 to 4294967295.');
    if (!/^\d+$/.test(clients) || c < 1 || c > MAX_CLIENTS) return setFieldError(`Clients must be a whole number from 1 to ${MAX_CLIENTS}.`);
    setFieldError(null);
    worker.current?.terminate();
    const w = new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (m: MessageEvent<CompareAnswer>) => {
      setStatus(m.data.ok ? { kind: 'done', report: m.data.report } : { kind: 'error', error: m.data.error });
      w.terminate();
    };
    w.onerror = (err) => setStatus({ kind: 'error', error: err.message || 'the worker stopped' });
    const request: CompareRequest = { seed: s, params: { clients: c } };
    w.postMessage(request);
    setStatus({ kind: 'running', clients: c });
  };
  return (
    <div className="compare">
      <p>
        The same workload — clients fetching objects with a skewed (Zipf) popularity from targets that each cache 100 objects — run three
        ways. Every number below comes from the simulation’s traces; <code>npm run sim -- compare --seed {seed} --clients {clients} --json</code>{' '}
        prints the same numbers.
      </p>
      <form className="controls" onSubmit={run} aria-label="Comparison settings" noValidate>
        <label htmlFor={seedId}>Seed</label>
        <input id={seedId} inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} aria-describedby={fieldError ? errorId : undefined} />
        <label htmlFor={clientsId}>Clients</label>
        <input id={clientsId} inputMode="numeric" value={clients} onChange={(e) => setClients(e.target.value)} aria-describedby={fieldError ? errorId : undefined} />
        <button type="submit" disabled={status.kind === 'running'}>
          Run the comparison
        </button>
        {fieldError && (
          <span id={errorId} className="field-error" role="alert">
            {fieldError}
          </span>
        )}
      </form>
      <p role="status" className="compare-status">
        {status.kind === 'running' && `Running three simulations of ${status.clients} clients in a background worker…`}
        {status.kind === 'error' && `The comparison failed: ${status.error}`}
        {status.kind === 'done' && `Done: seed ${status.report.seed}, ${status.report.params.clients} clients × ${status.report.params.requestsPerClient} requests.`}
      </p>
      {status.kind === 'done' && <CompareResults report={status.report} />}
    </div>
  );
}

function bars(ways: readonly WayReport[], value: (w: WayReport) => number): Bar[] {
  return ways.map((w) => ({ label: SHORT[w.way] ?? w.way, value: value(w), way: w.way }));
}

/** The report as charts, each with its numbers also in text. */
function CompareResults({ report }: { report: CompareReport }) {
  const ways = report.ways;
  const stacks = Object.keys(ways[0]?.stacks ?? {});
  const perStack: Bar[] = stacks.flatMap((stack) => ways.map((w) => ({ label: `${stack} · ${SHORT[w.way] ?? w.way}`, value: (w.stacks[stack]?.in.tcpSegments ?? 0) + (w.stacks[stack]?.out.tcpSegments ?? 0), way: w.way })));
  return (
    <div className="compare-results" data-seed={report.seed}>
      <Chart title="Bytes through the routing stack (in + out)" bars={bars(ways, (w) => w.routingStack.in.bytes + w.routingStack.out.bytes)} format={(n) => `${nf.format(n)} B`} id="routing-bytes" />
      <Chart title="TCP segments through the routing stack (in + out)" bars={bars(ways, (w) => w.routingStack.in.tcpSegments + w.routingStack.out.tcpSegments)} format={(n) => nf.format(n)} id="routing-segments" />
      <Chart title="Cache-hit rate on the targets" bars={bars(ways, (w) => Math.round(w.cache.hitRate * 1000) / 10)} format={(n) => `${n}%`} id="cache-hits" />
      <Cdf ways={ways} />
      <Chart title="TCP segments processed per stack (in + out)" bars={perStack} format={(n) => nf.format(n)} id="per-stack" />
      <table className="compare-table" data-table="compare">
        <caption>The numbers, per way</caption>
        <thead>
          <tr><th scope="col">Way</th><th scope="col">Completed</th><th scope="col">Routing-stack bytes</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">Cache hits</th><th scope="col">Trace hash</th></tr>
        </thead>
        <tbody>
          {ways.map((w) => (
            <tr key={w.way} data-way={w.way}>
              <th scope="row">{w.title}</th>
              <td>{w.requests.completed} / {w.requests.issued}</td>
              <td>{nf.format(w.routingStack.in.bytes + w.routingStack.out.bytes)}</td>
              <td>{formatUs(w.latency.p50Us)}</td><td>{formatUs(w.latency.p95Us)}</td><td>{formatUs(w.latency.p99Us)}</td>
              <td>{(w.cache.hitRate * 100).toFixed(1)}%</td>
              <td><code>{w.run.traceHash}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Chart({ title, bars: data, format, id }: { title: string; bars: readonly Bar[]; format: (n: number) => string; id: string }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (ref.current) renderBars(ref.current, data, format);
  }, [data, format]);
  return (
    <figure className="compare-chart" data-chart={id}>
      <figcaption>{title} <span className="from-sim">(simulated)</span></figcaption>
      <svg ref={ref} role="img" aria-label={`${title}: ${data.map((b) => `${b.label} ${format(b.value)}`).join('; ')}`} />
    </figure>
  );
}

function Cdf({ ways }: { ways: readonly WayReport[] }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (ref.current) renderCdf(ref.current, ways.map((w) => ({ way: w.way, label: SHORT[w.way] ?? w.way, percentilesUs: w.latency.percentilesUs })));
  }, [ways]);
  return (
    <figure className="compare-chart" data-chart="latency-cdf">
      <figcaption>Per-request latency, cumulative <span className="from-sim">(simulated)</span></figcaption>
      <svg ref={ref} role="img" aria-label={`Latency distribution: ${ways.map((w) => `${SHORT[w.way] ?? w.way} p50 ${formatUs(w.latency.p50Us)}, p95 ${formatUs(w.latency.p95Us)}`).join('; ')}`} />
    </figure>
  );
}
