import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { LabRun } from '../viewmodel/lab-run';
import { timeSequence, tsgConnections, type TsgDirection } from './time-sequence';
import { renderTsg } from './tsg-chart';
import './tsg.css';

/** A Stevens time-sequence graph for any connection a client took part in, with the current step marked. */
export function TsgPanel({ run, step }: { run: LabRun; step: number }) {
  const connections = useMemo(() => tsgConnections(run), [run]);
  const [chosen, setChosen] = useState('');
  const [direction, setDirection] = useState<TsgDirection>('to-client');
  const conn = connections.find((c) => c.key === chosen) ?? connections[0];
  const model = useMemo(() => (conn ? timeSequence(run, conn.key, direction) : null), [run, conn, direction]);
  const ref = useRef<SVGSVGElement>(null);
  const now = step >= 0 ? (run.events[step]?.time ?? null) : null;
  useEffect(() => {
    if (ref.current && model) renderTsg(ref.current, model, now);
  }, [model, now]);
  const connId = useId();
  const dirId = useId();
  if (!conn || !model) return <p>No client connection in this run.</p>;
  const retransmissions = model.data.filter((d) => d.retransmission).length;
  return (
    <div className="tsg">
      <label htmlFor={connId}>Connection</label>{' '}
      <select id={connId} value={conn.key} onChange={(e) => setChosen(e.target.value)}>
        {connections.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>{' '}
      <label htmlFor={dirId}>Data</label>{' '}
      <select id={dirId} value={direction} onChange={(e) => setDirection(e.target.value as TsgDirection)}>
        <option value="to-client">server → client</option>
        <option value="to-server">client → server</option>
      </select>
      <svg
        ref={ref}
        role="img"
        data-segments={model.data.length}
        data-retransmissions={retransmissions}
        aria-label={`Time-sequence graph: ${model.data.length} data segments, ${retransmissions} retransmitted, last ACK ${model.acks.at(-1)?.ack ?? 0}`}
      />
      <p className="tsg-key">I-beams: data segments (R: retransmission) · solid steps: ACKs · dashed steps: window edge · vertical rule: this step.</p>
    </div>
  );
}
