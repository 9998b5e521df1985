// Proves strict dotted-quad parsing (every rejection names the character where it
// went wrong), formatting, and prefix matching with hand-picked cases, then checks
// with fast-check that format/parse round-trip every 32-bit address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4Address, inPrefix, ipv4AddressOrThrow, parseIpv4Address, prefixMask } from './ipv4-address';
import { u32 } from './test/wire-arbitraries';

describe('parseIpv4Address', () => {
  it('parses valid addresses to unsigned 32-bit integers', () => {
    expect(parseIpv4Address('192.168.0.1')).toEqual({ ok: true, value: 0xc0a80001 });
    expect(parseIpv4Address('0.0.0.0')).toEqual({ ok: true, value: 0 });
    expect(parseIpv4Address('255.255.255.255')).toEqual({ ok: true, value: 0xffffffff });
  });

  it.each([
    ['', 0, 'expected a decimal number'],
    ['1.2.3', 5, 'expected 4 parts'],
    ['1.2.3.4.5', 7, 'unexpected text'],
    ['1.2.3.4 ', 7, 'unexpected text'],
    [' 1.2.3.4', 0, 'expected a decimal number'],
    ['1..3.4', 2, 'expected a decimal number'],
    ['1.2.3.256', 6, 'greater than 255'],
    ['1.2.3.1000', 6, 'greater than 255'],
    ['01.2.3.4', 0, 'leading zero'],
    ['1.2.00.4', 4, 'leading zero'],
    ['1,2.3.4', 1, "expected '.'"],
    ['-1.2.3.4', 0, 'expected a decimal number'],
    ['0x1.2.3.4', 1, "expected '.'"],
  ])('rejects %j at character %i (%s)', (text, offset, why) => {
    const result = parseIpv4Address(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.offset).toBe(offset);
      expect(result.error).toContain(why);
      expect(result.error).toContain(`character ${String(offset)}`);
    }
  });

  it('throws on a bad constant but returns good ones', () => {
    expect(ipv4AddressOrThrow('10.0.0.1')).toBe(0x0a000001);
    expect(() => ipv4AddressOrThrow('10.0.0')).toThrow(/10\.0\.0/);
  });

  it('round-trips every address through text', () => {
    fc.assert(
      fc.property(u32, (address) => {
        const text = formatIpv4Address(address);
        expect(parseIpv4Address(text)).toEqual({ ok: true, value: address });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatIpv4Address', () => {
  it('formats high addresses as unsigned', () => {
    expect(formatIpv4Address(0xc0a800c7)).toBe('192.168.0.199');
    expect(formatIpv4Address(0xffffffff)).toBe('255.255.255.255');
  });

  it('refuses values that are not unsigned 32-bit integers', () => {
    expect(() => formatIpv4Address(-1)).toThrow(RangeError);
    expect(() => formatIpv4Address(2 ** 32)).toThrow(RangeError);
    expect(() => formatIpv4Address(1.5)).toThrow(RangeError);
  });
});

describe('prefixes', () => {
  it('builds masks for 0, 1, 24 and 32 bits', () => {
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(1)).toBe(0x80000000);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(() => prefixMask(33)).toThrow(RangeError);
    expect(() => prefixMask(-1)).toThrow(RangeError);
  });

  it('tests membership', () => {
    const net = ipv4AddressOrThrow('10.1.0.0');
    expect(inPrefix(ipv4AddressOrThrow('10.1.255.7'), net, 16)).toBe(true);
    expect(inPrefix(ipv4AddressOrThrow('10.2.0.1'), net, 16)).toBe(false);
    expect(inPrefix(ipv4AddressOrThrow('200.1.2.3'), net, 0)).toBe(true);
    expect(inPrefix(ipv4AddressOrThrow('255.255.255.255'), ipv4AddressOrThrow('255.255.255.254'), 31)).toBe(true);
    expect(inPrefix(ipv4AddressOrThrow('255.255.255.255'), ipv4AddressOrThrow('255.255.255.254'), 32)).toBe(false);
  });
});
