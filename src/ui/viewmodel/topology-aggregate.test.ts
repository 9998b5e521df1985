/**
 * The scale view's numbers against brute force over a real run of 150
 * clients (two groups): at random steps the indexed phase and owner counts
 * equal a fold of the trace from the start, and at random display times each
 * link's in-flight count and rates equal a count over every hop. The rates
 * window is checked at its edges on hand-made hops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runLab, type LabRun } from './lab-run';
import { analyseRun } from './ladder-model';
import { CONN_PHASES, compactNumber, indexLinkHops, phaseOf, RATE_WINDOW_US, scaleView, statsAt, type ConnPhase } from './topology-aggregate';
import { buildTopology, CLIENTS_PER_GROUP, layoutTopology, pointOnLink } from './topology-model';

function run(scenario: string, params: unknown = {}): LabRun {
  const result = runLab(scenario, 1, params);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

// 150 clients 300 µs apart over a 20 ms link: dozens live at once, in every phase, in two groups.
const r = run('http-transfer', { clients: 150, clientSpacingUs: 300, followUps: 0, clientLink: { delayUs: 20_000 }, horizonUs: 1_000_000 });
const analysis = analyseRun(r);
const clients = new Set(analysis.clients);
const last = r.events.length - 1;

/** Phase counts per group at `step`, folding every entry from the start. */
function bruteForcePhases(step: number): Map<string, Record<ConnPhase, number>> {
  const phase = new Map<string, { client: string; phase: ConnPhase }>();
  for (const e of r.events.slice(0, step + 1)) {
    const change = phaseOf(e, clients);
    if (!change) continue;
    // The connection's client: the address before the first ':' of "addr:port>dvipa:port".
    const client = analysis.clientOf.get(change.conn.slice(0, change.conn.indexOf(':')));
    if (client) phase.set(change.conn, { client, phase: change.phase });
  }
  const out = new Map<string, Record<ConnPhase, number>>();
  for (const { client, phase: p } of phase.values()) {
    const group = `clients:${Math.floor((Number(client.slice('client'.length)) - 1) / CLIENTS_PER_GROUP)}`;
    const counts = out.get(group) ?? out.set(group, { handshake: 0, connected: 0, transferred: 0, closed: 0 }).get(group);
    if (counts) counts[p] += 1;
  }
  return out;
}

/** Connections each stack owns at `step`: install makes the node the owner, a release by the owner clears it. */
function bruteForceOwned(step: number): Map<string, number> {
  const owner = new Map<string, string>();
  for (const e of r.events.slice(0, step + 1)) {
    if (e.kind !== 'tcb') continue;
    if (e.action === 'install') owner.set(e.conn, e.node);
    else if (e.action === 'release' && owner.get(e.conn) === e.node) owner.delete(e.conn);
  }
  const out = new Map<string, number>([['SYS1', 0], ['SYS2', 0], ['SYS3', 0]]);
  for (const node of owner.values()) out.set(node, (out.get(node) ?? 0) + 1);
  return out;
}

describe('scale view: client groups', () => {
  it('groups 150 clients into two nodes and draws no client node or client link of its own', () => {
    const model = buildTopology(r, last);
    expect(model.scale?.groups.map((g) => [g.label, g.clients.length])).toEqual([['client1–client100', 100], ['client101–client150', 50]]);
    expect(model.nodes.filter((n) => n.role === 'client')).toEqual([]);
    expect(model.links.filter((l) => l.kind === 'lan').map((l) => l.id)).toEqual(['lan-clients:0', 'lan-clients:1']);
  });

  it('counts of every phase equal a brute-force fold of the trace at random steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: last }), (step) => {
        const expected = bruteForcePhases(step);
        for (const g of scaleView(r, step, null)?.groups ?? []) expect(g.counts, `${g.id} at ${step}`).toEqual(expected.get(g.id) ?? { handshake: 0, connected: 0, transferred: 0, closed: 0 });
      }),
      { numRuns: 40 },
    );
  });

  it('the run passes through every phase, and ends with every connection closed', () => {
    const seen = new Set<ConnPhase>();
    for (let step = 0; step <= last; step += 500) for (const g of scaleView(r, step, null)?.groups ?? []) for (const p of CONN_PHASES) if (g.counts[p] > 0) seen.add(p);
    expect([...seen].sort()).toEqual([...CONN_PHASES].sort());
    expect(scaleView(r, last, null)?.groups.map((g) => g.counts)).toEqual([
      { handshake: 0, connected: 0, transferred: 0, closed: 100 },
      { handshake: 0, connected: 0, transferred: 0, closed: 50 },
    ]);
  });

  it('owned connections per stack equal a brute-force fold of the TCB entries at random steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: last }), (step) => {
        expect(scaleView(r, step, null)?.owned).toEqual(bruteForceOwned(step));
      }),
      { numRuns: 40 },
    );
  });
});

describe('scale view: links', () => {
  const layout = layoutTopology(r);
  const end = r.events[last]?.time ?? 0;

  it('in flight, packets/s and bytes/s of every link equal a count over every hop at random display times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end }), (t) => {
        const stats = scaleView(r, last, t)?.links ?? [];
        expect(stats.map((s) => s.link)).toEqual(layout.links.map((l) => l.id));
        for (const s of stats) {
          const hops = analysis.hops.filter((h) => h.endTime !== null && layout.linkOf.get(`${h.fromNode}|${h.fromIface}`)?.id === s.link);
          const sent = hops.filter((h) => t - RATE_WINDOW_US < h.startTime && h.startTime <= t);
          const bytes = sent.reduce((n, h) => n + (r.packetBytes(h.packetId)?.length ?? 0), 0);
          expect(s.inFlight, s.link).toBe(hops.filter((h) => h.startTime <= t && t < (h.endTime ?? 0)).length);
          expect(s.packetsPerSecond, s.link).toBeCloseTo((sent.length * 1e6) / RATE_WINDOW_US, 6);
          expect(s.bytesPerSecond, s.link).toBeCloseTo((bytes * 1e6) / RATE_WINDOW_US, 6);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('packets of grouped clients travel along their group’s link, from the group end outwards', () => {
    const step = r.events.findIndex((e) => e.kind === 'packet-send' && e.node === 'client120');
    const model = buildTopology(r, step, { timeUs: (r.events[step]?.time ?? 0) + 5_000 });
    const link = model.links.find((l) => l.id === 'lan-clients:1');
    const flight = model.flights.find((f) => f.from === 'client120');
    if (!link || !flight) throw new Error('no packet from client120 on its group link');
    expect(flight.link).toBe(link.id);
    expect(flight).toMatchObject(pointOnLink(link.geometry, flight.progress, false));
    expect(flight.progress).toBeGreaterThan(0);
  });
});

describe('rates window', () => {
  const times = indexLinkHops('l', [
    { start: 0, end: 50_000, bytes: 100 },
    { start: 100_000, end: 150_000, bytes: 40 },
    { start: 150_000, end: 150_000, bytes: 60 },
    { start: 200_000, end: 260_000, bytes: 1_000 },
  ]);

  it('counts sends in (t − 100 ms, t]: one sent exactly at t is in, one sent exactly 100 ms earlier is out', () => {
    // At 200 ms: the sends at 150 ms and 200 ms (1,060 B); the one at 100 ms is out. At 199.999 ms: 100 ms and 150 ms.
    expect(statsAt(times, 200_000)).toEqual({ link: 'l', inFlight: 1, packetsPerSecond: 20, bytesPerSecond: 10_600 });
    expect(statsAt(times, 199_999)).toEqual({ link: 'l', inFlight: 0, packetsPerSecond: 20, bytesPerSecond: 1_000 });
  });

  it('a packet is in flight from its send up to, not at, its arrival; a zero-length hop never is', () => {
    expect(statsAt(times, 0).inFlight).toBe(1);
    expect(statsAt(times, 49_999).inFlight).toBe(1);
    expect(statsAt(times, 50_000).inFlight).toBe(0);
    expect(statsAt(times, 150_000).inFlight).toBe(0);
  });

  it('is 100 ms even at the start: the rate grows in from zero', () => {
    expect(statsAt(times, 0)).toMatchObject({ packetsPerSecond: 10, bytesPerSecond: 1_000 });
    expect(statsAt(times, -1)).toMatchObject({ inFlight: 0, packetsPerSecond: 0, bytesPerSecond: 0 });
  });

  it('labels numbers with three significant figures at most', () => {
    expect([0, 950, 7_200, 12_345, 671_000, 2_500_000].map(compactNumber)).toEqual(['0', '950', '7.2k', '12.3k', '671k', '2.5M']);
  });
});
