/**
 * Hosts the XState TCP machine on the simulation kernel through XState's pure
 * `transition()`: no actors, no timers, no clock. Because the machine has no
 * context and no guards, `transition()` is a function of (state, event) alone,
 * so each pair is computed once through XState and then memoised — a run with
 * thousands of connections pays XState's cost eleven-times-fourteen times at
 * most, not once per segment. A test checks the memo against live transitions.
 */
import { transition, type SnapshotFrom } from 'xstate';
import { TCP_STATES, type TcpControl, type TcpControlAction, type TcpControlEventType, type TcpControlStep, type TcpState } from '../sim/tcp/control';
import { tcpConnectionMachine } from './tcp-connection.machine';

type Snapshot = SnapshotFrom<typeof tcpConnectionMachine>;

const snapshots = new Map<TcpState, Snapshot>();

/** The machine's snapshot for a state (resolved once per state). */
export function snapshotFor(state: TcpState): Snapshot {
  let snap = snapshots.get(state);
  if (!snap) {
    snap = tcpConnectionMachine.resolveState({ value: state, context: {} });
    snapshots.set(state, snap);
  }
  return snap;
}

/** One live (unmemoised) step through XState: null when the event is not allowed in `state`. */
export function liveStep(state: TcpState, event: TcpControlEventType): TcpControlStep | null {
  const snap = snapshotFor(state);
  if (!snap.can({ type: event })) return null;
  const [next, actions] = transition(tcpConnectionMachine, snap, { type: event });
  const target = next.value;
  if (!TCP_STATES.includes(target)) throw new Error(`machine reached unknown state ${String(next.value)}`);
  return { target, actions: actions.map((a) => a.type as TcpControlAction) };
}

/** state → event → step: two probes with the interned name strings, no key built per call. */
const memo = new Map<TcpState, Map<TcpControlEventType, TcpControlStep | null>>();

/** The TCP control machine as the engine uses it. */
export const xstateTcpControl: TcpControl = {
  step(state, event) {
    let byEvent = memo.get(state);
    if (!byEvent) {
      byEvent = new Map();
      memo.set(state, byEvent);
    }
    let step = byEvent.get(event);
    if (step === undefined) {
      step = liveStep(state, event);
      byEvent.set(event, step);
    }
    return step;
  },
};
