import { useMemo } from 'react';
import { tcpConnectionMachine } from '../../machines/tcp-connection.machine';
import { machineDiagram } from '../viewmodel/machine-diagram';
import type { StateAt } from '../viewmodel/state-at';

const BOX_W = 120;
const BOX_H = 30;

/** The TCP state machine, drawn from the machine that runs the simulation; the connection's current state highlighted. */
export function TcpStateDiagram({ state }: { state: StateAt }) {
  const diagram = useMemo(() => machineDiagram(tcpConnectionMachine), []);
  const machines = [...state.tcp.values()].filter((t) => !t.machine.endsWith('0.0.0.0:0'));
  const current = machines.find((t) => t.node.startsWith('client')) ?? machines[0];
  const byId = new Map(diagram.states.map((s) => [s.id, s]));
  return (
    <section className="state-diagram" aria-labelledby="state-diagram-title" tabIndex={0}>
      <h2 id="state-diagram-title">TCP state machine</h2>
      <p>
        {current ? (
          <>
            {current.node}: <strong data-testid="tcp-state">{current.state}</strong> ({current.machine.replace(/^tcp /, '')})
          </>
        ) : (
          'No connection yet.'
        )}
      </p>
      <svg viewBox={`0 0 ${diagram.width} ${diagram.height}`} role="img" aria-label={`RFC 9293 state diagram; current state ${current?.state ?? 'none'}`}>
        <defs>
          <marker id="sd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {diagram.edges.map((e) => {
          const a = byId.get(e.from);
          const b = byId.get(e.to);
          if (!a || !b) return null;
          return <line key={`${e.from}-${e.event}`} x1={a.x + BOX_W / 2} y1={a.y + BOX_H / 2} x2={b.x + BOX_W / 2} y2={b.y + BOX_H / 2} className="sd-edge" markerEnd="url(#sd-arrow)"><title>{`${e.from} → ${e.to} on ${e.event}`}</title></line>;
        })}
        {diagram.states.map((s) => {
          const here = s.id === current?.state;
          return (
            <g key={s.id} data-state-box={s.id} data-current={here}>
              <rect x={s.x} y={s.y} width={BOX_W} height={BOX_H} rx={6} className={here ? 'sd-state sd-current' : 'sd-state'} />
              <text x={s.x + BOX_W / 2} y={s.y + BOX_H / 2 + 4} textAnchor="middle" className="sd-label">
                {here ? `▶ ${s.id}` : s.id}
              </text>
            </g>
          );
        })}
      </svg>
    </section>
  );
}
