/**
 * "Export": save what the lab shows as files other tools read — a pcap per
 * capture point for Wireshark, the ladder as SVG, PNG or Mermaid text, the
 * scenario file `npm run sim` replays, the event log. Loaded lazily (with
 * React.lazy) so none of this weighs on the first paint.
 */
import { memo, useId, useMemo, useState } from 'react';
import { download, eventLogText, exportBaseName, ladderSvg, mermaidSequence, pcapFile, pcapPoints, pngBlob, scenarioJson, svgDocument } from '../export';
import { combineParams } from '../../share/forks';
import { useLabStore } from '../store/lab-store';
import { usePanel } from '../store/use-panel';
import type { CapturePoint } from '../../sim/net/capture';
import type { LabRun } from '../viewmodel/lab-run';
import './export-menu.css';

/** Props of the export menu. */
export interface ExportMenuProps {
  readonly run: LabRun;
  /** The current step (−1 before the first): the ladder exports stop there, as the ladder view does. */
  readonly step: number;
}

/** Pixels per SVG unit in the PNG: sharp on high-density screens and in slides. */
const PNG_SCALE = 2;

/** The lab's edits and forks as scenario parameters: the same ones the run was computed with. */
function useRunParams(scenario: string): Record<string, unknown> {
  const edits = useLabStore((s) => s.edits);
  const faults = useLabStore((s) => s.faults);
  const crash = useLabStore((s) => s.crash);
  const refusing = useLabStore((s) => s.refusing);
  return useMemo(() => combineParams(scenario, edits, { faults, crash, refusing }), [scenario, edits, faults, crash, refusing]);
}

type SetStatus = (status: string) => void;

/** Each export runs on click only (a PNG or a long ladder takes a moment) and says in the status line what happened. */
const saver =
  (setStatus: SetStatus) =>
  (what: string, make: () => Promise<void> | void) =>
  (): void => {
    setStatus(`Saving ${what}…`);
    void Promise.resolve()
      .then(make)
      .then(
        () => setStatus(`Saved ${what}.`),
        (e: unknown) => setStatus(`Could not save ${what}: ${e instanceof Error ? e.message : String(e)}`),
      );
  };

/**
 * The capture point and its pcap: memoised apart from the menu, which follows the step — a large run has
 * a capture point per client, and its list would otherwise be rendered again on every step. Rendered
 * only while the menu is open: finding the points scans every event (~18 ms in a 100k-event run), which
 * the first step after the page loaded paid before.
 */
const CaptureFieldset = memo(function CaptureFieldset({ run, setStatus, chosenPoint, setChosenPoint }: { run: LabRun; setStatus: SetStatus; chosenPoint: string; setChosenPoint: (point: string) => void }) {
  const points = useMemo(() => pcapPoints(run), [run]);
  const pointId = useId();
  const point = points.find((p) => p === chosenPoint) ?? points[0];
  const savePcap = (at: CapturePoint) => (): void => {
    const file = pcapFile(run, at);
    download(`${exportBaseName(run)}-${file.name}`, file.bytes, 'application/vnd.tcpdump.pcap');
  };
  return (
    <fieldset>
      <legend>Capture (pcap) per capture point</legend>
      {point === undefined ? (
        <p>This run sent no packets.</p>
      ) : (
        <>
          <label htmlFor={pointId}>Capture point</label>
          <select id={pointId} value={point} onChange={(e) => setChosenPoint(e.target.value)}>
            {points.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <button type="button" onClick={saver(setStatus)(`the capture at ${point}`, savePcap(point))}>
            Save capture (pcap)
          </button>
        </>
      )}
    </fieldset>
  );
});

/** The export menu: a disclosure named "Export" holding one button per file kind. */
export function ExportMenu({ run, step }: ExportMenuProps) {
  const selected = useLabStore((s) => s.selected);
  const exportPanel = usePanel('export');
  const params = useRunParams(run.scenario);
  const [status, setStatus] = useState('');
  const [chosenPoint, setChosenPoint] = useState('');
  const base = exportBaseName(run);
  const ladderName = `${base}-ladder-step${step}`;
  const save = saver(setStatus);
  const ladderDocument = (): string => svgDocument(ladderSvg(run, { step, selected }));
  const saveSvg = (): void => download(`${ladderName}.svg`, ladderDocument(), 'image/svg+xml');
  const savePng = async (): Promise<void> => download(`${ladderName}.png`, await pngBlob(ladderDocument(), PNG_SCALE), 'image/png');
  const saveMermaid = (): void => download(`${ladderName}.mmd`, mermaidSequence(run, { step, selected }), 'text/plain;charset=utf-8');
  const saveScenario = (): void => download(`${base}.json`, scenarioJson({ scenario: run.scenario, seed: run.seed, title: run.title, params }), 'application/json');
  const saveLog = (): void => download(`${base}-events.txt`, eventLogText(run), 'text/plain;charset=utf-8');

  return (
    <details className="export-menu" open={exportPanel.open} onToggle={exportPanel.onToggle}>
      <summary>Export</summary>
      <div className="export-menu-body">
        {exportPanel.open && <CaptureFieldset run={run} setStatus={setStatus} chosenPoint={chosenPoint} setChosenPoint={setChosenPoint} />}
        <fieldset>
          <legend>{step >= 0 ? `Ladder up to step ${step}` : 'Ladder (before the first step)'}</legend>
          <button type="button" onClick={save('the ladder as SVG', saveSvg)}>
            Ladder as SVG
          </button>
          <button type="button" onClick={save('the ladder as PNG', savePng)}>
            Ladder as PNG
          </button>
          <button type="button" onClick={save('the ladder as Mermaid', saveMermaid)}>
            Ladder as Mermaid
          </button>
        </fieldset>
        <fieldset>
          <legend>The whole run</legend>
          <button type="button" onClick={save('the scenario file', saveScenario)}>
            Scenario as JSON
          </button>
          <button type="button" onClick={save('the event log', saveLog)}>
            Event log as text
          </button>
        </fieldset>
        <p className="export-status" role="status">
          {status}
        </p>
      </div>
    </details>
  );
}
