/**
 * A state diagram drawn from an XState machine's own definition — the same
 * object that runs the simulation — so the picture cannot drift from the
 * code: states from `config.states`, arrows from each state's `on` table.
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
  readonly event: string;
}

/** A laid-out diagram. */
export interface MachineDiagram {
  readonly states: readonly DiagramState[];
  readonly edges: readonly DiagramEdge[];
  readonly width: number;
  readonly height: number;
}

/** Where each RFC 9293 state sits, following the RFC's Figure 5 (columns × rows). */
const TCP_GRID: Readonly<Record<string, readonly [number, number]>> = {
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

function targetOf(t: unknown): string | null {
  const first = Array.isArray(t) ? (t as unknown[])[0] : t;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'target' in first) {
    const target = (first as { target?: unknown }).target;
    return typeof target === 'string' ? target : null;
  }
  return null;
}

/** Lay out a machine's states on a grid (RFC figure for TCP, rows otherwise) and list its transitions. */
export function machineDiagram(machine: AnyStateMachine, grid: Readonly<Record<string, readonly [number, number]>> = TCP_GRID): MachineDiagram {
  const config = machine.config as { states?: Record<string, { on?: Record<string, unknown> }> };
  const names = Object.keys(config.states ?? {});
  const states = names.map((id, i) => {
    const [col, row] = grid[id] ?? [i % 3, Math.floor(i / 3)];
    return { id, x: 20 + col * 150, y: 20 + row * 64 };
  });
  const edges: DiagramEdge[] = [];
  for (const [from, s] of Object.entries(config.states ?? {})) {
    for (const [event, t] of Object.entries(s.on ?? {})) {
      const to = targetOf(t);
      if (to && to !== from) edges.push({ from, to, event });
    }
  }
  const rows = Math.max(1, ...states.map((st) => (st.y - 20) / 64 + 1));
  return { states, edges, width: 20 + 3 * 150, height: 20 + rows * 64 };
}
