/**
 * UDP for simulated applications (RFC 768): bind a port, receive datagrams,
 * send datagrams with a real checksum. A datagram to an unbound port is dropped
 * with reason 'no-listener' (ICMP port-unreachable is not modelled).
 */
import { decodeUdp, encodeUdp } from '../wire/udp';
import { IpProtocol } from '../wire/types';
import type { Host, IpDelivery } from './host';

/** A datagram as an application sees it. */
export interface UdpDatagram {
  readonly src: number;
  readonly srcPort: number;
  readonly dst: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  readonly packetId: number;
}

/** Receives datagrams for a bound port. */
export type UdpReceiver = (datagram: UdpDatagram) => void;

/** A bound UDP socket. */
export interface UdpSocket {
  readonly port: number;
  /** Send `payload` to dst:dstPort; returns the packet id or null if dropped locally. */
  send(dst: number, dstPort: number, payload: Uint8Array): number | null;
  close(): void;
}

/** The UDP layer of one host. */
export class UdpLayer {
  private readonly sockets = new Map<number, UdpReceiver>();

  constructor(private readonly host: Host) {
    host.registerProtocol(IpProtocol.UDP, (d) => this.receive(d));
    host.onCrash(() => this.sockets.clear());
  }

  /** Bind `port` (1..65535) and deliver its datagrams to `receiver`. */
  bind(port: number, receiver: UdpReceiver, localAddress?: number): UdpSocket {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`UDP port out of range: ${port}`);
    if (this.sockets.has(port)) throw new Error(`UDP port ${port} already bound on ${this.host.name}`);
    this.sockets.set(port, receiver);
    return {
      port,
      send: (dst, dstPort, payload) => this.send(port, dst, dstPort, payload, localAddress),
      close: () => this.sockets.delete(port),
    };
  }

  private send(srcPort: number, dst: number, dstPort: number, payload: Uint8Array, localAddress?: number): number | null {
    const src = localAddress ?? this.host.routes.lookup(dst)?.iface.address ?? 0;
    const segment = encodeUdp({ srcPort, dstPort }, payload, src, dst);
    return this.host.send({ dst, src, protocol: IpProtocol.UDP, payload: segment });
  }

  private receive(d: IpDelivery): void {
    const decoded = decodeUdp(d.payload, d.header.src, d.header.dst);
    if (!decoded.ok) {
      this.host.drop(d.iface, d.packetId, 'malformed', decoded.error);
      return;
    }
    if (!decoded.value.checksumOk) {
      this.host.drop(d.iface, d.packetId, 'bad-checksum', 'UDP checksum');
      return;
    }
    const { header, payload } = decoded.value;
    const receiver = this.sockets.get(header.dstPort);
    if (!receiver) {
      this.host.drop(d.iface, d.packetId, 'no-listener', `UDP port ${header.dstPort}`);
      return;
    }
    receiver({ src: d.header.src, srcPort: header.srcPort, dst: d.header.dst, dstPort: header.dstPort, payload, packetId: d.packetId });
  }
}
