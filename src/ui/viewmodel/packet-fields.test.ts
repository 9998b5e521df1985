// Proves the packet dissector: on every packet of real sysplex runs (and on
// random, truncated and corrupted bytes) the byte leaves cover every byte exactly
// once and nothing throws; fields sit at the offsets RFC 791/9293/768 and the
// control-message layout give them, read independently from the bytes here; and
// the TRANSFER message's SND.NXT field shows what the codec decodes and the freeze said.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { decodeControl, encodeControl } from '../../sim/sysplex/control-messages';
import { encodeIpv4 } from '../../sim/wire/ipv4';
import { encodeTcp } from '../../sim/wire/tcp';
import { IpProtocol, TcpFlag } from '../../sim/wire/types';
import { encodeUdp } from '../../sim/wire/udp';
import { runLab, type LabRun } from './lab-run';
import { byteCursorMove, byteLeaves, dissect, fieldPath, findField, leafAt, treeKeyAction, visibleFields, type Field } from './packet-fields';

function lab(id: string): LabRun {
  const r = runLab(id, 1);
  if (!r.ok) throw new Error(r.error);
  return r.run;
}

const http = lab('http-transfer');
const smtp = lab('smtp-transfer');

function sentPackets(run: LabRun): { entry: TraceEntry; bytes: Uint8Array }[] {
  return run.events.flatMap((entry) => {
    const bytes = entry.kind === 'packet-send' ? run.packetBytes(entry.packetId) : undefined;
    return bytes ? [{ entry, bytes }] : [];
  });
}

/** How many byte leaves cover each byte; every entry should be 1. */
function coverage(fields: readonly Field[], length: number): number[] {
  const counts = new Array<number>(length).fill(0);
  for (const f of byteLeaves(fields)) {
    expect(f.offset).toBeGreaterThanOrEqual(0);
    expect(f.offset + f.length).toBeLessThanOrEqual(length);
    for (let i = f.offset; i < f.offset + f.length; i++) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

function expectExactCoverage(bytes: Uint8Array): Field[] {
  const fields = dissect(bytes);
  const counts = coverage(fields, bytes.length);
  const wrong = counts.findIndex((c) => c !== 1);
  expect(wrong, `byte ${wrong} is covered ${counts[wrong]} times`).toBe(-1);
  return fields;
}

function byId(fields: readonly Field[], id: string): Field {
  const f = findField(fields, (x) => x.id === id);
  if (!f) throw new Error(`no field ${id}`);
  return f;
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const hasError = (fields: readonly Field[]): boolean => findField(fields, (f) => f.error !== undefined) !== undefined;

/** The XCF datagram that carries the TRANSFER message of http-transfer. */
function transferDatagram(): { bytes: Uint8Array; fields: Field[] } {
  for (const { entry, bytes } of sentPackets(http)) {
    if (entry.kind !== 'packet-send' || !entry.iface.startsWith('xcf')) continue;
    const fields = dissect(bytes);
    if (findField(fields, (f) => f.id.endsWith('.repair.snd_nxt'))) return { bytes, fields };
  }
  throw new Error('http-transfer sent no TRANSFER message');
}

describe('coverage', () => {
  it('covers every byte of every packet of the HTTP and SMTP transfers exactly once, without errors', () => {
    for (const run of [http, smtp, lab('lossy-link')]) {
      for (const { bytes } of sentPackets(run)) expect(hasError(expectExactCoverage(bytes))).toBe(false);
    }
  });

  it('names the same control message type as the codec', () => {
    let seen = 0;
    for (const { bytes } of sentPackets(http)) {
      const hlsx = findField(dissect(bytes), (f) => f.id === 'hlsx');
      if (!hlsx) continue;
      const ihl = (bytes[0]! & 0x0f) * 4;
      const decoded = decodeControl(bytes.subarray(ihl + 8));
      expect(decoded.ok && decoded.message.type).toBe(hlsx.value);
      seen++;
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('never throws and still covers every byte of random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (raw) => {
        expectExactCoverage(raw);
      }),
      { numRuns: 300 },
    );
  });

  it('survives every truncation and every corrupted byte of a TRANSFER datagram, saying what is wrong', () => {
    const { bytes } = transferDatagram();
    for (let n = 0; n < bytes.length; n++) expect(hasError(expectExactCoverage(bytes.slice(0, n))), `cut at ${n}`).toBe(true);
    for (let at = 0; at < bytes.length; at++) {
      const bad = bytes.slice();
      bad[at] = bad[at]! ^ 0xff;
      expectExactCoverage(bad);
    }
  });
});

describe('known offsets', () => {
  it('puts TCP fields at the IP header length plus their RFC 9293 offsets', () => {
    const syn = sentPackets(http).find(({ bytes }) => bytes[9] === IpProtocol.TCP && (bytes[33]! & TcpFlag.SYN) !== 0);
    if (!syn) throw new Error('no SYN');
    const b = syn.bytes;
    const fields = expectExactCoverage(b);
    const ihl = (b[0]! & 0x0f) * 4;
    const src = byId(fields, 'tcp.srcport');
    expect([src.offset, src.length, src.value]).toEqual([ihl, 2, String(u16(b, ihl))]);
    expect(src.label).toBe(`Source Port: ${u16(b, ihl)}`);
    expect([byId(fields, 'tcp.dstport').offset, byId(fields, 'tcp.seq').offset, byId(fields, 'tcp.ack').offset]).toEqual([ihl + 2, ihl + 4, ihl + 8]);
    expect(byId(fields, 'tcp.seq').value).toBe(String(u32(b, ihl + 4)));
    expect(byId(fields, 'tcp.window')).toMatchObject({ offset: ihl + 14, length: 2, value: String(u16(b, ihl + 14)) });
    expect(byId(fields, 'tcp.checksum').value).toMatch(/\[correct\]$/);
    const flags = byId(fields, 'tcp.hdr_flags');
    expect([flags.offset, flags.length]).toEqual([ihl + 12, 2]);
    expect(byId(fields, 'tcp.hdr_flags.syn')).toMatchObject({ value: 'Set', bits: '.... .... .... ..1.' });
    expect(byId(fields, 'tcp.hdr_flags.ack').value).toBe('Not set');
    const mss = findField(fields, (f) => f.label === 'MSS Value: 1460 bytes');
    expect(mss && u16(b, mss.offset)).toBe(1460);
    expect(byId(fields, 'ip.version_ihl.hdr_len')).toMatchObject({ offset: 0, length: 1, bits: '.... 0101' });
    expect(byId(fields, 'ip.checksum').value).toMatch(/\[correct\]$/);
  });

  it('follows the IHL when the IPv4 header has options, and flags a wrong TCP checksum with the right one', () => {
    const segment = encodeTcp({ srcPort: 40109, dstPort: 80, seq: 1, ack: 2, flags: TcpFlag.ACK | TcpFlag.PSH, window: 512 }, new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 0x0a400001, 0x0a0a0a0a);
    const packet = encodeIpv4({ src: 0x0a400001, dst: 0x0a0a0a0a, protocol: IpProtocol.TCP, options: Uint8Array.of(1, 1, 1, 0) }, segment);
    const good = expectExactCoverage(packet);
    expect(byId(good, 'tcp.srcport')).toMatchObject({ offset: 24, length: 2, value: '40109' });
    expect(byId(good, 'ip.options').length).toBe(4);
    expect(byId(good, 'http.line0').label).toBe('GET / HTTP/1.1\\r\\n');
    expect(byId(good, 'http.line2').value).toBe('\\r\\n');
    const carried = u16(packet, 24 + 16);
    const bad = packet.slice();
    bad[24 + 16] = bad[24 + 16]! ^ 0x01;
    const checksum = byId(expectExactCoverage(bad), 'tcp.checksum');
    expect(checksum.value).toBe(`0x${(carried ^ 0x100).toString(16).padStart(4, '0')} [incorrect, should be 0x${carried.toString(16).padStart(4, '0')}]`);
    expect(checksum.error).toBeUndefined();
  });

  it('shows SMTP lines and UDP headers', () => {
    const smtpText = sentPackets(smtp).map(({ bytes }) => findField(dissect(bytes), (f) => f.id === 'smtp.line0')).find((f) => f !== undefined);
    expect(smtpText?.label).toMatch(/^220 /);
    const udp = dissect(encodeIpv4({ src: 1, dst: 2, protocol: IpProtocol.UDP }, encodeUdp({ srcPort: 7, dstPort: 9 }, Uint8Array.of(1, 2, 3), 1, 2)));
    expect(byId(udp, 'udp.length')).toMatchObject({ offset: 24, length: 2, value: '11' });
    expect(byId(udp, 'udp.checksum').value).toMatch(/\[correct\]$/);
    expect(byId(udp, 'udp.payload')).toMatchObject({ offset: 28, length: 3 });
  });
});

describe('the TRANSFER message', () => {
  it("shows SND.NXT as the codec decodes it and as the freeze reported it, at the field's own bytes", () => {
    const { bytes, fields } = transferDatagram();
    const field = findField(fields, (f) => f.id.endsWith('.repair.snd_nxt'));
    if (!field) throw new Error('no SND.NXT');
    expect(field.length).toBe(4);
    expect(field.value).toBe(String(u32(bytes, field.offset)));
    const ihl = (bytes[0]! & 0x0f) * 4;
    const outer = decodeControl(bytes.subarray(ihl + 8));
    const inner = outer.ok && outer.message.type === 'XCF_DATA' ? decodeControl(outer.message.inner) : outer;
    if (!inner.ok || inner.message.type !== 'TRANSFER') throw new Error('not a TRANSFER');
    expect(field.value).toBe(String(inner.message.repair.sndNxt));
    const freeze = http.events.find((e) => e.kind === 'transfer' && e.phase === 'freeze');
    expect(freeze?.kind === 'transfer' && freeze.detail).toContain(`SND.NXT ${field.value}`);
    expect(fieldPath(fields, field.id).map((f) => f.id)).toEqual(['hlsx', 'hlsx.inner', 'hlsx.inner.repair', field.id]);
    const rcvQueue = findField(fields, (f) => f.id.endsWith('.repair.receive_queue'));
    expect(rcvQueue?.value).toMatch(new RegExp(`^${inner.message.repair.receiveQueue.length} bytes`));
    expect(findField(fields, (f) => f.id.endsWith('.app_state.user'))?.value).toBe('alice');
  });

  it('dissects a TRANSFER sent bare, without the XCF envelope', () => {
    const { bytes } = transferDatagram();
    const ihl = (bytes[0]! & 0x0f) * 4;
    const outer = decodeControl(bytes.subarray(ihl + 8));
    const inner = outer.ok && outer.message.type === 'XCF_DATA' ? decodeControl(outer.message.inner) : outer;
    if (!inner.ok || inner.message.type !== 'TRANSFER') throw new Error('not a TRANSFER');
    const message = { ...inner.message, repair: { ...inner.message.repair, sndNxt: 123456789 } };
    const packet = encodeIpv4({ src: 1, dst: 2, protocol: IpProtocol.UDP }, encodeUdp({ srcPort: 7001, dstPort: 7001 }, encodeControl(message), 1, 2));
    const fields = expectExactCoverage(packet);
    expect(byId(fields, 'hlsx.repair.snd_nxt')).toMatchObject({ value: '123456789', offset: 28 + 6 + 4 + 12 + 6 + 6 + 14 + 12, length: 4 });
    expect(hasError(fields)).toBe(false);
  });
});

describe('tree helpers', () => {
  it('finds the field of a byte and lists only expanded rows', () => {
    const { fields } = transferDatagram();
    expect(leafAt(fields, 20)?.id).toBe('udp.srcport');
    expect(leafAt(fields, 0)?.id).toBe('ip.version_ihl');
    expect(visibleFields(fields, new Set()).map((r) => r.field.id)).toEqual(['ip', 'udp', 'hlsx']);
    const open = visibleFields(fields, new Set(['udp']));
    expect(open.map((r) => r.field.id).slice(0, 4)).toEqual(['ip', 'udp', 'udp.srcport', 'udp.dstport']);
    expect(open[2]).toMatchObject({ level: 2, parentId: 'udp', posInSet: 1, setSize: 4, expanded: null });
  });
});

describe('keyboard', () => {
  it('moves through the tree as the WAI-ARIA tree pattern says', () => {
    const { fields } = transferDatagram();
    const closed = visibleFields(fields, new Set());
    expect(treeKeyAction(closed, 'ip', 'ArrowDown')).toEqual({ focus: 'udp' });
    expect(treeKeyAction(closed, 'ip', 'ArrowUp')).toBeNull();
    expect(treeKeyAction(closed, 'udp', 'ArrowRight')).toEqual({ toggle: 'udp', open: true });
    expect(treeKeyAction(closed, 'udp', 'Enter')).toEqual({ toggle: 'udp', open: true });
    expect(treeKeyAction(closed, 'ip', 'End')).toEqual({ focus: 'hlsx' });
    const open = visibleFields(fields, new Set(['udp']));
    expect(treeKeyAction(open, 'udp', 'ArrowRight')).toEqual({ focus: 'udp.srcport' });
    expect(treeKeyAction(open, 'udp', 'ArrowLeft')).toEqual({ toggle: 'udp', open: false });
    expect(treeKeyAction(open, 'udp.dstport', 'ArrowLeft')).toEqual({ focus: 'udp' });
    expect(treeKeyAction(open, 'udp.dstport', 'ArrowRight')).toBeNull();
    expect(treeKeyAction(open, 'udp.dstport', 'x')).toBeNull();
  });

  it('moves the byte cursor by bytes and rows, within the packet', () => {
    expect(byteCursorMove(null, 'ArrowRight', 40)).toBe(0);
    expect(byteCursorMove(5, 'ArrowRight', 40)).toBe(6);
    expect(byteCursorMove(5, 'ArrowDown', 40)).toBe(21);
    expect(byteCursorMove(30, 'ArrowDown', 40)).toBe(39);
    expect(byteCursorMove(3, 'ArrowUp', 40)).toBe(0);
    expect(byteCursorMove(3, 'End', 40)).toBe(39);
    expect(byteCursorMove(3, 'Enter', 40)).toBeUndefined();
    expect(byteCursorMove(null, 'Home', 0)).toBeUndefined();
  });
});
