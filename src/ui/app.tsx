import { ClaimsPanel, NarrationPanel } from './components/narration-panel';
import { lazy, memo, Suspense, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { FaultMenu } from './components/fault-menu';
import { InvariantChips } from './components/invariant-chips';
import { LadderView } from './components/ladder-view';
import { ModeBar } from './components/mode-bar';
import { Guide } from './components/guide/guide';
import { EditorPanel } from './editor/editor-panel';
import { TopologyView } from './components/topology-view';
import { ScenarioControls } from './components/scenario-controls';
import { ShortcutsDialog } from './components/shortcuts-dialog';
import { TablesPanel } from './components/tables-panel';
import { TcpStateDiagram } from './components/state-diagram';
import { Timeline } from './components/timeline';
import { useLabRun, type LabRunState } from './hooks/use-lab-run';
import { panelStepOf, useLabStore } from './store/lab-store';
import { usePanel } from './store/use-panel';
import { scenarioInfo } from '../scenarios/catalog';

/** The lab: one run, one timeline, linked views. Only the run area below follows the step. */
export function App() {
  const scenario = useLabStore((s) => s.scenario);
  const seed = useLabStore((s) => s.seed);
  const urlError = useLabStore((s) => s.urlError);
  const faults = useLabStore((s) => s.faults);
  const crash = useLabStore((s) => s.crash);
  const refusing = useLabStore((s) => s.refusing);
  const mode = useLabStore((s) => s.mode);
  const edits = useLabStore((s) => s.edits);
  const forks = useMemo(() => ({ faults, crash, refusing }), [faults, crash, refusing]);
  const result = useLabRun(scenario, seed, edits, forks);
  const run = 'run' in result ? result.run : null;
  return (
    <main className={`lab lab-${mode}`} data-mode={mode}>
      <header className="lab-header">
        <h1>Handoff Lab</h1>
        {mode === 'lab' && (
          <p className="lede">
            Watch a live TCP connection move between the stacks of a sysplex that answers on one virtual IP address — and see why the
            client never notices. Every picture below is drawn from a deterministic simulation with real packet bytes.
          </p>
        )}
        <ModeBar title={run?.title ?? scenarioInfo(scenario)?.title ?? scenario} />
      </header>
      {urlError && (
        <p role="alert" className="alert">
          {urlError}
        </p>
      )}
      {mode === 'lab' && <Guide run={run} />}
      {mode === 'lab' && <ScenarioControls />}
      {mode === 'lab' && <EditorPanel />}
      {'error' in result && (
        <p role="alert" className="alert">
          This scenario could not run: {result.error}
        </p>
      )}
      {'loading' in result && (
        <p role="status" className="running">
          Running the simulation…
        </p>
      )}
      {'run' in result && <RunArea result={result} />}
      <ShortcutsDialog />
      <Blank />
    </main>
  );
}

/**
 * The part of the page that follows the step (the header, controls and editor above do not re-render
 * on every step while playing). The views and the read-out follow every step; the slower panels
 * follow `panelStepOf` (a few times a second while playing, every step while paused).
 */
function RunArea({ result }: { result: Extract<LabRunState, { run: unknown }> }) {
  const step = useLabStore((s) => s.step);
  const panelStep = useLabStore(panelStepOf);
  const { run, folder } = result;
  const last = run.events.length - 1;
  // Once per panel step, not once per render: a step forward folds one event, and shares the tables it did not change.
  const state = useMemo(() => folder.at(panelStep), [folder, panelStep]);
  return (
    <div className="run-area" aria-busy={result.pending} data-pending={result.pending}>
      <Lab run={run} step={Math.min(step, last)} panelStep={Math.min(panelStep, last)} state={state} />
      <FaultMenu run={run} />
    </div>
  );
}

// The inspector (dissectors, hex dump) loads after the first paint: it is not needed to start.
// Memoised: it re-renders only when the event it shows changes, not on every step.
// Comparison mode (charts, and a worker running three simulations) loads when opened.
const ComparePanel = lazy(() => import('./compare/compare-panel').then((m) => ({ default: m.ComparePanel })));

/** Comparison mode, in a fold a link can reopen. */
function CompareDetails() {
  const { open, onToggle } = usePanel('compare');
  return (
    <details className="compare-details" open={open} onToggle={onToggle}>
      <summary>Comparison mode: handoff vs L7 proxy vs SYN-time distribution, measured</summary>
      {open && (
        <Suspense fallback={<p>Loading comparison mode…</p>}>
          <ComparePanel />
        </Suspense>
      )}
    </details>
  );
}

// The time-sequence graph decodes a connection's packets: it loads when opened.
const TsgPanel = lazy(() => import('./tsg/tsg-panel').then((m) => ({ default: m.TsgPanel })));

/** The Stevens time-sequence graph, in a fold a link can reopen. */
const TsgDetails = memo(function TsgDetails({ run, step }: { run: import('./viewmodel/lab-run').LabRun; step: number }) {
  const { open, onToggle } = usePanel('tsg');
  return (
    <details className="tsg-details" open={open} onToggle={onToggle}>
      <summary>Time-sequence graph (sequence numbers against time, as tcptrace draws them)</summary>
      {open && (
        <Suspense fallback={<p>Loading the graph…</p>}>
          <TsgPanel run={run} step={step} />
        </Suspense>
      )}
    </details>
  );
});

// Exports (pcap writer, SVG/PNG/Mermaid builders) load when the lab has drawn.
// Memoised: it follows the panel step, not every step (see RunArea).
const ExportMenu = memo(lazy(() => import('./components/export-menu').then((m) => ({ default: m.ExportMenu }))));
const Inspector = memo(lazy(() => import('./components/inspector').then((m) => ({ default: m.Inspector }))));

/**
 * The inspector shows the selected event, or the current step when nothing is selected.
 * Following the step is deferred: the step's other views commit first and the (costly) packet
 * dissection follows as a low-priority, interruptible update; while playing it waits for the pause.
 */
const InspectorPanel = memo(function InspectorPanel({ run, step }: { run: import('./viewmodel/lab-run').LabRun; step: number }) {
  const selected = useLabStore((s) => s.selected);
  const select = useLabStore((s) => s.select);
  // While playing, the inspector holds the step it showed when play started; it follows again on pause.
  const playing = useLabStore((s) => s.playing);
  const [held, setHeld] = useState(step);
  if (!playing && held !== step) setHeld(step);
  const followed = useDeferredValue(playing ? held : step);
  const onClose = useCallback(() => select(null), [select]);
  return (
    <Suspense fallback={<p>Loading the inspector…</p>}>
      <Inspector run={run} selected={selected ?? (followed >= 0 ? followed : null)} onClose={onClose} />
    </Suspense>
  );
});

// The full event list decodes every packet: its code and its rows load only when it is opened.
const RunEvents = lazy(() => import('./components/trace-table').then((m) => ({ default: m.RunEvents })));

/** The full event list, in a fold a link can reopen. */
const TraceDetails = memo(function TraceDetails({ run }: { run: import('./viewmodel/lab-run').LabRun }) {
  const { open, onToggle } = usePanel('events');
  return (
    <details className="trace-details" open={open} onToggle={onToggle}>
      <summary>Every event of the run</summary>
      {open && (
        <Suspense fallback={<p>Decoding the events…</p>}>
          <RunEvents run={run} />
        </Suspense>
      )}
    </details>
  );
});

/** Topology and ladder, linked by the step and the selection. */
function Views({ run, step }: { run: import('./viewmodel/lab-run').LabRun; step: number }) {
  const selected = useLabStore((s) => s.selected);
  const select = useLabStore((s) => s.select);
  return (
    <div className="views">
      <section className="topology-panel" aria-label="Topology" tabIndex={0}>
        <TopologyView run={run} step={step} selected={selected} onSelect={select} />
      </section>
      <section className="ladder-panel" aria-label="Ladder diagram" tabIndex={0}>
        <LadderView run={run} step={step} selected={selected} onSelect={select} />
      </section>
    </div>
  );
}

/** Presenter mode's blank screen: covers the page until `.` is pressed again. */
function Blank() {
  const blanked = useLabStore((s) => s.blanked);
  if (!blanked) return null;
  return (
    <div className="blank" role="status">
      Screen blanked — press . to return.
    </div>
  );
}

/** The run's name, seed, hash and size: the same on every step. */
const RunFacts = memo(function RunFacts({ run }: { run: import('./viewmodel/lab-run').LabRun }) {
  const title = useLabStore((s) => s.title);
  return (
    <dl>
      {title && (
        <>
          <dt>Title</dt>
          <dd data-testid="share-title">{title}</dd>
        </>
      )}
      <dt>Scenario</dt>
      <dd data-testid="scenario">{run.title}</dd>
      <dt>Seed</dt>
      <dd data-testid="seed">{run.seed}</dd>
      <dt>Trace hash</dt>
      <dd>
        <output data-testid="trace-hash" data-trace-hash={run.hash}>
          {run.hash}
        </output>
      </dd>
      <dt>Events</dt>
      <dd data-testid="event-count">{run.events.length}</dd>
    </dl>
  );
});

/** Narration, tables, TCP state diagram and claims: they follow the panel step (see RunArea). */
const Panels = memo(function Panels({ run, step, state }: { run: import('./viewmodel/lab-run').LabRun; step: number; state: import('./viewmodel/state-at').StateAt }) {
  return (
    <div className="panels">
      <NarrationPanel run={run} step={step} />
      <TablesPanel state={state} />
      <TcpStateDiagram tcp={state.tcp} machines={state.machines} />
      <ClaimsPanel run={run} step={step} />
    </div>
  );
});

/** What follows the step: `step` for the chips, timeline and views; `panelStep` for the slower panels and the exports. */
function Lab({ run, step, panelStep, state }: { run: import('./viewmodel/lab-run').LabRun; step: number; panelStep: number; state: import('./viewmodel/state-at').StateAt }) {
  const mode = useLabStore((s) => s.mode);
  return (
    <>
      <section className="summary" aria-label="Run">
        <RunFacts run={run} />
        <InvariantChips run={run} step={step} />
        {mode === 'lab' && (
          <Suspense fallback={null}>
            <ExportMenu run={run} step={panelStep} />
          </Suspense>
        )}
      </section>
      <Timeline run={run} />
      <Views run={run} step={step} />
      <Panels run={run} step={panelStep} state={state} />
      <InspectorPanel run={run} step={step} />
      <TsgDetails run={run} step={panelStep} />
      {mode === 'lab' && <TraceDetails run={run} />}
      {mode === 'lab' && <CompareDetails />}
    </>
  );
}
