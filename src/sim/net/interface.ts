/** A network interface: an address on a host, attached to one link end. */
import type { Host } from './host';
import type { Link } from './link';

/** One interface of a host. */
export interface Interface {
  readonly host: Host;
  /** Name unique on its host, e.g. "eth0" or "xcf1"; capture points are "<host>/<name>". */
  readonly name: string;
  /** IPv4 address as an unsigned 32-bit integer. */
  readonly address: number;
  readonly prefixLength: number;
  /** Largest IP datagram the interface sends, in bytes. */
  readonly mtu: number;
  link: Link | null;
}
