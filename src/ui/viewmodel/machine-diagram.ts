/**
 * A state diagram drawn from an XState machine's own definition — the same
 * object that runs the simulation — so the picture cannot drift from the
 * code: states from the machine's root state nodes, arrows from each state's
 * resolved transitions (every target of a guarded list, and eventless
 * `always` transitions, which carry the choices a state makes on entry).
 */
import type { AnyStateMachine } from 'xstate';

/** One state box. */
export interface DiagramState {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

/** One transition arrow. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  /** The event type, or 'always' for an eventless transition. */
  readonly event: string;
  /** The named guard, when the transition has one (inline guards have no name to show). */
  readonly guard?: string;
}

/** A laid-out diagram. */
export interface MachineDiagram {
  readonly states: readonly DiagramState[];
  readonly edges: readonly DiagramEdge[];
  readonly width: number;
  readonly height: number;
}

/** Where each state sits: [column, row], three columns. */
export type DiagramGrid = Readonly<Record<string, readonly [number, number]>>;

/** Where each RFC 9293 state sits, following the RFC's Figure 5 (columns × rows). */
export const TCP_GRID: DiagramGrid = {
  CLOSED: [1, 0],
  LISTEN: [1, 1],
  'SYN-SENT': [2, 2],
  'SYN-RECEIVED': [0, 2],
  ESTABLISHED: [1, 3],
  'FIN-WAIT-1': [0, 4],
  'CLOSE-WAIT': [2, 4],
  'FIN-WAIT-2': [0, 5],
  CLOSING: [1, 5],
  'LAST-ACK': [2, 5],
  'TIME-WAIT': [1, 6],
};

/** The routing stack: its start choice on top, waiting, distributing and proxying side by side, down below. */
export const ROUTING_STACK_GRID: DiagramGrid = { starting: [1, 0], waitingForRoutingApp: [0, 1], distributing: [2, 1], proxying: [3, 1], down: [1, 2] };

/** A target stack: joined to serving along the top (straight, for a server behind Sysplex Distributor), registering dipped below, down under serving. */
export const TARGET_STACK_GRID: DiagramGrid = { joined: [0, 0], serving: [2, 0], appRegistered: [1, 1], down: [2, 1] };

/** The DVIPA status: active and backup face each other across an empty middle, so no arrow crosses a third box. */
export const VIPA_STATUS_GRID: DiagramGrid = { joining: [1, 0], active: [0, 1], backup: [2, 1], down: [1, 2], moving: [2, 2] };

const COLUMN_W = 150;
const ROW_H = 64;
const MARGIN = 20;

/** The resolved transition shape this module reads (a narrow view of XState's TransitionDefinition). */
interface Transition {
  readonly target?: readonly { readonly key: string }[] | undefined;
  readonly guard?: unknown;
}

/** The resolved state node shape this module reads. */
interface StateNodeView {
  readonly transitions: ReadonlyMap<string, readonly Transition[]>;
  readonly always?: readonly Transition[] | undefined;
}

/** Arrows for one event's transitions out of `from`: one per target, self-transitions left out. */
function edgesOf(from: string, event: string, transitions: readonly Transition[]): DiagramEdge[] {
  return transitions.flatMap((t) =>
    (t.target ?? [])
      .filter((node) => node.key !== from)
      .map((node) => (typeof t.guard === 'string' ? { from, to: node.key, event, guard: t.guard } : { from, to: node.key, event })),
  );
}

/** Lay out a machine's states on a grid (RFC figure for TCP, rows of three otherwise) and list its transitions. */
export function machineDiagram(machine: AnyStateMachine, grid: DiagramGrid = TCP_GRID): MachineDiagram {
  const nodes = machine.root.states as Readonly<Record<string, StateNodeView>>;
  const states = Object.keys(nodes).map((id, i) => {
    const [col, row] = grid[id] ?? [i % 3, Math.floor(i / 3)];
    return { id, x: MARGIN + col * COLUMN_W, y: MARGIN + row * ROW_H };
  });
  const edges = Object.entries(nodes).flatMap(([from, node]) => [
    ...[...node.transitions].flatMap(([event, ts]) => edgesOf(from, event, ts)),
    ...edgesOf(from, 'always', node.always ?? []),
  ]);
  const rows = Math.max(1, ...states.map((st) => (st.y - MARGIN) / ROW_H + 1));
  return { states, edges, width: MARGIN + 3 * COLUMN_W, height: MARGIN + rows * ROW_H };
}
