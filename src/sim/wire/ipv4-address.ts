/**
 * IPv4 addresses (RFC 791 §3.2) as unsigned 32-bit integers, their strict
 * dotted-quad text form, and CIDR prefixes (RFC 4632 §3.1).
 */
import type { DecodeResult } from './types';

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Builds a parse failure at a character offset of the text. */
function fail(text: string, why: string, offset: number): DecodeResult<number> {
  return { ok: false, error: `IPv4 address "${text}": ${why} at character ${String(offset)}`, offset };
}

/** Parses strict dotted-quad text ("192.0.2.1": four decimal parts 0..255, no leading zeros, nothing else). */
export function parseIpv4Address(text: string): DecodeResult<number> {
  let value = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== DOT) return fail(text, i < text.length ? "expected '.'" : 'expected 4 parts, text ends', i);
      i++;
    }
    const start = i;
    let n = 0;
    while (i < text.length && i - start < 4) {
      const c = text.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      n = n * 10 + (c - DIGIT_0);
      i++;
    }
    if (i === start) return fail(text, 'expected a decimal number', i);
    if (i - start > 3 || n > 255) return fail(text, `part ${String(part + 1)} is greater than 255`, start);
    if (i - start > 1 && text.charCodeAt(start) === DIGIT_0) return fail(text, `part ${String(part + 1)} has a leading zero`, start);
    value = value * 256 + n;
  }
  if (i !== text.length) return fail(text, 'unexpected text after the address', i);
  return { ok: true, value };
}

/** Formats an unsigned 32-bit address as dotted-quad text; throws a RangeError for anything else. */
export function formatIpv4Address(address: number): string {
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) {
    throw new RangeError(`IPv4 address ${String(address)} is not an unsigned 32-bit integer`);
  }
  return `${String(address >>> 24)}.${String((address >>> 16) & 0xff)}.${String((address >>> 8) & 0xff)}.${String(address & 0xff)}`;
}

/** Parses an address written as a constant in code, throwing on a typo since that is a programming error. */
export function ipv4AddressOrThrow(text: string): number {
  const result = parseIpv4Address(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** The netmask of a prefix length 0..32 as an unsigned 32-bit integer (24 → 0xffffff00). */
export function prefixMask(length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > 32) {
    throw new RangeError(`IPv4 prefix length ${String(length)} is not an integer in 0..32`);
  }
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Whether address lies in prefix/length, i.e. the first `length` bits agree. */
export function inPrefix(address: number, prefix: number, length: number): boolean {
  return ((address ^ prefix) & prefixMask(length)) === 0;
}
