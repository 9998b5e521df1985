/**
 * Reading bytes into fields: small formatters and Region, which walks a byte
 * range and appends leaf fields as it reads. Used by the packet and control
 * dissectors. Pure.
 */
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { type Field } from './field-tree';

// ---------------------------------------------------------------- reading fields

export const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;
export const setOrNot = (v: number): string => (v ? 'Set' : 'Not set');
export const leaf = (id: string, label: string, offset: number, length: number, value: string, extra: Pick<Field, 'bits' | 'error' | 'children'> = {}): Field => ({
  id,
  label: `${label}: ${value}`,
  offset,
  length,
  value,
  ...extra,
});

export function readUint(b: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/** Bits `shift`..`shift+width` of a `size`-byte value as "0100 ....". */
export function bitPattern(v: number, size: number, shift: number, width: number): string {
  let out = '';
  for (let i = size * 8 - 1; i >= 0; i--) {
    out += i >= shift && i < shift + width ? String(Math.floor(v / 2 ** i) % 2) : '.';
    if (i % 4 === 0 && i > 0) out += ' ';
  }
  return out;
}

export function printable(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i] ?? 0;
    if ((c < 0x20 || c > 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

export function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

export function escaped(text: string, max: number): string {
  const s = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function preview(b: Uint8Array, from: number, to: number): string {
  const shown = Math.min(to, from + 16);
  const hexes = Array.from(b.subarray(from, shown), (c) => c.toString(16).padStart(2, '0')).join(' ');
  const n = to - from;
  return `${n} ${n === 1 ? 'byte' : 'bytes'}${n > 0 ? ` (${hexes}${shown < to ? ' …' : ''})` : ''}`;
}

export interface BitPart {
  readonly name: string;
  readonly label: string;
  readonly shift: number;
  readonly width: number;
  readonly show?: (v: number) => string;
  readonly check?: (v: number) => string | undefined;
}

/**
 * A cursor over bytes[pos, end) that appends fields. A read that does not fit
 * adds one field saying so over the remaining bytes and stops the region, so
 * coverage stays exact and nothing throws.
 */
export class Region {
  readonly fields: Field[] = [];
  stopped = false;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    public prefix: string,
  ) {}

  id(name: string): string {
    return `${this.prefix}.${name}`;
  }

  get left(): number {
    return this.end - this.pos;
  }

  /** True when `n` more bytes are there; otherwise records the truncation. */
  room(n: number, label: string): boolean {
    if (this.stopped) return false;
    if (n <= this.left) return true;
    this.rest('truncated', label, `truncated: ${label} needs ${n} bytes, only ${this.left} left`);
    return false;
  }

  /** The remaining bytes as one field (with an error when they are wrong), ending the region. */
  rest(name: string, label: string, error?: string): void {
    if (this.left > 0 || error !== undefined) {
      const value = preview(this.bytes, this.pos, this.end);
      this.fields.push(leaf(this.id(name), label, this.pos, this.left, value, error === undefined ? {} : { error }));
    }
    this.pos = this.end;
    this.stopped = true;
  }

  /** `n` bytes as one field. */
  take(name: string, label: string, n: number, show: (from: number, to: number) => string, check?: () => string | undefined): boolean {
    if (!this.room(n, label)) return false;
    const error = check?.();
    this.fields.push(leaf(this.id(name), label, this.pos, n, show(this.pos, this.pos + n), error === undefined ? {} : { error }));
    this.pos += n;
    return true;
  }

  num(name: string, label: string, size: 1 | 2 | 4, show: (v: number) => string = String, check?: (v: number) => string | undefined): number | null {
    if (!this.room(size, label)) return null;
    const v = readUint(this.bytes, this.pos, size);
    this.take(name, label, size, () => show(v), () => check?.(v));
    return v;
  }

  addr(name: string, label: string): number | null {
    return this.num(name, label, 4, formatIpv4Address);
  }

  /** A field of `size` bytes split into bit fields, each a child with a `bits` note. */
  bits(name: string, label: string, size: 1 | 2, parts: readonly BitPart[], show: (v: number) => string): number | null {
    if (!this.room(size, label)) return null;
    const v = readUint(this.bytes, this.pos, size);
    const children = parts.map((p) => {
      const pv = Math.floor(v / 2 ** p.shift) % 2 ** p.width;
      const error = p.check?.(pv);
      return leaf(`${this.id(name)}.${p.name}`, p.label, this.pos, size, (p.show ?? String)(pv), { bits: bitPattern(v, size, p.shift, p.width), ...(error === undefined ? {} : { error }) });
    });
    this.fields.push(leaf(this.id(name), label, this.pos, size, show(v), { children }));
    this.pos += size;
    return v;
  }

  /** Fields read by `read` gathered under one parent named `name`. */
  group<T>(name: string, label: string, read: () => T, show: (t: T) => string): T {
    const start = this.pos;
    const at = this.fields.length;
    const outer = this.prefix;
    this.prefix = this.id(name);
    const t = read();
    this.prefix = outer;
    const children = this.fields.splice(at);
    if (children.length > 0) this.fields.push(leaf(this.id(name), label, start, this.pos - start, show(t), { children }));
    return t;
  }

  /** A u16-length ASCII string. */
  text(name: string, label: string): string | null {
    return this.group(
      name,
      label,
      () => {
        const n = this.num('length', 'Length', 2);
        if (n === null || !this.room(n, label)) return null;
        const s = ascii(this.bytes, this.pos, this.pos + n);
        if (n > 0) this.take('text', 'Text', n, () => s);
        return s;
      },
      (s) => (s === null ? '(truncated)' : s === '' ? '(empty)' : s),
    );
  }

  /** A u32-length byte string; `inner` dissects its bytes in a region of their own (default: one data field). */
  blob(name: string, label: string, inner?: (r: Region) => string | null): Uint8Array | null {
    let summary: string | null = null;
    const data = this.group(
      name,
      label,
      () => {
        const n = this.num('length', 'Length', 4, (v) => `${v} bytes`, (v) => (v > MAX_BLOB_BYTES ? `longer than the ${MAX_BLOB_BYTES}-byte limit` : undefined));
        if (n === null || n > MAX_BLOB_BYTES) {
          this.rest('data', 'Data');
          return null;
        }
        if (!this.room(n, label)) return null;
        const sub = new Region(this.bytes, this.pos, this.pos + n, this.prefix);
        summary = inner ? inner(sub) : null;
        if (!inner) sub.rest('data', 'Data');
        else if (sub.left > 0 && !sub.stopped) sub.rest('trailing', 'Trailing bytes', `${sub.left} unexpected trailing bytes`);
        this.fields.push(...sub.fields);
        this.pos += n;
        return this.bytes.subarray(this.pos - n, this.pos);
      },
      (d) => (d === null ? '(truncated)' : `${d.length} bytes${summary !== null ? `, ${summary}` : ''}`),
    );
    return data;
  }
}

export const MAX_BLOB_BYTES = 16 * 1024 * 1024;
