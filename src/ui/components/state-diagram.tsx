import { memo, useId, useMemo, useState } from 'react';
import type { AnyStateMachine } from 'xstate';
import { routingConnectionMachine } from '../../machines/sysplex/apps/routing-app.machine';
import { targetConnectionMachine } from '../../machines/sysplex/apps/target-app.machine';
import { routingStackMachine } from '../../machines/sysplex/routing-stack.machine';
import { targetStackMachine } from '../../machines/sysplex/target-stack.machine';
import { transferMachine } from '../../machines/sysplex/transfer.machine';
import { vipaStatusMachine } from '../../machines/sysplex/vipa-status.machine';
import { tcpConnectionMachine } from '../../machines/tcp-connection.machine';
import { machineDiagram, ROUTING_STACK_GRID, TCP_GRID, TARGET_STACK_GRID, VIPA_STATUS_GRID, type DiagramEdge, type DiagramGrid, type DiagramState } from '../viewmodel/machine-diagram';
import type { StateAt, TcpView } from '../viewmodel/state-at';

const BOX_W = 120;
const BOX_H = 30;
/** Labels longer than this are squeezed into the box rather than spilling over its edges. */
const LONG_LABEL = 17;
/** How far apart the two arrows of a pair of opposite transitions are drawn, so both stay visible. */
const PAIR_GAP = 4;
const NO_GRID: DiagramGrid = {};

/** One machine the panel can draw: from the XState definition that runs in the simulation, with the instance to highlight. */
interface Choice {
  readonly id: string;
  readonly title: string;
  /** The traced machine's kind (the first word of its trace name), for data-machine. */
  readonly kind: string;
  readonly machine: AnyStateMachine;
  readonly grid: DiagramGrid;
  /** The state's table the instance is in: TCP machines, or the sysplex's other machines. */
  readonly table: 'tcp' | 'machines';
  readonly current: (table: ReadonlyMap<string, TcpView>) => TcpView | undefined;
  /** What the status line adds after the state, e.g. the connection. */
  readonly detail: (view: TcpView) => string;
}

/** The instance to show of a per-connection kind: the client's TCP connection, else the machine of this kind that changed last. */
function latestOf(prefix: string): (table: ReadonlyMap<string, TcpView>) => TcpView | undefined {
  if (prefix === 'tcp ') {
    return (table) => {
      const machines = [...table.values()].filter((t) => !t.machine.endsWith('0.0.0.0:0'));
      return machines.find((t) => t.node.startsWith('client')) ?? machines[0];
    };
  }
  return (table) => {
    let latest: TcpView | undefined;
    for (const m of table.values()) if (m.machine.startsWith(prefix) && (!latest || m.since > latest.since)) latest = m;
    return latest;
  };
}

function perConnection(id: string, title: string, machine: AnyStateMachine, grid: DiagramGrid = NO_GRID): Choice {
  const prefix = `${id} `;
  return { id, title, kind: id, machine, grid, table: id === 'tcp' ? 'tcp' : 'machines', current: latestOf(prefix), detail: (v) => v.machine.slice(prefix.length) };
}

/** Per-connection machines: one entry each, showing the instance that changed last. */
const CONNECTION_CHOICES: readonly Choice[] = [
  perConnection('tcp', 'TCP connection (RFC 9293)', tcpConnectionMachine, TCP_GRID),
  perConnection('routing-app', 'Routing app, per connection', routingConnectionMachine),
  perConnection('transfer', 'Transfer, on the routing stack', transferMachine),
  perConnection('target-app', 'Target app, per connection', targetConnectionMachine),
];

/** Per-stack machines: one entry per stack that runs one, named after the stack. */
const STACK_KINDS: readonly { readonly kind: string; readonly title: (node: string) => string; readonly machine: AnyStateMachine; readonly grid: DiagramGrid }[] = [
  { kind: 'routing-stack', title: (node) => `Routing stack ${node}`, machine: routingStackMachine, grid: ROUTING_STACK_GRID },
  { kind: 'target-stack', title: (node) => `Target stack ${node}`, machine: targetStackMachine, grid: TARGET_STACK_GRID },
  { kind: 'vipa-status', title: (node) => `DVIPA status on ${node}`, machine: vipaStatusMachine, grid: VIPA_STATUS_GRID },
];

/** The entry for `kind` on `node` (id "kind node", the key the state fold uses reversed). */
function stackChoice(kind: string, node: string): Choice | undefined {
  const k = STACK_KINDS.find((s) => s.kind === kind);
  if (!k) return undefined;
  return { id: `${kind} ${node}`, title: k.title(node), kind, machine: k.machine, grid: k.grid, table: 'machines', current: (machines) => machines.get(`${node} ${kind}`), detail: () => '' };
}

/**
 * The entries at this step: the per-connection kinds, then every stack
 * machine the trace has started so far, in kind then stack order. The chosen
 * entry stays listed even before its machine starts, so stepping back does
 * not silently switch the panel to another machine.
 */
function choicesAt(machines: StateAt['machines'], chosenId: string): readonly Choice[] {
  const order = (kind: string): number => STACK_KINDS.findIndex((s) => s.kind === kind);
  const stacks = [...machines.values()]
    .filter((m) => order(m.machine) >= 0)
    .sort((a, b) => order(a.machine) - order(b.machine) || a.node.localeCompare(b.node, 'en', { numeric: true }))
    .flatMap((m) => stackChoice(m.machine, m.node) ?? []);
  const listed = [...CONNECTION_CHOICES, ...stacks];
  if (listed.some((c) => c.id === chosenId)) return listed;
  const [kind = '', node = ''] = chosenId.split(' ');
  const chosen = stackChoice(kind, node);
  return chosen ? [...listed, chosen] : listed;
}

/**
 * A state machine of the run, drawn from its XState definition, the current state highlighted. It takes
 * the state's two machine tables, not the state: a step that changed neither (the fold shares unchanged
 * maps) does not render it, and one that changed the other table recomputes nothing.
 */
export const TcpStateDiagram = memo(function TcpStateDiagram({ tcp, machines }: Pick<StateAt, 'tcp' | 'machines'>) {
  const [chosenId, setChosenId] = useState('tcp');
  const choices = useMemo(() => choicesAt(machines, chosenId), [machines, chosenId]);
  const choice = choices.find((c) => c.id === chosenId) ?? choices[0];
  const table = choice ? (choice.table === 'tcp' ? tcp : machines) : null;
  const current = useMemo(() => (choice && table ? choice.current(table) : undefined), [choice, table]);
  const selectId = useId();
  if (!choice) return null;
  const detail = current ? choice.detail(current) : '';
  return (
    <section className="state-diagram" aria-labelledby="state-diagram-title" tabIndex={0}>
      <h2 id="state-diagram-title">State machines</h2>
      <label htmlFor={selectId}>Machine</label>{' '}
      <select id={selectId} value={choice.id} onChange={(e) => setChosenId(e.target.value)}>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </select>
      <p>
        {current ? (
          <>
            {current.node}:{' '}
            <strong data-testid="tcp-state" data-machine={choice.kind} data-node={current.node}>
              {current.state}
            </strong>
            {detail && ` (${detail})`}
          </>
        ) : (
          `${choice.title}: not started yet at this step.`
        )}
      </p>
      <Diagram machine={choice.machine} grid={choice.grid} kind={choice.kind} current={current?.state} title={choice.title} />
    </section>
  );
});

/** Where the segment from the centre of box `a` towards the centre of box `b` leaves `a`'s border. */
function borderPoint(a: DiagramState, b: DiagramState): { x: number; y: number } {
  const cx = a.x + BOX_W / 2;
  const cy = a.y + BOX_H / 2;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.min(dx === 0 ? Infinity : BOX_W / 2 / Math.abs(dx), dy === 0 ? Infinity : BOX_H / 2 / Math.abs(dy));
  return { x: cx + dx * t, y: cy + dy * t };
}

/** One arrow per (from, to) pair, naming every event that takes it; opposite pairs drawn side by side. */
function Arrow({ a, b, edges, paired }: { a: DiagramState; b: DiagramState; edges: readonly DiagramEdge[]; paired: boolean }) {
  const start = borderPoint(a, b);
  const end = borderPoint(b, a);
  const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
  // Shift to the arrow's right: the opposite arrow, going the other way, lands on the other side.
  const off = paired ? PAIR_GAP : 0;
  const ox = (-(end.y - start.y) / length) * off;
  const oy = ((end.x - start.x) / length) * off;
  const events = edges.map((e) => (e.guard ? `${e.event} [${e.guard}]` : e.event)).join(', ');
  return (
    <line x1={start.x + ox} y1={start.y + oy} x2={end.x + ox} y2={end.y + oy} className="sd-edge" markerEnd="url(#sd-arrow)" data-edge={`${a.id}>${b.id}`}>
      <title>{`${a.id} → ${b.id} on ${events}`}</title>
    </line>
  );
}

/** Memoised: its props are the same on most steps (a machine and the name of its current state). */
const Diagram = memo(function Diagram({ machine, grid, kind, current, title }: { machine: AnyStateMachine; grid: DiagramGrid; kind: string; current: string | undefined; title: string }) {
  const diagram = useMemo(() => machineDiagram(machine, grid), [machine, grid]);
  const byId = new Map(diagram.states.map((s) => [s.id, s]));
  const pairs = new Map<string, DiagramEdge[]>();
  for (const e of diagram.edges) pairs.set(`${e.from}>${e.to}`, [...(pairs.get(`${e.from}>${e.to}`) ?? []), e]);
  return (
    <svg viewBox={`0 0 ${diagram.width} ${diagram.height}`} role="img" aria-label={`${title} state diagram; current state ${current ?? 'none'}`} data-machine={kind}>
      <defs>
        <marker id="sd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      {[...pairs].map(([key, edges]) => {
        const first = edges[0];
        const a = first && byId.get(first.from);
        const b = first && byId.get(first.to);
        return a && b ? <Arrow key={key} a={a} b={b} edges={edges} paired={pairs.has(`${b.id}>${a.id}`)} /> : null;
      })}
      {diagram.states.map((s) => (
        <StateBox key={s.id} s={s} here={s.id === current} />
      ))}
    </svg>
  );
});

function StateBox({ s, here }: { s: DiagramState; here: boolean }) {
  const label = here ? `▶ ${s.id}` : s.id;
  const squeeze = label.length > LONG_LABEL ? { textLength: BOX_W - 8, lengthAdjust: 'spacingAndGlyphs' as const } : {};
  return (
    <g data-state-box={s.id} data-current={here}>
      <rect x={s.x} y={s.y} width={BOX_W} height={BOX_H} rx={6} className={here ? 'sd-state sd-current' : 'sd-state'} />
      <text x={s.x + BOX_W / 2} y={s.y + BOX_H / 2 + 4} textAnchor="middle" className="sd-label" {...squeeze}>
        {label}
      </text>
    </g>
  );
}
