/**
 * The event log as plain text: a header naming the run (so the file says how
 * to reproduce it), then one line per trace event built from the same rows as
 * the lab's event table. Pure.
 */
import { traceRows } from '../run-view';
import type { LabRun } from '../viewmodel/lab-run';

/** One line: no event text may break the one-line-per-event shape. */
const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]+/g, ' ');

/** The run's events as text: a header line starting with "#", then "index  time  kind  where  what" per event. */
export function eventLogText(run: LabRun): string {
  const rows = traceRows(run);
  const indexWidth = String(Math.max(0, rows.length - 1)).length;
  const timeWidth = rows.reduce((w, r) => Math.max(w, r.time.length), 0);
  const kindWidth = rows.reduce((w, r) => Math.max(w, r.kind.length), 0);
  const header = `# Handoff Lab event log: ${oneLine(run.title)} (scenario ${run.scenario}, seed ${run.seed}, trace hash ${run.hash}, ${rows.length} events)`;
  const lines = rows.map((r) => [String(r.index).padStart(indexWidth), r.time.padStart(timeWidth), r.kind.padEnd(kindWidth), oneLine(r.where), oneLine(r.what)].join('  '));
  return `${[header, ...lines].join('\n')}\n`;
}
