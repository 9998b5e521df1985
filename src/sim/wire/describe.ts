/**
 * One-line packet summaries in the style of Wireshark's Info column, shared by
 * the CLI, the trace view and tests. Malformed bytes get a summary saying so.
 */
import { decodeIpv4 } from './ipv4';
import { formatIpv4Address } from './ipv4-address';
import { decodeTcp, tcpFlagsToString } from './tcp';
import { IpProtocol } from './types';
import { decodeUdp } from './udp';

/** "10.0.1.2:40000 → 10.0.2.2:7 UDP len=6" or "… TCP [SYN] seq=… ack=… win=… len=…". */
export function describePacket(bytes: Uint8Array): string {
  const ip = decodeIpv4(bytes);
  if (!ip.ok) return `malformed IPv4: ${ip.error}`;
  const { header, payload } = ip.value;
  const src = formatIpv4Address(header.src);
  const dst = formatIpv4Address(header.dst);
  if (header.protocol === IpProtocol.UDP) {
    const udp = decodeUdp(payload, header.src, header.dst);
    if (!udp.ok) return `${src} → ${dst} malformed UDP: ${udp.error}`;
    return `${src}:${udp.value.header.srcPort} → ${dst}:${udp.value.header.dstPort} UDP len=${udp.value.payload.length}`;
  }
  if (header.protocol === IpProtocol.TCP) {
    const tcp = decodeTcp(payload, header.src, header.dst);
    if (!tcp.ok) return `${src} → ${dst} malformed TCP: ${tcp.error}`;
    const h = tcp.value.header;
    return `${src}:${h.srcPort} → ${dst}:${h.dstPort} TCP [${tcpFlagsToString(h.flags)}] seq=${h.seq} ack=${h.ack} win=${h.window} len=${tcp.value.payload.length}`;
  }
  return `${src} → ${dst} protocol ${header.protocol} len=${payload.length}`;
}
