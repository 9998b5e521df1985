/**
 * Faults a person adds by clicking on an object of a run (a segment, a stack,
 * a target app), as data: replaying the scenario with them forks the timeline
 * at the step where the first one bites, and everything before that step is
 * the same run (same seed, same events). A dropped segment is named by the
 * interface that sent it and its ordinal on that interface, which is stable
 * across replays.
 */
import * as v from 'valibot';
import type { Network } from '../sim/net/network';

/** One scripted fault. */
export const ScriptedFaultSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('drop'), node: v.pipe(v.string(), v.maxLength(40)), iface: v.pipe(v.string(), v.maxLength(40)), ordinal: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000)) }),
]);

/** Scripted faults, at most a few dozen. */
export const ScriptedFaultsSchema = v.pipe(v.array(ScriptedFaultSchema), v.maxLength(64));

/** A scripted fault as data. */
export type ScriptedFault = v.InferOutput<typeof ScriptedFaultSchema>;

/** Apply scripted drops: the n-th datagram sent on node/iface is dropped, traced as a fault. */
export function applyScriptedFaults(network: Network, faults: readonly ScriptedFault[]): void {
  for (const fault of faults) {
    const host = network.hosts.get(fault.node);
    const iface = host?.interfaces.find((i) => i.name === fault.iface);
    const link = iface?.link;
    if (!host || !iface || !link) continue;
    let sent = 0;
    const transmit = link.transmit.bind(link);
    link.transmit = (from, packetId, bytes) => {
      if (from === iface && sent++ === fault.ordinal) {
        network.sim.trace.record({ kind: 'packet-drop', node: host.name, iface: iface.name, packetId, reason: 'fault', detail: `dropped on purpose (scripted: ${iface.name} datagram #${fault.ordinal})` });
        return;
      }
      transmit(from, packetId, bytes);
    };
  }
}

/** The ordinal of a packet-send among the sends on its interface, for naming it in a fault. */
export function sendOrdinal(events: readonly { kind: string; index: number; node?: string; iface?: string | null }[], sendIndex: number): number {
  const target = events[sendIndex];
  if (!target || target.kind !== 'packet-send') return -1;
  let n = 0;
  for (let i = 0; i < sendIndex; i++) {
    const e = events[i];
    if (e && e.kind === 'packet-send' && e.node === target.node && e.iface === target.iface) n++;
  }
  return n;
}
