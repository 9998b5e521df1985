import { useMemo } from 'react';
import { traceRows, type TraceRow } from '../run-view';
import type { LabRun } from '../viewmodel/lab-run';

/** The trace as a table, one row per event, in order. */
export function TraceTable({ rows }: { rows: readonly TraceRow[] }) {
  return (
    <section aria-labelledby="trace-title" className="trace">
      <h2 id="trace-title">Trace</h2>
      <table>
        <caption className="visually-hidden">Every event of the run, in order</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Where</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index} data-kind={r.kind} data-event-index={r.index}>
              <td>{r.index}</td>
              <td className="num">{r.time}</td>
              <td>{r.kind}</td>
              <td>{r.where}</td>
              <td className="what">{r.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The table for a run: rows built once per run. */
export function RunEvents({ run }: { run: LabRun }) {
  const rows = useMemo(() => traceRows(run), [run]);
  return <TraceTable rows={rows} />;
}
