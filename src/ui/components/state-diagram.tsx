import { useId, useMemo, useState } from 'react';
import type { AnyStateMachine } from 'xstate';
import { routingConnectionMachine } from '../../machines/sysplex/apps/routing-app.machine';
import { targetConnectionMachine } from '../../machines/sysplex/apps/target-app.machine';
import { transferMachine } from '../../machines/sysplex/transfer.machine';
import { tcpConnectionMachine } from '../../machines/tcp-connection.machine';
import { machineDiagram } from '../viewmodel/machine-diagram';
import type { StateAt, TcpView } from '../viewmodel/state-at';

const BOX_W = 120;
const BOX_H = 30;
const NO_GRID = {};

/** The machines the panel can draw: each from the XState definition that runs in the simulation. */
const KINDS: readonly { readonly id: string; readonly title: string; readonly prefix: string; readonly machine: AnyStateMachine; readonly rfc: boolean }[] = [
  { id: 'tcp', title: 'TCP connection (RFC 9293)', prefix: 'tcp ', machine: tcpConnectionMachine, rfc: true },
  { id: 'routing-app', title: 'Routing app, per connection', prefix: 'routing-app ', machine: routingConnectionMachine, rfc: false },
  { id: 'transfer', title: 'Transfer, on the routing stack', prefix: 'transfer ', machine: transferMachine, rfc: false },
  { id: 'target-app', title: 'Target app, per connection', prefix: 'target-app ', machine: targetConnectionMachine, rfc: false },
];

/** The instance to show: the client's TCP connection, else the machine of this kind that changed last. */
function currentOf(kind: (typeof KINDS)[number], state: StateAt): TcpView | undefined {
  if (kind.id === 'tcp') {
    const machines = [...state.tcp.values()].filter((t) => !t.machine.endsWith('0.0.0.0:0'));
    return machines.find((t) => t.node.startsWith('client')) ?? machines[0];
  }
  let latest: TcpView | undefined;
  for (const m of state.machines.values()) if (m.machine.startsWith(kind.prefix) && (!latest || m.since > latest.since)) latest = m;
  return latest;
}

/** A state machine of the run, drawn from its XState definition, the current state highlighted. */
export function TcpStateDiagram({ state }: { state: StateAt }) {
  const [kindId, setKindId] = useState('tcp');
  const kind = KINDS.find((k) => k.id === kindId) ?? KINDS[0];
  const selectId = useId();
  if (!kind) return null;
  const current = currentOf(kind, state);
  return (
    <section className="state-diagram" aria-labelledby="state-diagram-title" tabIndex={0}>
      <h2 id="state-diagram-title">State machines</h2>
      <label htmlFor={selectId}>Machine</label>{' '}
      <select id={selectId} value={kind.id} onChange={(e) => setKindId(e.target.value)}>
        {KINDS.map((k) => (
          <option key={k.id} value={k.id}>
            {k.title}
          </option>
        ))}
      </select>
      <p>
        {current ? (
          <>
            {current.node}: <strong data-testid="tcp-state" data-machine={kind.id}>{current.state}</strong> ({current.machine.slice(kind.prefix.length)})
          </>
        ) : (
          `No ${kind.title.toLowerCase()} machine yet at this step.`
        )}
      </p>
      <Diagram machine={kind.machine} rfc={kind.rfc} current={current?.state} title={kind.title} />
    </section>
  );
}

function Diagram({ machine, rfc, current, title }: { machine: AnyStateMachine; rfc: boolean; current: string | undefined; title: string }) {
  const diagram = useMemo(() => (rfc ? machineDiagram(machine) : machineDiagram(machine, NO_GRID)), [machine, rfc]);
  const byId = new Map(diagram.states.map((s) => [s.id, s]));
  return (
    <svg viewBox={`0 0 ${diagram.width} ${diagram.height}`} role="img" aria-label={`${title} state diagram; current state ${current ?? 'none'}`}>
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
        const here = s.id === current;
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
  );
}
