// Proves the one-buffer TCP-in-IPv4 encoder equal to the two-step encoding it
// replaces on the engine's send path: the same bytes for any valid input
// (fast-check, 1000 runs), the same RangeError for impossible fields, and a
// fresh, private array even when it is carved from a shared slab.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocBytes } from './bytes';
import { encodeIpv4 } from './ipv4';
import type { Ipv4Input } from './ipv4';
import { encodeTcp, encodeTcpInIpv4 } from './tcp';
import type { TcpInput } from './tcp';
import { IpProtocol } from './types';
import { ipv4InputArb, payloadArb, tcpInputArb } from './test/wire-arbitraries';

const twoStep = (ip: Ipv4Input, tcp: TcpInput, payload: Uint8Array): Uint8Array => encodeIpv4(ip, encodeTcp(tcp, payload, ip.src, ip.dst));

/** The error message a call throws, or null. */
function thrown(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('encodeTcpInIpv4', () => {
  it('writes exactly the bytes of encodeIpv4(encodeTcp(...))', () => {
    fc.assert(
      fc.property(ipv4InputArb, tcpInputArb, payloadArb, (ipFields, tcp, payload) => {
        const ip = { ...ipFields, protocol: IpProtocol.TCP };
        expect([...encodeTcpInIpv4(ip, tcp, payload)]).toEqual([...twoStep(ip, tcp, payload)]);
      }),
      { numRuns: 1000 },
    );
  });

  it('throws the same RangeError for a field that does not fit', () => {
    const ip: Ipv4Input = { src: 0x0a000001, dst: 0x0a000002, protocol: IpProtocol.TCP };
    const tcp: TcpInput = { srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0x10, window: 5 };
    const bad: [Ipv4Input, TcpInput][] = [
      [ip, { ...tcp, seq: 2 ** 32 }],
      [ip, { ...tcp, window: 0x1_0000 }],
      [ip, { ...tcp, srcPort: -1 }],
      [ip, { ...tcp, options: [{ kind: 'timestamps', tsVal: 1.5, tsEcr: 0 }] }],
      [{ ...ip, ttl: 256 }, tcp],
      [{ ...ip, src: 2 ** 32 }, tcp],
      [{ ...ip, identification: Number.NaN }, tcp],
    ];
    for (const [i, t] of bad) {
      const expected = thrown(() => twoStep(i, t, new Uint8Array(10)));
      expect(expected).not.toBeNull();
      expect(thrown(() => encodeTcpInIpv4(i, t, new Uint8Array(10)))).toBe(expected);
    }
  });

  it('returns zeroed, non-overlapping arrays from the slab', () => {
    const a = allocBytes(1500);
    const b = allocBytes(1500);
    expect(a.every((x) => x === 0)).toBe(true);
    a.fill(0xff);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(a.length).toBe(1500);
    expect(b.length).toBe(1500);
  });
});
