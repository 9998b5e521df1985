// Judges our bytes with a real tool: the UDP scenario's captures (and a
// capture of hand-built TCP segments with every option kind) are written as
// pcap files and read by tshark with checksum validation on. Any bad checksum,
// malformed packet or expert warning fails the test. Our own pcap reader must
// read back exactly what was written.
import { describe, expect, it } from 'vitest';
import { captureRecords, capturePoints } from '../../sim/net/capture';
import { encodeIpv4 } from '../../sim/wire/ipv4';
import { readPcap, writePcap, type PcapRecord } from '../../sim/wire/pcap';
import { encodeTcp } from '../../sim/wire/tcp';
import type { TcpOption } from '../../sim/wire/types';
import { IpProtocol, TcpFlag } from '../../sim/wire/types';
import { runUdpEcho } from '../udp-echo';
import { tsharkFields, tsharkFrameCount, tsharkProblems, writeTemp } from '../../sim/test/tshark';

describe('pcap export judged by tshark', () => {
  it('writes one valid capture per capture point of the UDP scenario', () => {
    const { sim } = runUdpEcho({ seed: 4, requests: 5 });
    const points = capturePoints(sim.trace);
    expect(points).toEqual(['client/eth0', 'router/eth0', 'router/eth1', 'server/eth0']);
    for (const point of points) {
      const records = captureRecords(sim.trace, point);
      const file = writeTemp(`${point.replace('/', '-')}.pcap`, writePcap(records));
      expect(tsharkFrameCount(file)).toBe(records.length);
      expect(tsharkProblems(file)).toEqual([]);
      const rows = tsharkFields(file, ['ip.checksum.status', 'udp.checksum.status', 'udp.length']);
      expect(rows.every(([ipStatus, udpStatus]) => ipStatus === '1' && udpStatus === '1')).toBe(true); // 1 = Good in tshark's status enum
    }
  });

  it('writes TCP segments with every option kind that tshark decodes as we meant', () => {
    const src = 0x0a000102;
    const dst = 0x0a000202;
    const seg = (flags: number, seq: number, ack: number, options: readonly TcpOption[], payload = new Uint8Array()) =>
      encodeIpv4({ src, dst, protocol: IpProtocol.TCP }, encodeTcp({ srcPort: 40000, dstPort: 80, seq, ack, flags, window: 64240, options }, payload, src, dst));
    const records: PcapRecord[] = [
      { time: 1_000, bytes: seg(TcpFlag.SYN, 1000, 0, [{ kind: 'mss', mss: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', tsVal: 1, tsEcr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }]) },
      { time: 2_000, bytes: seg(TcpFlag.ACK | TcpFlag.PSH, 1001, 5001, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal: 2, tsEcr: 9 }], new Uint8Array(100).fill(65)) },
      { time: 3_000, bytes: seg(TcpFlag.ACK, 1101, 5001, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[6001, 7001], [8001, 9001]] }]) },
    ];
    const file = writeTemp('tcp-options.pcap', writePcap(records));
    const rows = tsharkFields(file, ['tcp.checksum.status', 'tcp.option_kind', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_le'], undefined, ['-o', 'tcp.relative_sequence_numbers:FALSE']);
    expect(rows.map((r) => r[0])).toEqual(['1', '1', '1']);
    expect(rows[0]?.[1]).toBe('2,4,8,1,3');
    expect(rows[0]?.[2]).toBe('1460');
    expect(rows[0]?.[3]).toBe('7');
    expect(rows[2]?.[4]).toBe('6001,8001');
    const back = readPcap(writePcap(records));
    expect(back.ok && back.records.map((r) => [r.time, r.bytes.length])).toEqual(records.map((r) => [r.time, r.bytes.length]));
  });

  it('reports a corrupted header as a bad checksum (the judge can say no)', () => {
    const bytes = encodeIpv4({ src: 1, dst: 2, protocol: IpProtocol.UDP }, new Uint8Array(8));
    bytes[8] = 1; // change TTL without fixing the checksum
    const file = writeTemp('bad.pcap', writePcap([{ time: 0, bytes }]));
    expect(tsharkProblems(file).length).toBe(1);
  });
});
