/**
 * The topology view model against real simulator runs: every node is placed
 * in its role's column, packets in flight at a time are exactly those with
 * sendTime ≤ t < arrivesAt (recomputed here from the trace), placed by linear
 * interpolation along their link, and the connection's owner switches to the
 * target stack during the transfer, agreeing at every step with the
 * StateFolder's fold of the same `tcb` entries.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { runLab, type LabRun } from './lab-run';
import { analyseRun } from './ladder-model';
import { StateFolder } from './state-at';
import { buildTopology, inFlightAt, ownerAt, pointOnLink } from './topology-model';

function run(scenario: string, params: unknown = {}): LabRun {
  const result = runLab(scenario, 1, params);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

type Send = Extract<TraceEntry, { kind: 'packet-send' }>;
type Transfer = Extract<TraceEntry, { kind: 'transfer' }>;

describe('topology layout', () => {
  it('places every node of the run inside the view, by role: clients left, router middle, stacks right, routing stack on top', () => {
    const r = run('http-transfer');
    const model = buildTopology(r, 0);
    expect(model.nodes.map((n) => n.name).sort()).toEqual(r.topology.nodes.map((n) => n.name).sort());
    for (const n of model.nodes) {
      expect(n.x).toBeGreaterThan(0);
      expect(n.x).toBeLessThan(model.width);
      expect(n.y).toBeGreaterThan(0);
      expect(n.y).toBeLessThan(model.height);
    }
    const at = (name: string) => model.nodes.find((n) => n.name === name) ?? { x: NaN, y: NaN, shape: '' };
    expect(at('client1').x).toBeLessThan(at('router').x);
    expect(at('router').x).toBeLessThan(at('SYS1').x);
    expect(at('SYS1').x).toBe(at('SYS3').x);
    expect(at('SYS1').y).toBeLessThan(at('SYS2').y);
    expect(at('SYS2').y).toBeLessThan(at('SYS3').y);
    expect(at('SYS1').shape).toBe('double-rect');
    expect(at('SYS2').shape).toBe('rect');
    expect(model.nodes.find((n) => n.dvipa !== null)).toMatchObject({ name: 'SYS1', dvipa: '10.10.10.10' });
  });

  it('draws XCF links as arcs, loopbacks as loops and LAN/OSA links as lines', () => {
    const r = run('http-transfer');
    const model = buildTopology(r, 0);
    expect(model.links).toHaveLength(r.topology.links.length);
    for (const l of model.links) {
      const expected = l.kind === 'xcf' ? 'arc' : l.kind === 'loopback' ? 'loop' : 'line';
      expect(l.geometry.type, l.id).toBe(expected);
    }
  });

  it('stacks 20 clients in one column without overlap, drawn compactly', () => {
    const r = run('http-transfer', { clients: 20 });
    const model = buildTopology(r, 0);
    const clients = model.nodes.filter((n) => n.role === 'client');
    expect(clients).toHaveLength(20);
    const ys = clients.map((c) => c.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(14);
    expect(new Set(clients.map((c) => c.x)).size).toBe(1);
    expect(clients.every((c) => c.compact && c.caption === null)).toBe(true);
    expect((ys.at(-1) ?? Infinity) < model.height).toBe(true);
  });
});

describe('packets in flight', () => {
  const r = run('http-transfer');
  const sends = r.events.filter((e): e is Send => e.kind === 'packet-send');
  const hops = analyseRun(r).hops;

  it('are exactly the packets with sendTime ≤ t < arrivesAt, at every step’s time', () => {
    const times = [...new Set(r.events.map((e) => e.time))];
    for (const t of times) {
      const expected = sends.filter((s) => s.arrivesAt !== null && s.time <= t && t < s.arrivesAt).map((s) => s.packetId).sort((a, b) => a - b);
      expect(inFlightAt(hops, t).map((h) => h.packetId).sort((a, b) => a - b), `t=${t}`).toEqual(expected);
    }
  });

  it('sit at the sender at send time and move linearly along their link towards the receiver', () => {
    const syn = sends.find((s) => s.node === 'client1');
    if (!syn || syn.arrivesAt === null) throw new Error('no client send');
    const model = (t: number) => buildTopology(r, syn.index, { timeUs: t });
    const client = model(syn.time).nodes.find((n) => n.name === 'client1');
    const router = model(syn.time).nodes.find((n) => n.name === 'router');
    if (!client || !router) throw new Error('nodes missing');
    const start = model(syn.time).flights.find((f) => f.packetId === syn.packetId);
    expect(start).toMatchObject({ x: client.x, y: client.y, progress: 0, shape: 'circle', kind: 'tcp', eventIndex: syn.index });
    const mid = syn.time + (syn.arrivesAt - syn.time) / 2;
    const halfway = model(mid).flights.find((f) => f.packetId === syn.packetId);
    expect(halfway?.progress).toBeCloseTo(0.5, 6);
    expect(halfway?.x).toBeCloseTo((client.x + router.x) / 2, 6);
    expect(model(syn.arrivesAt).flights.some((f) => f.packetId === syn.packetId)).toBe(false);
  });

  it('uses the step’s time by default, and shapes control and XCF messages apart from client traffic', () => {
    const transferSend = sends.find((s) => s.iface.startsWith('xcf') && analyseRun(r).packets.get(s.packetId)?.label.startsWith('TRANSFER'));
    if (!transferSend) throw new Error('no transfer message');
    const model = buildTopology(r, transferSend.index);
    expect(model.timeUs).toBe(transferSend.time);
    const flight = model.flights.find((f) => f.packetId === transferSend.packetId);
    expect(flight).toMatchObject({ kind: 'xcf', shape: 'diamond', link: 'xcf-SYS1-SYS3' });
    const control = sends.find((s) => s.iface === 'lo');
    if (!control) throw new Error('no loopback datagram');
    expect(buildTopology(r, control.index).flights.find((f) => f.packetId === control.packetId)).toMatchObject({ kind: 'control', shape: 'square' });
    expect(buildTopology(r, -1).flights).toEqual([]);
  });

  it('follows a link backwards when the packet travels from its b end', () => {
    const back = sends.find((s) => s.node === 'router' && s.iface === 'lan-client1');
    if (!back || back.arrivesAt === null) throw new Error('no router → client send');
    const model = buildTopology(r, back.index, { timeUs: back.time });
    const link = model.links.find((l) => l.id === 'lan-client1');
    const router = model.nodes.find((n) => n.name === 'router');
    if (!link || !router) throw new Error('link missing');
    expect(link.a).toBe('client1');
    expect(pointOnLink(link.geometry, 0, true)).toEqual({ x: router.x, y: router.y });
    expect(model.flights.find((f) => f.packetId === back.packetId)).toMatchObject({ x: router.x, y: router.y });
  });
});

describe('connection owner', () => {
  const conn = '10.64.0.1:40109>10.10.10.10:80';

  it('switches from the routing stack to the target at the transfer, and holds through the commit', () => {
    const r = run('http-transfer');
    const transfers = r.events.filter((e): e is Transfer => e.kind === 'transfer' && e.conn === conn);
    const freeze = transfers.find((t) => t.phase === 'freeze');
    const received = transfers.find((t) => t.phase === 'message-received');
    const committed = transfers.find((t) => t.phase === 'committed');
    const install = r.events.find((e) => e.kind === 'tcb' && e.action === 'install' && e.node === 'SYS3');
    if (!freeze || !received || !committed || !install) throw new Error('http-transfer has no complete transfer');
    const ownerOf = (step: number) => buildTopology(r, step).owner;

    expect(ownerOf(freeze.index - 2)).toMatchObject({ conn, owner: 'SYS1', frozen: false });
    expect(ownerOf(freeze.index)).toMatchObject({ owner: 'SYS1', frozen: true });
    // The target owns the connection from the moment it installs the transferred TCB, inside the transfer…
    expect(install.index).toBeGreaterThan(received.index);
    expect(install.index).toBeLessThan(committed.index);
    expect(ownerOf(install.index - 1)?.owner).toBe('SYS1');
    expect(ownerOf(install.index)).toMatchObject({ owner: 'SYS3', frozen: false, since: install.index });
    // …and still does once the routing stack commits (its release changes nothing).
    const after = buildTopology(r, committed.index);
    expect(after.owner).toMatchObject({ owner: 'SYS3', client: 'client1' });
    expect(after.nodes.filter((n) => n.owner).map((n) => n.name)).toEqual(['SYS3']);
    expect(after.owner?.ribbon.at(-1)).toEqual({ x: after.nodes.find((n) => n.name === 'SYS3')?.x, y: after.nodes.find((n) => n.name === 'SYS3')?.y });
    const before = buildTopology(r, freeze.index - 2);
    expect(before.nodes.filter((n) => n.owner).map((n) => n.name)).toEqual(['SYS1']);
  });

  it('agrees with the StateFolder’s owners at every step, across two transfers', () => {
    const r = run('re-transfer');
    const folder = new StateFolder(r.events);
    const owners = new Set<string>();
    for (let step = -1; step < r.events.length; step++) {
      const expected = folder.at(step).owners.get(conn) ?? null;
      expect(ownerAt(r.events, step, conn).owner, `step ${step}`).toBe(expected);
      if (expected) owners.add(expected);
    }
    expect(owners.size).toBeGreaterThanOrEqual(3);
  });

  it('follows a chosen client (the ladder’s "Connection shown") over the selection, and ignores an unknown one', () => {
    const r = run('http-transfer', { clients: 3 });
    const last = r.events.length - 1;
    const firstOf = (client: string) => r.events.find((e) => e.kind === 'packet-send' && e.node === client);
    const ofClient1 = firstOf('client1');
    if (!ofClient1 || !firstOf('client2')) throw new Error('http-transfer with 3 clients has no client2 packets');
    const chosen = buildTopology(r, last, { selected: ofClient1.index, focusClient: 'client2' });
    expect(chosen.owner?.client).toBe('client2');
    expect(chosen.owner?.conn).not.toBe(buildTopology(r, last, { selected: ofClient1.index }).owner?.conn);
    expect(chosen.nodes.filter((n) => n.focus).map((n) => n.name)).toEqual(['client2']);
    expect(buildTopology(r, last, { focusClient: 'nobody' }).owner).toEqual(buildTopology(r, last).owner);
  });

  it('is none before the handshake completes', () => {
    const r = run('http-transfer');
    expect(buildTopology(r, 0).owner).toMatchObject({ conn, owner: null, ribbon: [] });
  });
});
