/**
 * A finished run as the lab's views need it: the trace (every step), the
 * packets' bytes, the topology, the invariant verdicts and the claims index.
 * Pure data, no React: built once per (scenario, seed, params), in the page or
 * in a worker, and read by every view.
 */
import type { CheckResult } from '../../sim/checkers/types';
import type { TraceEntry } from '../../sim/core/trace';
import type { Network } from '../../sim/net/network';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { findScenario } from '../../scenarios/registry';
import type { ScenarioRun } from '../../scenarios/types';

/** The role a node plays, for layout and styling. */
export type NodeRole = 'client' | 'router' | 'routing-stack' | 'target-stack' | 'host';

/** A node of the topology view. */
export interface TopologyNode {
  readonly name: string;
  readonly role: NodeRole;
  readonly addresses: readonly string[];
}

/** A link of the topology view. */
export interface TopologyLink {
  readonly name: string;
  readonly a: string;
  readonly aIface: string;
  readonly b: string;
  readonly bIface: string;
  readonly kind: 'lan' | 'osa' | 'xcf' | 'loopback';
}

/** The topology. */
export interface TopologyView {
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
  readonly dvipa: string | null;
  readonly dvipaOwner: string | null;
}

/** Everything the views read. */
export interface LabRun {
  readonly scenario: string;
  readonly title: string;
  readonly description: string;
  readonly seed: number;
  readonly hash: string;
  readonly events: readonly TraceEntry[];
  readonly packetBytes: (id: number) => Uint8Array | undefined;
  readonly topology: TopologyView;
  readonly invariants: readonly CheckResult[];
  /** Claim number → indexes of the events that demonstrate it, in order. */
  readonly claimSteps: ReadonlyMap<number, readonly number[]>;
  readonly expectations: ScenarioRun['expectations'];
}

/** Run a built-in scenario and collect what the views need. Throws only on programming errors. */
export function runLab(scenarioId: string, seed: number, params: unknown = {}): { ok: true; run: LabRun } | { ok: false; error: string } {
  const scenario = findScenario(scenarioId);
  if (!scenario) return { ok: false, error: `unknown scenario '${scenarioId.slice(0, 60)}'` };
  const parsed = scenario.parse(params);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const run = scenario.run(parsed.params as never, seed);
  const trace = run.sim.trace;
  const network = networkOf(run);
  return {
    ok: true,
    run: {
      scenario: scenario.id,
      title: scenario.title,
      description: scenario.description,
      seed,
      hash: trace.hash(),
      events: trace.events,
      packetBytes: (id) => trace.packetBytes(id),
      topology: network ? topologyOf(network) : { nodes: [], links: [], dvipa: null, dvipaOwner: null },
      invariants: run.invariants ?? [],
      claimSteps: claimIndex(trace.events),
      expectations: run.expectations,
    },
  };
}

function networkOf(run: ScenarioRun): Network | null {
  const sysplex = (run as { sysplex?: { net?: { network?: Network } } }).sysplex;
  return sysplex?.net?.network ?? null;
}

function roleOf(name: string, forwarding: boolean, index: number, stackCount: number): NodeRole {
  if (forwarding) return 'router';
  if (name.startsWith('client')) return 'client';
  if (/^SYS/.test(name)) return index === 0 ? 'routing-stack' : stackCount > 0 ? 'target-stack' : 'host';
  return 'host';
}

/** The topology of a network: nodes with roles, links with kinds. */
export function topologyOf(network: Network): TopologyView {
  const hosts = [...network.hosts.values()];
  const stacks = hosts.filter((h) => /^SYS/.test(h.name));
  const nodes = hosts.map((h) => ({
    name: h.name,
    role: roleOf(h.name, h.forwarding, stacks.indexOf(h), stacks.length),
    addresses: h.interfaces.filter((i) => i.name !== 'lo').map((i) => formatIpv4Address(i.address)),
  }));
  const links = [...network.links.values()].map((l) => {
    const [a, b] = l.ends;
    const kind: TopologyLink['kind'] = l.name.startsWith('xcf') ? 'xcf' : l.name.startsWith('osa') ? 'osa' : a === b ? 'loopback' : 'lan';
    return { name: l.name, a: a.host.name, aIface: a.name, b: b.host.name, bIface: b.name, kind };
  });
  const owner = stacks[0]?.name ?? null;
  return { nodes, links, dvipa: owner ? '10.10.10.10' : null, dvipaOwner: owner };
}

function claimIndex(events: readonly TraceEntry[]): Map<number, number[]> {
  const index = new Map<number, number[]>();
  for (const e of events) for (const c of e.claims ?? []) (index.get(c) ?? index.set(c, []).get(c))?.push(e.index);
  return index;
}
