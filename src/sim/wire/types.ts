/**
 * Shared shapes of the wire layer. Every packet in the simulation is a real IPv4
 * datagram (a Uint8Array); these types are its decoded views. Decoders never
 * throw: they return a DecodeResult whose error names what was wrong and where.
 */

/** Result of decoding bytes that may be malformed. */
export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly offset: number };

/** IP protocol numbers used by the lab. */
export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17 } as const;

/** IPv4 header fields (RFC 791). Addresses are unsigned 32-bit integers. */
export interface Ipv4Header {
  /** Header length in 32-bit words (5..15). */
  readonly ihl: number;
  readonly dscp: number;
  readonly ecn: number;
  /** Length of header plus payload in bytes. */
  readonly totalLength: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  /** Header checksum as carried on the wire. */
  readonly checksum: number;
  readonly src: number;
  readonly dst: number;
  /** Raw option bytes (length a multiple of 4, at most 40). */
  readonly options: Uint8Array;
}

/** TCP control bits as a bit mask, in header order. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** TCP option kind numbers (RFC 9293 §3.2, RFC 7323 §2.2 and §3.2, RFC 2018 §2–3). */
export const TcpOptionKind = { EOL: 0, NOP: 1, MSS: 2, WSCALE: 3, SACK_PERMITTED: 4, SACK: 5, TIMESTAMPS: 8 } as const;

/** One TCP option (RFC 9293 §3.1, RFC 7323, RFC 2018), in the order it appears on the wire. */
export type TcpOption =
  | { readonly kind: 'eol' }
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly mss: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sack-permitted' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [left: number, right: number])[] }
  | { readonly kind: 'timestamps'; readonly tsVal: number; readonly tsEcr: number }
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

/** TCP header fields (RFC 9293 §3.1). Sequence numbers are unsigned 32-bit integers. */
export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Header length in 32-bit words (5..15). */
  readonly dataOffset: number;
  /** Bit mask of TcpFlag values. */
  readonly flags: number;
  readonly window: number;
  /** Checksum as carried on the wire. */
  readonly checksum: number;
  readonly urgentPointer: number;
  readonly options: readonly TcpOption[];
}

/** UDP header fields (RFC 768). */
export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Length of header plus payload in bytes. */
  readonly length: number;
  readonly checksum: number;
}
