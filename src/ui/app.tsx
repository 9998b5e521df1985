import { useMemo } from 'react';
import { TraceTable } from './components/trace-table';
import { RunControls } from './components/run-controls';
import { useLabStore } from './store/lab-store';
import { runView } from './run-view';

/** The lab page: for now, one small scenario run in the page and its trace. */
export function App() {
  const seed = useLabStore((s) => s.seed);
  const faults = useLabStore((s) => s.faults);
  const urlError = useLabStore((s) => s.urlError);
  const view = useMemo(() => runView(seed, faults), [seed, faults]);
  return (
    <main className="lab">
      <header className="lab-header">
        <h1>Handoff Lab</h1>
        <p className="lede">
          A deterministic simulation of a TCP/IP network with real packet bytes. This first scenario sends UDP requests from a
          client through a router to a server; every event below comes from the simulation's trace.
        </p>
      </header>
      {urlError && (
        <p role="alert" className="alert">
          {urlError}
        </p>
      )}
      <RunControls />
      <section aria-labelledby="run-summary-title" className="summary">
        <h2 id="run-summary-title">Run</h2>
        <dl>
          <dt>Seed</dt>
          <dd data-testid="seed">{seed}</dd>
          <dt>Trace hash</dt>
          <dd>
            <output data-testid="trace-hash" data-trace-hash={view.hash}>
              {view.hash}
            </output>
          </dd>
          <dt>Events</dt>
          <dd data-testid="event-count">{view.eventCount}</dd>
          <dt>Packets</dt>
          <dd>{view.packetCount}</dd>
          <dt>Simulated time</dt>
          <dd>{view.endTime}</dd>
        </dl>
      </section>
      <TraceTable rows={view.rows} />
    </main>
  );
}
