/**
 * The wire layer's public API: byte-exact IPv4, TCP and UDP codecs, the Internet
 * checksum and IPv4 address helpers. Encoders throw RangeError on impossible
 * input (a programming error); decoders never throw.
 */
export { IpProtocol, TcpFlag } from './types';
export type { DecodeResult, Ipv4Header, TcpHeader, TcpOption, UdpHeader } from './types';
export { internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum';
export { formatIpv4Address, inPrefix, ipv4AddressOrThrow, parseIpv4Address, prefixMask } from './ipv4-address';
export { decodeIpv4, encodeIpv4, ipv4HeaderChecksumOk } from './ipv4';
export type { DecodedIpv4, Ipv4Input } from './ipv4';
export { decodeTcp, decodeTcpOptions, encodeTcp, encodeTcpOptions, tcpFlagsToString, tcpSegmentLength } from './tcp';
export type { DecodedTcp, TcpInput } from './tcp';
export { decodeUdp, encodeUdp } from './udp';
export type { DecodedUdp, UdpInput } from './udp';
