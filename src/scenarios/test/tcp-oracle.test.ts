// tshark judges every built-in scenario: each capture point's pcap has valid
// checksums and no malformed packet; clean scenarios show no TCP analysis flag
// at all; in the lossy scenario the segments tshark calls retransmissions are
// exactly those the simulator's trace marks as retransmissions.
import { describe, expect, it } from 'vitest';
import { captureRecords, capturePoints, type CapturePoint } from '../../sim/net/capture';
import { writePcap } from '../../sim/wire/pcap';
import { tsharkFields, tsharkProblems, writeTemp } from '../../sim/test/tshark';
import { BUILT_IN_SCENARIOS, findScenario } from '../registry';
import type { AnyScenario, ScenarioRun } from '../types';

// Port 8080 is one of Wireshark's HTTP ports; these streams are binary, so the HTTP dissector stays off.
// CLTP's UDP heuristic claims any datagram whose first two bytes look like a CLTP header; a few XCF
// transfer messages (binary, port 7001) happen to, and are then called malformed CLTP. Not our protocol.
const BINARY = ['--disable-protocol', 'http', '--disable-heuristic', 'cltp_udp'];

/** Above this many capture points of one kind (client1/eth0 … client1000/eth0), they are checked as one merged file: one tshark run each would take many minutes. */
const SEPARATE_POINTS = 24;

function run(s: AnyScenario, seed = 1): ScenarioRun {
  const parsed = s.parse({});
  if (!parsed.ok) throw new Error(parsed.error);
  return s.run(parsed.params as never, seed);
}

function pcapOf(r: ScenarioRun, point: `${string}/${string}`): string {
  return writeTemp(`${point.replace('/', '-')}.pcap`, writePcap(captureRecords(r.sim.trace, point)));
}

/** One pcap per capture point, except that many points of one kind (the same name but for its numbers) become one file, frames merged in time order. */
function pcapsToCheck(r: ScenarioRun): { readonly name: string; readonly file: string }[] {
  const kinds = new Map<string, CapturePoint[]>();
  for (const p of capturePoints(r.sim.trace)) {
    const kind = p.replace(/\d+/g, 'N');
    kinds.set(kind, [...(kinds.get(kind) ?? []), p]);
  }
  return [...kinds].flatMap(([kind, points]) => {
    if (points.length <= SEPARATE_POINTS) return points.map((p) => ({ name: p, file: pcapOf(r, p) }));
    const merged = points.flatMap((p) => captureRecords(r.sim.trace, p)).sort((x, y) => x.time - y.time);
    return [{ name: `${kind} (${points.length} points, merged)`, file: writeTemp(`${kind.replace('/', '-')}-merged.pcap`, writePcap(merged)) }];
  });
}

describe('tshark oracle over the built-in scenarios', () => {
  it.each(BUILT_IN_SCENARIOS.map((s) => [s.id, s] as const))('%s: every capture point has valid checksums and nothing malformed', (_id, s) => {
    const r = run(s);
    const pcaps = pcapsToCheck(r);
    expect(pcaps.length).toBeGreaterThan(0);
    for (const { name, file } of pcaps) expect(tsharkProblems(file, BINARY), name).toEqual([]);
  }, 180_000); // one tshark per capture point: the swarm cases have a dozen, ~45 s on a loaded 2-core machine

  it.each(['request-response', 'simultaneous-close', 'rst-closed-port'])('%s: no TCP analysis flags on the client wire', (id) => {
    const r = run(findScenario(id) as AnyScenario);
    expect(tsharkFields(pcapOf(r, r.clientCapture), ['frame.number', '_ws.expert.message'], 'tcp.analysis.flags', BINARY)).toEqual([]);
  });

  it('lossy-link: tshark\'s retransmissions are exactly the trace\'s', () => {
    const r = run(findScenario('lossy-link') as AnyScenario);
    for (const [node, point] of [['server', 'server/eth0'], ['client', 'client/eth0']] as const) {
      const records = r.sim.trace.events.filter((e) => (e.kind === 'packet-send' || e.kind === 'packet-deliver') && `${e.node}/${e.iface}` === point);
      const frameOf = new Map(records.map((e, i) => [e.kind === 'packet-send' || e.kind === 'packet-deliver' ? e.packetId : -1, i + 1]));
      const marked = r.sim.trace.events
        .filter((e) => e.kind === 'tcp' && e.node === node && (e.what === 'retransmit' || e.what === 'fast-retransmit' || e.what === 'sack-retransmit'))
        .map((e) => (e.kind === 'tcp' ? frameOf.get(e.packetId ?? -1) : undefined));
      // A sender never sends out of order except when it retransmits, so tshark's "out-of-order" on the sender's own capture is a retransmission too.
      const flagged = tsharkFields(pcapOf(r, point), ['frame.number'], `ip.src==${node === 'server' ? '10.0.2.2' : '10.0.1.2'} && (tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission || tcp.analysis.out_of_order)`, BINARY).map((row) => Number(row[0]));
      expect(marked.every((f) => f !== undefined)).toBe(true);
      expect([...marked].sort((a, b) => (a ?? 0) - (b ?? 0)), point).toEqual(flagged);
      if (node === 'server') expect(flagged.length).toBeGreaterThan(0);
    }
  });
});
