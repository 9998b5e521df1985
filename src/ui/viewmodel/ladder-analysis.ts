/**
 * The per-run analysis behind the ladder, computed once per LabRun and cached
 * by identity: packet hops and labels, lanes in display order, and which
 * client a step concerns (the focus when there are many clients). Pure.
 */
import type { TraceEntry } from '../../sim/core/trace';
import type { LabRun, NodeRole, TopologyLink, TopologyNode } from './lab-run';
import { type MessageKind, type TcpAnalysis, type PacketInfo, type PacketHop, type Decoded, decodePacket, controlLabel, controlConn, innerType } from './ladder-packets';
import { RETRANSMIT_WHAT, ANALYSIS_TEXT, TcpAnalyser } from './ladder-tcp-analysis';

// ---------------------------------------------------------------------------
// Per-run analysis (cached)
// ---------------------------------------------------------------------------

/** A lane of the ladder. */
export interface Lane {
  /** "node:NAME" or "app:STACK/APP". */
  readonly id: string;
  readonly label: string;
  /** The node the lane belongs to (the stack, for an app lane). */
  readonly node: string;
  readonly app: string | null;
  readonly role: NodeRole | 'routing-app' | 'target-app';
}

/** Everything about a run the ladder and topology views derive once. */
export interface RunAnalysis {
  /** The topology, from the run, or derived from the trace when the scenario has none. */
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
  /** Every lane, in ladder order. */
  readonly lanes: readonly Lane[];
  readonly laneIds: ReadonlySet<string>;
  /** Client nodes that appear in the trace, in natural order. */
  readonly clients: readonly string[];
  readonly packets: ReadonlyMap<number, PacketInfo>;
  readonly hops: readonly PacketHop[];
  /** (stack node, UDP port) → app name, from REGISTER messages. */
  readonly appPorts: ReadonlyMap<string, string>;
  /** IPv4 address → client node. */
  readonly clientOf: ReadonlyMap<string, string>;
}

const cache = new WeakMap<LabRun, RunAnalysis>();

/** The cached analysis of a run (decoding every packet once). */
export function analyseRun(run: LabRun): RunAnalysis {
  const hit = cache.get(run);
  if (hit) return hit;
  const analysis = buildAnalysis(run);
  cache.set(run, analysis);
  return analysis;
}

/**
 * Seeds the cache with an analysis built elsewhere: the simulation worker builds it next to the
 * run and posts both, so the page's first analyseRun of a large run is a lookup instead of
 * decoding every packet on the main thread (~0.8 s for a 100k-event run).
 */
export function primeAnalysis(run: LabRun, analysis: RunAnalysis): void {
  cache.set(run, analysis);
}

export const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** A node's role from its name, for scenarios whose topology the run does not describe. */
export function roleFromName(name: string): NodeRole {
  if (name.startsWith('client')) return 'client';
  if (name.startsWith('router')) return 'router';
  if (/^SYS/.test(name)) return name === 'SYS1' ? 'routing-stack' : 'target-stack';
  return 'host';
}

export function buildAnalysis(run: LabRun): RunAnalysis {
  const events = run.events;
  const decoded = new Map<number, Decoded>();
  const decode = (id: number): Decoded => {
    let d = decoded.get(id);
    if (!d) {
      d = decodePacket(run.packetBytes(id));
      decoded.set(id, d);
    }
    return d;
  };
  const { nodes, links } = topologyFor(run, decode);
  const roleOf = new Map(nodes.map((n) => [n.name, n.role]));
  const hops = buildHops(events, links);
  const appPorts = registeredApps(events, decode);
  const clientOf = new Map<string, string>();
  for (const n of nodes) if (n.role === 'client') for (const a of n.addresses) clientOf.set(a, n.name);
  const packets = labelPackets(events, hops, links, decode, clientOf);
  // One pass for the nodes that appear (a scan of the trace per client is O(clients × events)).
  const present = new Set<string>();
  for (const e of events) if ('node' in e) present.add(e.node);
  const clients = nodes.filter((n) => n.role === 'client' && present.has(n.name)).map((n) => n.name).sort(naturalCompare);
  const lanes = buildLanes(events, nodes, roleOf, appPorts, clients);
  return { nodes, links, lanes, laneIds: new Set(lanes.map((l) => l.id)), clients, packets, hops, appPorts, clientOf };
}

/** The run's topology, or one derived from the trace (nodes from events, links from send/deliver pairs). */
export function topologyFor(run: LabRun, decode: (id: number) => Decoded): { nodes: readonly TopologyNode[]; links: readonly TopologyLink[] } {
  if (run.topology.nodes.length > 0) return { nodes: run.topology.nodes, links: run.topology.links };
  const names: string[] = [];
  const addresses = new Map<string, Set<string>>();
  const links = new Map<string, TopologyLink>();
  const sends = new Map<number, Extract<TraceEntry, { kind: 'packet-send' }>>();
  for (const e of run.events) {
    if ('node' in e && !names.includes(e.node)) names.push(e.node);
    if (e.kind === 'packet-send') {
      sends.set(e.packetId, e);
      const d = decode(e.packetId);
      if (roleFromName(e.node) !== 'router' && d.src !== '?') (addresses.get(e.node) ?? addresses.set(e.node, new Set()).get(e.node))?.add(d.src);
    } else if (e.kind === 'packet-deliver') {
      const s = sends.get(e.packetId);
      if (!s) continue;
      const [a, aIface, b, bIface] = naturalCompare(s.node, e.node) <= 0 ? [s.node, s.iface, e.node, e.iface] : [e.node, e.iface, s.node, s.iface];
      const name = `${a}.${aIface}-${b}.${bIface}`;
      if (!links.has(name)) links.set(name, { name, a, aIface, b, bIface, kind: a === b ? 'loopback' : 'lan' });
    }
  }
  const nodes = names.map((name) => ({ name, role: roleFromName(name), addresses: [...(addresses.get(name) ?? [])] }));
  return { nodes, links: [...links.values()] };
}

/** Pairs every send (and link copy) with its delivery or drop. */
export function buildHops(events: readonly TraceEntry[], links: readonly TopologyLink[]): PacketHop[] {
  const peer = new Map<string, string>();
  for (const l of links) {
    peer.set(`${l.a}|${l.aIface}`, l.b);
    peer.set(`${l.b}|${l.bIface}`, l.a);
  }
  const ends = new Map<number, Extract<TraceEntry, { kind: 'packet-deliver' | 'packet-drop' }>>();
  for (const e of events) if ((e.kind === 'packet-deliver' || e.kind === 'packet-drop') && !ends.has(e.packetId)) ends.set(e.packetId, e);
  const sends = new Map<number, Extract<TraceEntry, { kind: 'packet-send' }>>();
  const hops: PacketHop[] = [];
  const hop = (startIndex: number, packetId: number, node: string, iface: string, time: number, arrivesAt: number | null, copy: boolean): PacketHop => {
    const end = ends.get(packetId);
    const dropped = end?.kind === 'packet-drop';
    const far = peer.get(`${node}|${iface}`) ?? null;
    const toNode = end && (end.node !== node || far === node) ? end.node : far;
    return {
      startIndex,
      packetId,
      fromNode: node,
      fromIface: iface,
      startTime: time,
      endTime: dropped ? end.time : (arrivesAt ?? end?.time ?? null),
      endIndex: end ? end.index : null,
      toNode,
      dropped,
      dropReason: dropped ? end.reason : null,
      copy,
    };
  };
  for (const e of events) {
    if (e.kind === 'packet-send') {
      sends.set(e.packetId, e);
      hops.push(hop(e.index, e.packetId, e.node, e.iface, e.time, e.arrivesAt, false));
    } else if (e.kind === 'packet-duplicate') {
      const original = sends.get(e.packetId);
      const end = ends.get(e.copyId);
      hops.push(hop(e.index, e.copyId, original?.node ?? e.node, original?.iface ?? e.iface, e.time, end?.kind === 'packet-deliver' ? end.time : null, true));
    }
  }
  return hops;
}

/** (stack, port) → app, from every REGISTER datagram on a loopback. */
export function registeredApps(events: readonly TraceEntry[], decode: (id: number) => Decoded): Map<string, string> {
  const apps = new Map<string, string>();
  for (const e of events) {
    if (e.kind !== 'packet-send' || e.iface !== 'lo') continue;
    const d = decode(e.packetId);
    if (d.protocol === 'udp' && d.control?.type === 'REGISTER') apps.set(`${e.node}|${d.srcPort}`, d.control.app);
  }
  return apps;
}

/** Labels and analysis for every packet, in trace order (the TCP analysis is stateful). */
export function labelPackets(events: readonly TraceEntry[], hops: readonly PacketHop[], links: readonly TopologyLink[], decode: (id: number) => Decoded, clientOf: ReadonlyMap<string, string>): Map<number, PacketInfo> {
  const marks = new Map<number, TcpAnalysis>();
  for (const e of events) {
    const mark = e.kind === 'tcp' && e.packetId !== undefined ? RETRANSMIT_WHAT[e.what] : undefined;
    if (mark && e.kind === 'tcp' && e.packetId !== undefined) marks.set(e.packetId, mark);
  }
  // A capture point is a link: both directions of a connection over it, as tshark on that wire sees them.
  const linkOf = new Map<string, string>();
  for (const l of links) {
    linkOf.set(`${l.a}|${l.aIface}`, l.name);
    linkOf.set(`${l.b}|${l.bIface}`, l.name);
  }
  const analyser = new TcpAnalyser();
  const out = new Map<number, PacketInfo>();
  for (const h of hops) {
    const point = linkOf.get(`${h.fromNode}|${h.fromIface}`) ?? `${h.fromNode}|${h.fromIface}`;
    const info = packetInfo(h, decode(h.packetId), analyser, point, marks.get(h.packetId), clientOf);
    out.set(h.packetId, h.copy ? { ...info, label: `[${ANALYSIS_TEXT['link-duplicate']}] ${info.label}`, analysis: ['link-duplicate', ...info.analysis] } : info);
  }
  return out;
}

export function packetInfo(h: PacketHop, d: Decoded, analyser: TcpAnalyser, point: string, mark: TcpAnalysis | undefined, clientOf: ReadonlyMap<string, string>): PacketInfo {
  const base = { packetId: h.packetId, src: d.src, dst: d.dst };
  switch (d.protocol) {
    case 'tcp': {
      const s = d.segment;
      const { label, analysis } = analyser.label(s, point, h.startIndex, mark);
      const clientFirst = clientOf.has(s.src) || !clientOf.has(s.dst);
      const conn = clientFirst ? `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}` : `${s.dst}:${s.dstPort}>${s.src}:${s.srcPort}`;
      return { ...base, kind: 'tcp', label, analysis, conn, controlType: null, xcf: null, srcPort: s.srcPort, dstPort: s.dstPort };
    }
    case 'udp': {
      if (d.control) {
        const m = d.control;
        const xcf = m.type === 'XCF_DATA' || m.type === 'XCF_ACK' ? { message: m.type, seq: m.seq } : null;
        const kind: MessageKind = xcf !== null || h.fromIface.startsWith('xcf') ? 'xcf' : 'control';
        return { ...base, kind, label: controlLabel(m), analysis: [], conn: controlConn(m), controlType: innerType(m), xcf, srcPort: d.srcPort, dstPort: d.dstPort };
      }
      return { ...base, kind: 'udp', label: `UDP ${d.srcPort} → ${d.dstPort} Len=${d.length}`, analysis: [], conn: null, controlType: null, xcf: null, srcPort: d.srcPort, dstPort: d.dstPort };
    }
    case 'other':
      return { ...base, kind: 'other', label: d.text, analysis: [], conn: null, controlType: null, xcf: null, srcPort: null, dstPort: null };
  }
}

/** Lanes: clients, routers, then each stack followed by its apps, then other hosts. */
export function buildLanes(events: readonly TraceEntry[], nodes: readonly TopologyNode[], roleOf: ReadonlyMap<string, NodeRole>, appPorts: ReadonlyMap<string, string>, clients: readonly string[]): Lane[] {
  const seen = new Set<string>();
  for (const e of events) if ('node' in e) seen.add(e.node);
  const nodeLane = (n: string): Lane => ({ id: `node:${n}`, label: n, node: n, app: null, role: roleOf.get(n) ?? roleFromName(n) });
  const present = nodes.filter((n) => seen.has(n.name));
  const stacks = present.filter((n) => n.role === 'routing-stack' || n.role === 'target-stack').sort((a, b) => (a.role === b.role ? naturalCompare(a.name, b.name) : a.role === 'routing-stack' ? -1 : 1));
  const stackNames = new Set(stacks.map((s) => s.name));
  const apps = appsByStack(events, stackNames, appPorts);
  const lanes: Lane[] = clients.map(nodeLane);
  for (const r of present.filter((n) => n.role === 'router')) lanes.push(nodeLane(r.name));
  for (const s of stacks) {
    lanes.push(nodeLane(s.name));
    for (const [app, routing] of apps.get(s.name) ?? []) lanes.push({ id: `app:${s.name}/${app}`, label: app, node: s.name, app, role: routing ? 'routing-app' : 'target-app' });
  }
  for (const h of present.filter((n) => n.role === 'host')) lanes.push(nodeLane(h.name));
  return lanes;
}

/** Apps per stack (name → is it the routing app), in order of first appearance. */
export function appsByStack(events: readonly TraceEntry[], stacks: ReadonlySet<string>, appPorts: ReadonlyMap<string, string>): Map<string, Map<string, boolean>> {
  const out = new Map<string, Map<string, boolean>>();
  const add = (stack: string, app: string, routing: boolean): void => {
    if (!stacks.has(stack) || stacks.has(app) || app === 'stack' || app === 'CRT') return;
    const m = out.get(stack) ?? out.set(stack, new Map()).get(stack);
    m?.set(app, (m.get(app) ?? false) || routing);
  };
  const stackOfApp = new Map<string, string>();
  for (const [key, app] of appPorts) stackOfApp.set(app, key.slice(0, key.indexOf('|')));
  for (const e of events) {
    if (e.kind === 'app') add(e.node, e.app, false);
    else if (e.kind === 'transfer' && e.phase === 'select') add(e.node, e.from, true);
    else if (e.kind === 'transfer' && e.phase === 'offer-app') add(e.node, e.from, false);
  }
  // Apps that registered but never spoke still get a lane, next to the stack they registered with.
  for (const [app, stack] of stackOfApp) add(stack, app, false);
  return out;
}

// ---------------------------------------------------------------------------
// Focus: which client's connection to show when there are many
// ---------------------------------------------------------------------------

/** More clients than this and the ladder shows only the focused client's connection. */
export const MAX_CLIENT_LANES = 8;

/** The client node at one end of a connection name ("a:p>b:p"), or null. */
export function connClient(conn: string, clientOf: ReadonlyMap<string, string>): string | null {
  for (const end of conn.split('>')) {
    const address = end.slice(0, end.lastIndexOf(':'));
    const client = clientOf.get(address);
    if (client) return client;
  }
  return null;
}

/** The client an event concerns: its node, its connection's client end, or its packet's. */
export function clientOfEvent(analysis: RunAnalysis, e: TraceEntry | undefined): string | null {
  if (!e) return null;
  if ('node' in e && analysis.clients.includes(e.node)) return e.node;
  if ('conn' in e) return connClient(e.conn, analysis.clientOf);
  if ('packetId' in e) {
    const id = e.kind === 'packet-duplicate' ? e.copyId : e.packetId;
    const p = analysis.packets.get(id) ?? analysis.packets.get(e.packetId);
    if (p?.conn) return connClient(p.conn, analysis.clientOf);
  }
  return null;
}

/** The client to focus on: the selected event's, else the first. */
export function focusClient(run: LabRun, selected: number | null): string | null {
  const analysis = analyseRun(run);
  const fromSelection = selected === null ? null : clientOfEvent(analysis, run.events[selected]);
  return fromSelection ?? analysis.clients[0] ?? null;
}
