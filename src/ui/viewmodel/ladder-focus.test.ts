/**
 * The scale view's ladder filter: with a client chosen, the ladder draws only
 * that client's lane and exactly the TCP segments of its connection (counted
 * here from the trace and the raw bytes), whatever step is selected; the
 * choices list every client with its connection.
 */
import { describe, expect, it } from 'vitest';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { decodeTcp } from '../../sim/wire/tcp';
import { runLab, type LabRun } from './lab-run';
import { buildLadder, ladderChoices } from './ladder-model';

function run(scenario: string, params: unknown = {}): LabRun {
  const result = runLab(scenario, 1, params);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

const r = run('http-transfer', { clients: 30, clientSpacingUs: 1_000, followUps: 0 });
const last = r.events.length - 1;

/** Packet-send steps of TCP segments between `address` and anything, up to `step`, from the raw bytes. */
function segmentSends(address: string, step: number): number[] {
  const out: number[] = [];
  for (const e of r.events.slice(0, step + 1)) {
    if (e.kind !== 'packet-send') continue;
    const bytes = r.packetBytes(e.packetId);
    const ip = bytes ? decodeIpv4(bytes) : null;
    if (!ip?.ok || ip.value.header.protocol !== 6 || !decodeTcp(ip.value.payload, ip.value.header.src, ip.value.header.dst).ok) continue;
    const ends = [formatIpv4Address(ip.value.header.src), formatIpv4Address(ip.value.header.dst)];
    if (ends.includes(address)) out.push(e.index);
  }
  return out;
}

describe('ladder filtered to a chosen connection', () => {
  const choices = ladderChoices(r);

  it('lists every client with its connection, in natural order', () => {
    expect(choices.map((c) => c.client)).toEqual(Array.from({ length: 30 }, (_, i) => `client${i + 1}`));
    expect(choices[16]?.label).toMatch(/^client17 · 10\.64\.0\.65:\d+ → 10\.10\.10\.10:80$/);
  });

  it.each([['client17', Math.floor(last / 2)], ['client30', last], ['client1', last]])('%s at step %i: its lane alone, and exactly its connection’s segments', (client, step) => {
    const choice = choices.find((c) => c.client === client);
    const address = choice?.conn?.slice(0, choice.conn.indexOf(':')) ?? '';
    // A step of another client is selected: the choice still wins.
    const other = r.events.find((e) => e.kind === 'packet-send' && e.node === (client === 'client1' ? 'client2' : 'client1'));
    const model = buildLadder(r, step, { focus: client, selected: other?.index ?? null, maxRows: 100_000 });
    expect(model.focus).toBe(client);
    expect(model.lanes.filter((l) => l.role === 'client').map((l) => l.node)).toEqual([client]);
    const tcp = model.arrows.filter((a) => a.kind === 'tcp');
    expect(tcp.every((a) => a.conn === choice?.conn)).toBe(true);
    // Every segment of the connection on every hop (client ↔ router ↔ stacks and XCF forwarding), none missing.
    expect(tcp.map((a) => a.eventIndex).sort((a, b) => a - b)).toEqual(segmentSends(address, step));
    expect(model.note).toContain(`showing only ${client}'s connection (chosen)`);
  });

  it('without a choice (or with one that is not a client) it follows the selection, as before', () => {
    const step = r.events.find((e) => e.kind === 'packet-send' && e.node === 'client9');
    expect(buildLadder(r, last, { focus: 'nobody', selected: step?.index ?? null }).focus).toBe('client9');
    expect(buildLadder(r, last, { focus: null }).focus).toBe('client1');
  });
});
