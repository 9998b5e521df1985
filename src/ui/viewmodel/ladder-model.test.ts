/**
 * The ladder view model against real simulator runs: every arrow is a
 * packet-send paired with the packet-deliver (or packet-drop) of the same
 * packet, on the lanes of the nodes (or apps) at either end, and TCP labels
 * carry sequence numbers relative to each direction's ISN. Expected values are
 * recomputed here from the trace and the raw packet bytes, not taken from the
 * model.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { decodeIpv4 } from '../../sim/wire/ipv4';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { decodeTcp } from '../../sim/wire/tcp';
import { TcpFlag } from '../../sim/wire/types';
import { runLab, type LabRun } from './lab-run';
import { buildLadder, type LadderArrow } from './ladder-model';

function run(scenario: string, params: unknown = {}): LabRun {
  const result = runLab(scenario, 1, params);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

type Send = Extract<TraceEntry, { kind: 'packet-send' }>;
const sends = (r: LabRun): Send[] => r.events.filter((e): e is Send => e.kind === 'packet-send');
const endOf = (r: LabRun, packetId: number): TraceEntry | undefined =>
  r.events.find((e) => (e.kind === 'packet-deliver' || e.kind === 'packet-drop') && e.packetId === packetId);

interface RawSegment {
  readonly key: string;
  readonly reverse: string;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly length: number;
}

function segment(r: LabRun, packetId: number): RawSegment | null {
  const bytes = r.packetBytes(packetId);
  const ip = bytes ? decodeIpv4(bytes) : null;
  if (!ip?.ok || ip.value.header.protocol !== 6) return null;
  const tcp = decodeTcp(ip.value.payload, ip.value.header.src, ip.value.header.dst);
  if (!tcp.ok) return null;
  const h = tcp.value.header;
  const src = `${formatIpv4Address(ip.value.header.src)}:${h.srcPort}`;
  const dst = `${formatIpv4Address(ip.value.header.dst)}:${h.dstPort}`;
  return { key: `${src}>${dst}`, reverse: `${dst}>${src}`, seq: h.seq, ack: h.ack, flags: h.flags, window: h.window, length: tcp.value.payload.length };
}

const byEvent = (arrows: readonly LadderArrow[]): Map<number, LadderArrow> => new Map(arrows.map((a) => [a.eventIndex, a]));

describe('ladder lanes', () => {
  it('orders lanes: clients, router, then each stack followed by its apps', () => {
    const r = run('http-transfer');
    const model = buildLadder(r, r.events.length - 1);
    expect(model.lanes.map((l) => l.id)).toEqual([
      'node:client1',
      'node:router',
      'node:SYS1',
      'app:SYS1/ROUTER',
      'node:SYS2',
      'app:SYS2/WEB2',
      'node:SYS3',
      'app:SYS3/WEB3',
    ]);
    expect(model.lanes.find((l) => l.app === 'ROUTER')?.role).toBe('routing-app');
    expect(model.lanes.find((l) => l.app === 'WEB3')?.role).toBe('target-app');
  });
});

describe('ladder arrows', () => {
  const r = run('http-transfer');
  const last = r.events.length - 1;
  const model = buildLadder(r, last);
  const arrows = byEvent(model.arrows);

  it('draws one arrow per packet-send, ending at the delivery of the same packet, on the sender and receiver lanes', () => {
    const all = sends(r);
    expect(model.arrows).toHaveLength(all.length);
    for (const s of all) {
      const arrow = arrows.get(s.index);
      const end = endOf(r, s.packetId);
      expect(arrow, `arrow for step ${s.index}`).toBeDefined();
      expect(end?.kind).toBe('packet-deliver');
      expect(arrow?.packetId).toBe(s.packetId);
      expect(arrow?.endIndex).toBe(end?.index);
      expect(arrow?.status).toBe('delivered');
      if (s.iface !== 'lo' && end && 'node' in end) {
        expect(arrow?.fromLane).toBe(`node:${s.node}`);
        expect(arrow?.toLane).toBe(`node:${end.node}`);
      }
      // Rows are steps: one row per event, so an arrow spans from its send's row to its delivery's.
      expect(arrow?.startRow).toBe(s.index);
      expect(arrow?.endRow).toBe(end?.index);
    }
  });

  it('puts loopback control datagrams between an app lane and its stack lane, dashed-style kind "control"', () => {
    const lo = model.arrows.filter((a) => a.loopback);
    expect(lo.length).toBeGreaterThan(0);
    for (const a of lo) {
      expect(a.kind).toBe('control');
      const ends = [a.fromLane, a.toLane];
      expect(ends.filter((l) => l?.startsWith('app:'))).toHaveLength(1);
      const stack = ends.find((l) => l?.startsWith('node:'))?.slice(5);
      expect(ends.find((l) => l?.startsWith('app:'))?.startsWith(`app:${stack ?? '?'}/`)).toBe(true);
    }
    const register = model.arrows.find((a) => a.label.startsWith('REGISTER WEB2'));
    expect(register?.fromLane).toBe('app:SYS2/WEB2');
    expect(register?.toLane).toBe('node:SYS2');
    const verdict = model.arrows.find((a) => a.loopback && a.label.startsWith('VERDICT') && a.fromLane === 'node:SYS1');
    expect(verdict?.toLane).toBe('app:SYS1/ROUTER');
  });

  it('labels XCF signalling by its control message type', () => {
    const transfer = model.arrows.find((a) => a.kind === 'xcf' && a.label.startsWith('TRANSFER from SYS1'));
    expect(transfer?.fromLane).toBe('node:SYS1');
    expect(transfer?.toLane).toBe('node:SYS3');
    expect(transfer?.label).toMatch(/XCF_DATA seq=\d+/);
    expect(model.arrows.some((a) => a.kind === 'xcf' && /^XCF_ACK seq=\d+$/.test(a.label))).toBe(true);
  });

  it('labels the handshake like Wireshark, relative to each direction’s ISN', () => {
    const tcp = model.arrows.filter((a) => a.kind === 'tcp');
    expect(tcp.find((a) => a.label.startsWith('[SYN]'))?.label).toMatch(/^\[SYN\] Seq=0 Win=64240 Len=0\b/);
    expect(tcp.find((a) => a.label.startsWith('[SYN, ACK]'))?.label).toMatch(/^\[SYN, ACK\] Seq=0 Ack=1 Win=65160 Len=0\b/);
  });

  it('gives every TCP segment Seq and Ack relative to the ISN of its direction’s SYN, on every hop', () => {
    const isn = new Map<string, number>();
    let checked = 0;
    for (const s of sends(r)) {
      const seg = segment(r, s.packetId);
      if (!seg) continue;
      if ((seg.flags & TcpFlag.SYN) !== 0) isn.set(seg.key, seg.seq);
      const base = isn.get(seg.key);
      const reverseBase = isn.get(seg.reverse);
      if (base === undefined || reverseBase === undefined) continue;
      const label = arrows.get(s.index)?.label ?? '';
      expect(label).toContain(` Seq=${(seg.seq - base + 2 ** 32) % 2 ** 32} `);
      expect(label).toContain(` Ack=${(seg.ack - reverseBase + 2 ** 32) % 2 ** 32} `);
      expect(label).toContain(` Len=${seg.length}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    // The first request: 83 bytes from the client, acknowledged as Ack=84 by the stack.
    expect(model.arrows.some((a) => a.label.startsWith('[PSH, ACK] Seq=1 Ack=1 ') && a.label.endsWith('Len=83'))).toBe(true);
    expect(model.arrows.some((a) => a.label.startsWith('[ACK] Seq=1 Ack=84 '))).toBe(true);
  });

  it('marks transfer steps on the lane of the stack that logged them', () => {
    const transfers = r.events.filter((e): e is Extract<TraceEntry, { kind: 'transfer' }> => e.kind === 'transfer');
    expect(transfers.length).toBeGreaterThan(0);
    for (const t of transfers) {
      const marker = model.markers.find((m) => m.eventIndex === t.index);
      expect(marker?.kind).toBe('transfer');
      expect(marker?.lane).toBe(`node:${t.node}`);
      expect(marker?.label).toContain(t.phase);
    }
  });
});

describe('ladder rows up to the step', () => {
  const r = run('http-transfer');
  const syn = sends(r).find((s) => segment(r, s.packetId)?.flags === TcpFlag.SYN);
  if (!syn) throw new Error('no SYN in http-transfer');

  it('shows only rows up to the current step, the current one last and flagged', () => {
    const model = buildLadder(r, syn.index);
    expect(model.rows).toHaveLength(syn.index + 1);
    expect(model.rows.at(-1)).toMatchObject({ eventIndex: syn.index, current: true });
    expect(model.currentRow).toBe(syn.index);
    expect(model.arrows.every((a) => a.eventIndex <= syn.index)).toBe(true);
    expect(buildLadder(r, -1).rows).toHaveLength(0);
  });

  it('draws a packet sent but not yet delivered as in flight to the current row, and flags it current', () => {
    const model = buildLadder(r, syn.index);
    const arrow = model.arrows.find((a) => a.eventIndex === syn.index);
    expect(arrow).toMatchObject({ status: 'in-flight', current: true, endRow: syn.index, progress: 0 });
    expect(model.arrows.filter((a) => a.current)).toHaveLength(1);
    const end = endOf(r, syn.packetId);
    if (!end) throw new Error('SYN never delivered');
    expect(buildLadder(r, end.index).arrows.find((a) => a.eventIndex === syn.index)).toMatchObject({ status: 'delivered', current: true, progress: 1 });
  });
});

describe('ladder drops and TCP analysis', () => {
  const r = run('lossy-link');
  const model = buildLadder(r, r.events.length - 1);
  const arrowOf = new Map(model.arrows.map((a) => [a.packetId, a]));
  const drops = r.events.filter((e): e is Extract<TraceEntry, { kind: 'packet-drop' }> => e.kind === 'packet-drop');

  it('ends a dropped packet in a drop marker at the drop’s row, headed for the node that lost it', () => {
    expect(drops.length).toBeGreaterThan(0);
    for (const d of drops) {
      const arrow = arrowOf.get(d.packetId);
      expect(arrow).toMatchObject({ status: 'dropped', endIndex: d.index, endRow: d.index, dropReason: d.reason, toLane: `node:${d.node}` });
    }
    const first = drops[0];
    if (!first) throw new Error('no drop');
    // Before the drop step it is still in flight.
    expect(buildLadder(r, first.index - 1).arrows.find((a) => a.packetId === first.packetId)?.status).toBe('in-flight');
  });

  it('marks the sender’s retransmissions in tshark’s words', () => {
    const marks = r.events.filter((e): e is Extract<TraceEntry, { kind: 'tcp' }> => e.kind === 'tcp' && e.packetId !== undefined && e.what.endsWith('retransmit'));
    expect(marks.length).toBeGreaterThan(0);
    const words: Record<string, string> = { retransmit: '[TCP Retransmission]', 'fast-retransmit': '[TCP Fast Retransmission]', 'sack-retransmit': '[TCP Retransmission]' };
    for (const m of marks) expect(arrowOf.get(m.packetId ?? -1)?.label.startsWith(words[m.what] ?? '?')).toBe(true);
  });

  it('calls an ACK a dup ACK exactly when it repeats the previous ACK of its direction on that link: same ack, same window, no data', () => {
    const previous = new Map<string, RawSegment>();
    let dups = 0;
    for (const s of sends(r)) {
      const seg = segment(r, s.packetId);
      const arrow = arrowOf.get(s.packetId);
      if (!seg || !arrow || (seg.flags & TcpFlag.ACK) === 0) continue;
      const link = s.node === 'client' || (s.node === 'router' && s.iface === 'eth0') ? 'client-side' : 'server-side';
      const prior = previous.get(`${link} ${seg.key}`);
      const retransmitted = arrow.analysis.some((a) => a.endsWith('retransmission'));
      const expected = !!prior && seg.length === 0 && (seg.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) === 0 && prior.ack === seg.ack && prior.window === seg.window && !retransmitted;
      expect(arrow.analysis.includes('dup-ack'), `step ${s.index}: ${arrow.label}`).toBe(expected);
      if (expected) {
        dups++;
        expect(arrow.label).toMatch(/^\[TCP Dup ACK \d+#\d+\] \[ACK\]/);
      }
      previous.set(`${link} ${seg.key}`, seg);
    }
    expect(dups).toBeGreaterThan(0);
  });

  it('marks a zero window whenever the window field is 0', () => {
    const zw = run('zero-window');
    const zwModel = buildLadder(zw, zw.events.length - 1);
    let zeros = 0;
    for (const a of zwModel.arrows) {
      const seg = segment(zw, a.packetId);
      if (!seg || (seg.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) continue;
      expect(a.analysis.includes('zero-window')).toBe(seg.window === 0);
      if (seg.window === 0) {
        zeros++;
        expect(a.label).toContain('[TCP ZeroWindow]');
        expect(a.label).toContain(' Win=0 ');
      }
    }
    expect(zeros).toBeGreaterThan(0);
  });
});

describe('ladder with many clients', () => {
  const r = run('http-transfer', { clients: 20 });
  const last = r.events.length - 1;

  it('shows only the first client’s connection and says so', () => {
    const model = buildLadder(r, last);
    expect(model.focus).toBe('client1');
    expect(model.note).toMatch(/20 clients: showing only client1/);
    expect(model.lanes.filter((l) => l.role === 'client').map((l) => l.node)).toEqual(['client1']);
    const tcp = model.arrows.filter((a) => a.kind === 'tcp');
    expect(tcp.length).toBeGreaterThan(0);
    expect(tcp.every((a) => a.conn?.startsWith('10.64.0.1:') === true)).toBe(true);
  });

  it('follows the client of the selected step', () => {
    const step = r.events.find((e) => e.kind === 'packet-send' && e.node === 'client7');
    if (!step) throw new Error('client7 never sends');
    const model = buildLadder(r, last, { selected: step.index });
    expect(model.focus).toBe('client7');
    expect(model.lanes.filter((l) => l.role === 'client').map((l) => l.node)).toEqual(['client7']);
    expect(model.arrows.find((a) => a.eventIndex === step.index)).toMatchObject({ selected: true, fromLane: 'node:client7' });
    // Rows are the steps the shown arrows and markers use, plus the current one, in order.
    const indexes = model.rows.map((row) => row.eventIndex);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(indexes.at(-1)).toBe(last);
    for (const a of model.arrows) expect(model.rows[a.startRow]?.eventIndex).toBe(a.eventIndex);
  });
});
