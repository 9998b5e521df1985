/**
 * Big-endian byte writer and a bounds-checked reader for the sysplex control
 * messages. The reader never throws: a read past the end marks it failed and
 * returns zeros, and the decoder turns that into an error naming the field.
 */

/** Appends big-endian fields to a growing buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** The bytes written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }

  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }

  /** A length-prefixed (u32) byte string. */
  blob(data: Uint8Array): this {
    this.u32(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** A length-prefixed (u16) ASCII string; other characters become '?'. */
  text(s: string): this {
    const n = Math.min(s.length, 0xffff);
    this.u16(n);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      this.u8(c < 0x80 ? c : 0x3f);
    }
    return this;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
}

/** Reads big-endian fields; remembers the first field that ran past the end. */
export class ByteReader {
  private pos = 0;
  /** Name of the first field that could not be read, or null. */
  failedAt: string | null = null;

  constructor(private readonly data: Uint8Array) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.data.length - this.pos;
  }

  u8(field: string): number {
    if (!this.need(1, field)) return 0;
    return this.data[this.pos++] as number;
  }

  u16(field: string): number {
    return (this.u8(field) << 8) | this.u8(field);
  }

  u32(field: string): number {
    return ((this.u16(field) << 16) | this.u16(field)) >>> 0;
  }

  blob(field: string, max: number): Uint8Array {
    const n = this.u32(field);
    if (n > max) {
      this.failedAt ??= `${field} (length ${n} exceeds ${max})`;
      return new Uint8Array(0);
    }
    if (!this.need(n, field)) return new Uint8Array(0);
    const out = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(field: string): string {
    const n = this.u16(field);
    if (!this.need(n, field)) return '';
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.data[this.pos + i] as number);
    this.pos += n;
    return s;
  }

  private need(n: number, field: string): boolean {
    if (this.failedAt !== null) return false;
    if (this.pos + n > this.data.length) {
      this.failedAt = field;
      return false;
    }
    return true;
  }
}
