/**
 * Wireshark-style packet details for the inspector: a tree of fields over the
 * bytes of one IPv4 datagram — IPv4, then TCP or UDP, then what they carry
 * (HTTP/SMTP text lines, the sysplex control messages with every field of the
 * connection transfer message). Every byte belongs to exactly one byte leaf
 * (see isByteLeaf), so the hex dump and the tree can be linked both ways.
 * Malformed bytes become a field whose `error` says what is wrong; dissect never
 * throws. Pure: no DOM, no React.
 */
import { TCP_STATES } from '../../sim/tcp/control';
import { seqDiff } from '../../sim/tcp/seq';
import { decodeAppState, type AppState } from '../../sim/sysplex/dialogue/app-state';
import { internetChecksum, pseudoHeaderSum } from '../../sim/wire/checksum';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { tcpFlagsToString } from '../../sim/wire/tcp';

/** One line of the packet details. Offsets count from the first byte of the IPv4 header. */
export interface Field {
  /** Unique within a packet, dotted like a display filter: "tcp.srcport", "hlsx.inner.repair.snd_nxt". */
  readonly id: string;
  /** What the tree shows, e.g. "Source Port: 40109". */
  readonly label: string;
  readonly offset: number;
  /** In bytes; a sub-byte field gives its containing bytes and a `bits` note. */
  readonly length: number;
  /** The value alone, e.g. "40109". */
  readonly value: string;
  /** For a field narrower than its bytes: its bits, Wireshark style ("0100 ...."). */
  readonly bits?: string;
  /** What is wrong with these bytes, when they are malformed. */
  readonly error?: string;
  readonly children?: readonly Field[];
}

/** A field as the tree shows it: its depth and place among its siblings. */
export interface VisibleField {
  readonly field: Field;
  /** 1 for top-level fields (aria-level). */
  readonly level: number;
  readonly parentId: string | null;
  /** null when the field has no children. */
  readonly expanded: boolean | null;
  readonly posInSet: number;
  readonly setSize: number;
}

// ---------------------------------------------------------------- tree helpers

/** True for a field that owns its bytes: no children, or only bit fields that split its bytes. */
export function isByteLeaf(f: Field): boolean {
  return !f.children || f.children.every((c) => c.bits !== undefined);
}

/** The byte leaves, in order: together they cover every byte of the packet exactly once. */
export function byteLeaves(fields: readonly Field[]): Field[] {
  return fields.flatMap((f) => (isByteLeaf(f) ? [f] : byteLeaves(f.children ?? [])));
}

/** The byte leaf that holds byte `offset`, if any. */
export function leafAt(fields: readonly Field[], offset: number): Field | undefined {
  for (const f of fields) {
    if (offset < f.offset || offset >= f.offset + f.length) continue;
    if (isByteLeaf(f)) return f;
    const inner = leafAt(f.children ?? [], offset);
    if (inner) return inner;
  }
  return undefined;
}

/** The field with this id and its ancestors, outermost first; empty when there is none. */
export function fieldPath(fields: readonly Field[], id: string): Field[] {
  for (const f of fields) {
    if (f.id === id) return [f];
    const inner = fieldPath(f.children ?? [], id);
    if (inner.length > 0) return [f, ...inner];
  }
  return [];
}

/** The first field, depth first, that passes `test`. */
export function findField(fields: readonly Field[], test: (f: Field) => boolean): Field | undefined {
  for (const f of fields) {
    if (test(f)) return f;
    const inner = findField(f.children ?? [], test);
    if (inner) return inner;
  }
  return undefined;
}

/** The rows of the tree with `expanded` open, in display order. */
export function visibleFields(fields: readonly Field[], expanded: ReadonlySet<string>, level = 1, parentId: string | null = null): VisibleField[] {
  return fields.flatMap((field, i) => {
    const open = field.children ? expanded.has(field.id) : null;
    const row: VisibleField = { field, level, parentId, expanded: open, posInSet: i + 1, setSize: fields.length };
    return open ? [row, ...visibleFields(field.children ?? [], expanded, level + 1, field.id)] : [row];
  });
}

/** One line of a readable summary of transferred app state. */
export function describeAppState(s: AppState): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s.protocol === 'http') {
    const cookies = Object.entries(s.cookies).map(([k, v]) => `${k}=${v}`);
    return `HTTP, ${plural(s.exchanges, 'exchange')}, user ${s.user ?? '(none)'}, last path ${s.lastPath ?? '(none)'}, cookies ${cookies.length > 0 ? cookies.join('; ') : '(none)'}`;
  }
  const e = s.envelope;
  const rcpt = e.rcptTo.length > 0 ? e.rcptTo.map((r) => `<${r}>`).join(', ') : '(none)';
  return `${s.esmtp ? 'ESMTP' : 'SMTP'}, ${plural(s.exchanges, 'exchange')}, HELO ${e.helo ?? '(none)'}, MAIL FROM ${e.mailFrom === null ? '(none)' : `<${e.mailFrom}>`}, RCPT TO ${rcpt}`;
}

// ---------------------------------------------------------------- reading fields

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;
const setOrNot = (v: number): string => (v ? 'Set' : 'Not set');
const leaf = (id: string, label: string, offset: number, length: number, value: string, extra: Pick<Field, 'bits' | 'error' | 'children'> = {}): Field => ({
  id,
  label: `${label}: ${value}`,
  offset,
  length,
  value,
  ...extra,
});

function readUint(b: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/** Bits `shift`..`shift+width` of a `size`-byte value as "0100 ....". */
function bitPattern(v: number, size: number, shift: number, width: number): string {
  let out = '';
  for (let i = size * 8 - 1; i >= 0; i--) {
    out += i >= shift && i < shift + width ? String(Math.floor(v / 2 ** i) % 2) : '.';
    if (i % 4 === 0 && i > 0) out += ' ';
  }
  return out;
}

function printable(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i] ?? 0;
    if ((c < 0x20 || c > 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

function escaped(text: string, max: number): string {
  const s = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function preview(b: Uint8Array, from: number, to: number): string {
  const shown = Math.min(to, from + 16);
  const hexes = Array.from(b.subarray(from, shown), (c) => c.toString(16).padStart(2, '0')).join(' ');
  const n = to - from;
  return `${n} ${n === 1 ? 'byte' : 'bytes'}${n > 0 ? ` (${hexes}${shown < to ? ' …' : ''})` : ''}`;
}

interface BitPart {
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
class Region {
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

const MAX_BLOB_BYTES = 16 * 1024 * 1024;

// ---------------------------------------------------------------- IPv4

/** The packet details of an IPv4 datagram; never throws. */
export function dissect(bytes: Uint8Array): Field[] {
  try {
    return dissectIpv4(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : 'unknown error';
    return [leaf('error', 'Not dissected', 0, bytes.length, preview(bytes, 0, bytes.length), { error: `the dissector failed: ${why}` })];
  }
}

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };
const ECN = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

function dissectIpv4(b: Uint8Array): Field[] {
  if (b.length === 0) return [leaf('ip', 'Packet', 0, 0, 'no bytes', { error: 'the packet is empty' })];
  const version = (b[0] ?? 0) >>> 4;
  const ihl = (b[0] ?? 0) & 0x0f;
  const headerOk = version === 4 && ihl >= 5 && ihl * 4 <= b.length;
  const headerEnd = Math.min(b.length, ihl >= 5 ? ihl * 4 : 20);
  const r = new Region(b, 0, headerEnd, 'ip');
  r.bits('version_ihl', 'Version and Header Length', 1, [
    { name: 'version', label: 'Version', shift: 4, width: 4, check: (v) => (v === 4 ? undefined : `version ${v} is not 4`) },
    { name: 'hdr_len', label: 'Header Length', shift: 0, width: 4, show: (v) => `${v * 4} bytes (${v})`, check: (v) => (v < 5 ? `IHL ${v} is below the minimum of 5 words` : v * 4 > b.length ? `IHL ${v} (${v * 4} bytes) exceeds the ${b.length} bytes received` : undefined) },
  ], (v) => `IPv${v >>> 4}, ${(v & 15) * 4} bytes`);
  r.bits('dsfield', 'Differentiated Services Field', 1, [
    { name: 'dscp', label: 'Differentiated Services Codepoint', shift: 2, width: 6 },
    { name: 'ecn', label: 'Explicit Congestion Notification', shift: 0, width: 2, show: (v) => `${ECN[v] ?? v} (${v})` },
  ], (v) => `${hex(v, 2)} (DSCP ${v >>> 2}, ${ECN[v & 3] ?? ''})`);
  const total = r.num('len', 'Total Length', 2, String, (v) => (v < ihl * 4 ? `shorter than the ${ihl * 4}-byte header` : v > b.length ? `exceeds the ${b.length} bytes received` : undefined));
  r.num('id', 'Identification', 2, (v) => `${hex(v, 4)} (${v})`);
  const frag = r.bits('flags', 'Flags and Fragment Offset', 2, [
    { name: 'rb', label: 'Reserved bit', shift: 15, width: 1, show: setOrNot, check: (v) => (v ? 'the reserved bit must be 0' : undefined) },
    { name: 'df', label: "Don't fragment", shift: 14, width: 1, show: setOrNot },
    { name: 'mf', label: 'More fragments', shift: 13, width: 1, show: setOrNot },
    { name: 'frag_offset', label: 'Fragment Offset', shift: 0, width: 13, show: (v) => `${v * 8} bytes (${v})` },
  ], (v) => `${hex(v >>> 13, 1)}${v & 0x4000 ? ", Don't fragment" : ''}${v & 0x2000 ? ', More fragments' : ''}, offset ${(v & 0x1fff) * 8}`);
  r.num('ttl', 'Time to Live', 1);
  const protocol = r.num('proto', 'Protocol', 1, (v) => `${PROTOCOLS[v] ?? 'unknown'} (${v})`);
  r.num('checksum', 'Header Checksum', 2, (v) => (headerOk ? checksumText(v, b, 0, ihl * 4, 10, 0) : `${hex(v, 4)} [unverified]`));
  const src = r.addr('src', 'Source Address');
  const dst = r.addr('dst', 'Destination Address');
  if (r.left > 0) r.group('options', 'Options', () => ipOptions(r), (n) => `${headerEnd - 20} bytes, ${n} option${n === 1 ? '' : 's'}`);
  const title = src !== null && dst !== null ? `Internet Protocol Version 4, Src: ${formatIpv4Address(src)}, Dst: ${formatIpv4Address(dst)}` : 'Internet Protocol Version 4';
  const out: Field[] = [{ id: 'ip', label: title, offset: 0, length: headerEnd, value: `${headerEnd}-byte header`, children: r.fields }];
  let payloadEnd = headerEnd;
  if (headerOk && total !== null && protocol !== null && src !== null && dst !== null && frag !== null) {
    const start = ihl * 4;
    payloadEnd = Math.min(Math.max(total, start), b.length);
    if (payloadEnd > start) {
      const fragment = (frag & 0x2000) !== 0 || (frag & 0x1fff) !== 0;
      if (fragment) out.push(leaf('ip.fragment', 'Fragment data', start, payloadEnd - start, preview(b, start, payloadEnd)));
      else out.push(...transport(b, start, payloadEnd, src, dst, protocol, total > b.length));
    }
  } else if (headerEnd < b.length) {
    out.push(leaf('data', 'Data', headerEnd, b.length - headerEnd, preview(b, headerEnd, b.length), { error: 'not dissected: the IPv4 header is malformed' }));
    payloadEnd = b.length;
  }
  if (payloadEnd < b.length) out.push(leaf('trailer', 'Trailing bytes', payloadEnd, b.length - payloadEnd, `${b.length - payloadEnd} bytes past the IPv4 total length (link padding)`));
  return out;
}

function checksumText(carried: number, b: Uint8Array, start: number, end: number, fieldAt: number, initial: number, udp = false): string {
  const ok = internetChecksum(b, start, end, initial) === 0;
  if (ok) return `${hex(carried, 4)} [correct]`;
  const copy = b.slice(start, end);
  copy[fieldAt - start] = 0;
  copy[fieldAt - start + 1] = 0;
  const expected = internetChecksum(copy, 0, copy.length, initial);
  return `${hex(carried, 4)} [incorrect, should be ${hex(udp && expected === 0 ? 0xffff : expected, 4)}]`;
}

function ipOptions(r: Region): number {
  let i = 0;
  for (; r.left > 0 && !r.stopped; i++) {
    const kind = r.bytes[r.pos] ?? 0;
    if (kind === 0) {
      r.num(`${i}`, 'Option', 1, () => 'End of Options List (EOL)');
      if (r.left > 0) r.rest('padding', 'Padding');
    } else if (kind === 1) r.num(`${i}`, 'Option', 1, () => 'No-Operation (NOP)');
    else r.group(`${i}`, 'Option', () => optionBody(r, kind, (n) => void (n > 0 && r.take('data', 'Data', n, (a, z) => preview(r.bytes, a, z)))), () => `type ${kind}`);
  }
  return i;
}

/** Kind and length of a type-length option; `body` reads the value (possibly 0 bytes). */
function optionBody(r: Region, kind: number, body: (valueLength: number) => void, kindName = String(kind)): void {
  r.num('kind', 'Kind', 1, () => `${kindName} (${kind})`);
  const n = r.num('length', 'Length', 1, String, (v) => (v < 2 ? 'below the minimum of 2' : v - 2 > r.left ? `runs ${v - 2 - r.left} bytes past the options` : undefined));
  if (n === null) return;
  if (n < 2 || n - 2 > r.left) return r.rest('data', 'Data', `option length ${n} is invalid; the rest of the options is not dissected`);
  body(n - 2);
}

// ---------------------------------------------------------------- TCP and UDP

function transport(b: Uint8Array, start: number, end: number, src: number, dst: number, protocol: number, truncated: boolean): Field[] {
  if (protocol === 6) return tcp(b, start, end, src, dst, truncated);
  if (protocol === 17) return udp(b, start, end, src, dst, truncated);
  return [leaf('ip.payload', 'Data', start, end - start, preview(b, start, end))];
}

const TCP_FLAG_BITS: readonly BitPart[] = (['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'] as const).map((name, i) => ({ name: name.toLowerCase(), label: name, shift: 7 - i, width: 1, show: setOrNot }));

function tcp(b: Uint8Array, start: number, end: number, src: number, dst: number, truncated: boolean): Field[] {
  const r = new Region(b, start, end, 'tcp');
  const available = end - start;
  const sp = r.num('srcport', 'Source Port', 2);
  const dp = r.num('dstport', 'Destination Port', 2);
  const seq = r.num('seq', 'Sequence Number', 4);
  const ack = r.num('ack', 'Acknowledgment Number', 4);
  const hf = r.bits('hdr_flags', 'Header Length', 2, [
    { name: 'hdr_len', label: 'Header Length', shift: 12, width: 4, show: (v) => `${v * 4} bytes (${v})`, check: (v) => (v < 5 ? `data offset ${v} is below the minimum of 5 words` : v * 4 > available ? `data offset ${v} (${v * 4} bytes) exceeds the ${available} bytes of the segment` : undefined) },
    { name: 'reserved', label: 'Reserved', shift: 8, width: 4, show: (v) => (v === 0 ? 'Not set' : hex(v, 1)) },
    ...TCP_FLAG_BITS,
  ], (v) => `${(v >>> 12) * 4} bytes (${v >>> 12}), Flags: ${hex(v & 0xfff, 3)} (${tcpFlagsToString(v & 0xff)})`);
  r.num('window', 'Window', 2);
  const whole = !truncated && hf !== null && hf >>> 12 >= 5 && (hf >>> 12) * 4 <= available;
  const initial = pseudoHeaderSum(src, dst, 6, available);
  r.num('checksum', 'Checksum', 2, (v) => (whole ? checksumText(v, b, start, end, start + 16, initial) : `${hex(v, 4)} [unverified]`));
  r.num('urgent_pointer', 'Urgent Pointer', 2);
  const headerLength = hf === null ? r.pos - start : Math.min(Math.max((hf >>> 12) * 4, 20), available);
  if (!r.stopped && headerLength > 20) {
    const options = new Region(b, r.pos, start + headerLength, 'tcp.options');
    const names = tcpOptions(options);
    r.fields.push(leaf('tcp.options', 'Options', r.pos, headerLength - 20, `${headerLength - 20} bytes, ${names.join(', ')}`, { children: options.fields }));
    r.pos = start + headerLength;
  }
  const payloadStart = Math.max(r.pos, start + headerLength);
  const length = end - payloadStart;
  const title = `Transmission Control Protocol, Src Port: ${sp ?? '?'}, Dst Port: ${dp ?? '?'}, Seq: ${seq ?? '?'}, Ack: ${ack ?? '?'}, Len: ${length}`;
  const out: Field[] = [{ id: 'tcp', label: title, offset: start, length: payloadStart - start, value: `${payloadStart - start}-byte header`, children: r.fields }];
  if (length > 0) out.push(tcpPayload(b, payloadStart, end, sp ?? 0, dp ?? 0));
  return out;
}

const TCP_OPTION_NAMES: Readonly<Record<number, string>> = { 2: 'Maximum segment size', 3: 'Window scale', 4: 'SACK permitted', 5: 'SACK', 8: 'Timestamps' };
const TCP_OPTION_LENGTHS: Readonly<Record<number, number>> = { 2: 2, 3: 1, 4: 0, 8: 8 };

function tcpOptions(r: Region): string[] {
  const names: string[] = [];
  for (let i = 0; r.left > 0 && !r.stopped; i++) {
    const kind = r.bytes[r.pos] ?? 0;
    if (kind === 0) {
      names.push('End of Option List (EOL)');
      r.num(`${i}`, 'Option', 1, () => 'End of Option List (EOL)');
      if (r.left > 0) r.take('padding', 'Padding', r.left, (a, z) => preview(r.bytes, a, z));
      break;
    }
    if (kind === 1) {
      names.push('No-Operation (NOP)');
      r.num(`${i}`, 'Option', 1, () => 'No-Operation (NOP)');
      continue;
    }
    const name = TCP_OPTION_NAMES[kind] ?? `Unknown option ${kind}`;
    names.push(name);
    r.group(`${i}`, 'Option', () => optionBody(r, kind, (n) => tcpOptionValue(r, kind, n), name), () => name);
  }
  return names;
}

function tcpOptionValue(r: Region, kind: number, n: number): void {
  const expected = TCP_OPTION_LENGTHS[kind];
  const sackOk = kind === 5 && n % 8 === 0 && n >= 8 && n <= 32;
  if (expected !== undefined ? n !== expected : kind === 5 && !sackOk) {
    r.take('data', 'Data', n, (a, z) => preview(r.bytes, a, z), () => `length ${n + 2} is wrong for this option, expected ${expected !== undefined ? expected + 2 : '2 + 8n with n = 1..4'}`);
    return;
  }
  if (kind === 2) r.num('mss', 'MSS Value', 2, (v) => `${v} bytes`);
  else if (kind === 3) r.num('shift', 'Shift count', 1, (v) => `${v} (multiply by ${2 ** v})`, (v) => (v > 14 ? 'a shift above 14 is invalid (RFC 7323 §2.3)' : undefined));
  else if (kind === 8) {
    r.num('tsval', 'Timestamp value (TSval)', 4);
    r.num('tsecr', 'Timestamp echo reply (TSecr)', 4);
  } else if (kind === 5) {
    for (let k = 0; k < n / 8; k++) {
      r.num(`block${k}.left`, `Left edge ${k + 1}`, 4);
      r.num(`block${k}.right`, `Right edge ${k + 1}`, 4);
    }
  } else if (n > 0) r.take('data', 'Data', n, (a, z) => preview(r.bytes, a, z));
}

function udp(b: Uint8Array, start: number, end: number, src: number, dst: number, truncated: boolean): Field[] {
  const r = new Region(b, start, end, 'udp');
  const available = end - start;
  const sp = r.num('srcport', 'Source Port', 2);
  const dp = r.num('dstport', 'Destination Port', 2);
  const length = r.num('length', 'Length', 2, String, (v) => (v < 8 ? 'shorter than the 8-byte header' : v > available ? `exceeds the ${available} bytes the IPv4 datagram carries` : undefined));
  const whole = !truncated && length !== null && length >= 8 && length <= available;
  r.num('checksum', 'Checksum', 2, (v) => (v === 0 ? '0x0000 [none]' : whole ? checksumText(v, b, start, start + length, start + 6, pseudoHeaderSum(src, dst, 17, length), true) : `${hex(v, 4)} [unverified]`));
  const payloadStart = r.pos;
  const udpEnd = length !== null && length >= 8 ? Math.min(start + length, end) : end;
  const title = `User Datagram Protocol, Src Port: ${sp ?? '?'}, Dst Port: ${dp ?? '?'}, Len: ${Math.max(0, udpEnd - payloadStart)}`;
  const out: Field[] = [{ id: 'udp', label: title, offset: start, length: payloadStart - start, value: `${payloadStart - start}-byte header`, children: r.fields }];
  if (udpEnd > payloadStart) {
    if (ascii(b, payloadStart, Math.min(udpEnd, payloadStart + 4)) === 'HLSX') out.push(control(b, payloadStart, udpEnd, 'hlsx'));
    else out.push(leaf('udp.payload', 'Data', payloadStart, udpEnd - payloadStart, preview(b, payloadStart, udpEnd)));
  }
  if (udpEnd < end) out.push(leaf('udp.trailer', 'Trailing bytes', udpEnd, end - udpEnd, `${end - udpEnd} bytes past the UDP length`));
  return out;
}

// ---------------------------------------------------------------- HTTP and SMTP text

const HTTP_START = /^((GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d|HTTP\/\d)/;
const SMTP_START = /^(\d{3}[ -]|\d{3}\r?\n|(EHLO|HELO|MAIL FROM:|RCPT TO:|DATA|QUIT|RSET|NOOP|VRFY|STARTTLS|AUTH)\b)/i;
const MAX_LINES = 256;

function tcpPayload(b: Uint8Array, start: number, end: number, sp: number, dp: number): Field {
  const firstEnd = lineEnd(b, start, end);
  const first = ascii(b, start, firstEnd);
  const text = printable(b, start, firstEnd);
  const http = text && (HTTP_START.test(first) || [80, 8080].includes(sp) || [80, 8080].includes(dp));
  const smtp = text && !http && (SMTP_START.test(first) || [25, 587].includes(sp) || [25, 587].includes(dp));
  if (!http && !smtp) return leaf('data', 'Data', start, end - start, preview(b, start, end));
  const id = http ? 'http' : 'smtp';
  const r = new Region(b, start, end, id);
  let lines = 0;
  while (r.left > 0 && lines < MAX_LINES) {
    const to = lineEnd(b, r.pos, end);
    if (!printable(b, r.pos, to)) break;
    const line = escaped(ascii(b, r.pos, to), 2000);
    r.fields.push({ id: r.id(`line${lines++}`), label: line.length > 120 ? `${line.slice(0, 120)}…` : line, offset: r.pos, length: to - r.pos, value: line });
    r.pos = to;
  }
  if (r.left > 0) r.rest('data', 'Data');
  const title = http ? 'Hypertext Transfer Protocol' : 'Simple Mail Transfer Protocol';
  return { id, label: `${title}, ${lines} line${lines === 1 ? '' : 's'}`, offset: start, length: end - start, value: escaped(first, 80), children: r.fields };
}

function lineEnd(b: Uint8Array, from: number, end: number): number {
  const lf = b.subarray(from, end).indexOf(0x0a);
  return lf < 0 ? end : from + lf + 1;
}

// ---------------------------------------------------------------- sysplex control messages

/** Type codes of src/sim/sysplex/control-messages.ts, from 1. */
export const CONTROL_TYPES = ['REGISTER', 'TARGETS', 'LISTEN_NOTICE', 'TRANSFER_NOTIFY', 'TRANSFER', 'OFFER', 'VERDICT', 'ABORT', 'CONN_ENDED', 'CONN_MOVED', 'XCF_DATA', 'XCF_ACK'] as const;

function control(b: Uint8Array, start: number, end: number, prefix: string): Field {
  const r = new Region(b, start, end, prefix);
  const type = controlFields(r);
  if (r.left > 0 && !r.stopped) r.rest('trailing', 'Trailing bytes', `${r.left} unexpected trailing bytes`);
  return { id: prefix, label: `Sysplex control message (HLSX)${type ? `: ${type}` : ''}`, offset: start, length: end - start, value: type ?? 'malformed', children: r.fields };
}

/** Dissects one control message in `r`; returns its type name, or null when it is not one. */
function controlFields(r: Region): string | null {
  const magicOk = r.left >= 4 && ascii(r.bytes, r.pos, r.pos + 4) === 'HLSX';
  if (!r.take('magic', 'Magic', 4, (a, z) => JSON.stringify(ascii(r.bytes, a, z)), () => (magicOk ? undefined : 'not "HLSX": not a sysplex control message'))) return null;
  if (!magicOk) {
    r.rest('body', 'Body');
    return null;
  }
  const version = r.num('version', 'Version', 1, String, (v) => (v === 1 ? undefined : `unsupported version ${v}`));
  const code = r.num('type', 'Type', 1, (v) => `${CONTROL_TYPES[v - 1] ?? 'unknown'} (${v})`, (v) => (CONTROL_TYPES[v - 1] ? undefined : `unknown control message type ${v}`));
  const type = code === null ? undefined : CONTROL_TYPES[code - 1];
  if (version !== 1 || type === undefined) {
    if (r.left > 0) r.rest('body', 'Body', 'not dissected: unknown version or type');
    return type ?? null;
  }
  controlBody(r, type);
  return type;
}

function controlBody(r: Region, type: (typeof CONTROL_TYPES)[number]): void {
  const transfer = (): void => void r.num('transfer', 'Transfer', 4, (v) => `#${v}`);
  const appState = (): void => void r.blob('app_state', 'App state', appStateFields);
  switch (type) {
    case 'REGISTER':
      r.num('role', 'Role', 1, (v) => (v === 1 ? 'routing (1)' : v === 2 ? 'target (2)' : `unknown (${v})`));
      r.text('app', 'App');
      r.text('stack', 'Stack');
      r.num('port', 'Port', 2);
      return;
    case 'TARGETS': {
      const n = r.num('count', 'Count', 2, String, (v) => (v > 1024 ? 'more than 1024 targets' : undefined));
      if (n !== null && n > 1024) return r.rest('targets', 'Targets', 'not dissected: too many targets');
      for (let i = 0; i < (n ?? 0) && !r.stopped; i++) {
        r.group(`targets.${i}`, `Target ${i + 1}`, () => [r.text('app', 'App'), r.text('stack', 'Stack'), r.addr('xcf', 'XCF address'), r.num('port', 'Port', 2)] as const, ([app, stack]) => `${app ?? '?'} on ${stack ?? '?'}`);
      }
      return;
    }
    case 'LISTEN_NOTICE':
      r.text('stack', 'Stack');
      r.text('app', 'App');
      r.num('port', 'Port', 2);
      r.num('listening', 'Listening', 1, (v) => (v === 1 ? 'yes' : 'no'));
      return;
    case 'TRANSFER_NOTIFY':
      transfer();
      conn(r);
      r.text('target_app', 'Target app');
      return appState();
    case 'TRANSFER':
      transfer();
      conn(r);
      r.text('from_stack', 'From stack');
      r.text('target_app', 'Target app');
      repair(r);
      return appState();
    case 'OFFER':
      transfer();
      conn(r);
      r.text('from_stack', 'From stack');
      appState();
      r.num('queued_bytes', 'Queued bytes', 4);
      return;
    case 'VERDICT':
      transfer();
      conn(r);
      r.num('accepted', 'Accepted', 1, (v) => (v === 1 ? 'yes' : 'no'));
      r.text('reason', 'Reason');
      return;
    case 'ABORT':
      transfer();
      conn(r);
      r.text('reason', 'Reason');
      return;
    case 'CONN_ENDED':
      conn(r);
      r.text('stack', 'Stack');
      r.text('reason', 'Reason');
      return;
    case 'CONN_MOVED':
      conn(r);
      r.text('from', 'From');
      r.text('to', 'To');
      return;
    case 'XCF_DATA':
      r.text('from', 'From');
      r.num('seq', 'XCF sequence', 4);
      r.blob('inner', 'Inner message', (sub) => controlFields(sub));
      return;
    case 'XCF_ACK':
      r.text('from', 'From');
      r.num('seq', 'XCF sequence', 4);
      return;
  }
}

function conn(r: Region): void {
  r.group('conn', 'Connection', () => [r.addr('client', 'Client'), r.num('client_port', 'Client port', 2), r.addr('dvipa', 'DVIPA'), r.num('port', 'Port', 2)] as const, ([c, cp, d, p]) =>
    c === null || d === null ? '(truncated)' : `${formatIpv4Address(c)}:${cp ?? '?'} → ${formatIpv4Address(d)}:${p ?? '?'}`,
  );
}

/** The TCP_REPAIR fields, in wire order: [id, label]. */
const REPAIR_SEQUENCE = [
  ['iss', 'ISS'],
  ['irs', 'IRS'],
  ['snd_una', 'SND.UNA'],
  ['snd_nxt', 'SND.NXT'],
  ['snd_max', 'SND.MAX'],
  ['snd_wnd', 'SND.WND'],
  ['snd_wl1', 'SND.WL1'],
  ['snd_wl2', 'SND.WL2'],
  ['max_window', 'max_window'],
  ['rcv_nxt', 'RCV.NXT'],
  ['rcv_wnd', 'RCV.WND'],
  ['rcv_wup', 'RCV.WUP (Last.ACK.sent)'],
] as const;

function repair(r: Region): void {
  r.group('repair', 'TCP repair state', () => {
    const state = r.num('state', 'State', 1, (v) => `${TCP_STATES[v] ?? 'unknown'} (${v})`, (v) => (TCP_STATES[v] ? undefined : `no TCP state has index ${v}`));
    r.num('profile', 'Profile', 1, (v) => (v === 1 ? 'linux (1)' : `rfc (${v})`));
    r.num('nagle', 'Nagle', 1, (v) => (v === 1 ? 'on' : 'off'));
    r.num('delayed_ack', 'Delayed ACK', 1, (v) => (v === 1 ? 'on' : 'off'));
    r.num('option_mss', 'Socket MSS option', 2);
    r.num('send_buffer', 'Send buffer', 4, (v) => `${v} bytes`);
    r.num('receive_buffer', 'Receive buffer', 4, (v) => (v === 0 ? 'default (0)' : `${v} bytes`));
    const seqs = new Map<string, number | null>(REPAIR_SEQUENCE.map(([id, label]) => [id, r.num(id, label, 4)]));
    r.num('send_mss', 'Send MSS', 2);
    r.num('peer_mss', 'Peer MSS', 2);
    r.num('snd_wscale', 'Send window scale', 1, (v) => `${v} (multiply by ${2 ** v})`);
    r.num('rcv_wscale', 'Receive window scale', 1, (v) => `${v} (multiply by ${2 ** v})`);
    r.bits('flags', 'Flags', 1, [
      { name: 'reserved', label: 'Reserved', shift: 4, width: 4, check: (v) => (v ? 'reserved bits must be 0' : undefined) },
      { name: 'fin_received', label: 'FIN received', shift: 3, width: 1, show: setOrNot },
      { name: 'fin_queued', label: 'FIN queued', shift: 2, width: 1, show: setOrNot },
      { name: 'timestamps', label: 'Timestamps', shift: 1, width: 1, show: setOrNot },
      { name: 'sack', label: 'SACK permitted', shift: 0, width: 1, show: setOrNot },
    ], (v) => hex(v, 2));
    r.num('ts_recent', 'TS.Recent', 4);
    r.num('ts_offset', 'Timestamp clock offset', 4);
    r.num('snd_data_end', 'Send data end', 4);
    const una = seqs.get('snd_una') ?? null;
    const nxt = seqs.get('snd_nxt') ?? null;
    r.blob('send_queue', 'Send queue', (sub) => {
      const n = sub.left;
      const sent = una === null || nxt === null ? 0 : Math.min(n, Math.max(0, seqDiff(nxt, una)));
      sub.rest('data', 'Data');
      return `${sent} sent-unacked, ${n - sent} unsent`;
    });
    r.blob('receive_queue', 'Receive queue', (sub) => {
      const text = printable(sub.bytes, sub.pos, sub.end) ? escaped(ascii(sub.bytes, sub.pos, sub.end), 60) : null;
      sub.rest('data', 'Data');
      return `unread by the app (peeked ones included)${text ? `: "${text}"` : ''}`;
    });
    return { state: state === null ? null : (TCP_STATES[state] ?? null), sndNxt: nxt, rcvNxt: seqs.get('rcv_nxt') ?? null };
  }, (s) => `${s.state ?? '?'}, SND.NXT ${s.sndNxt ?? '?'}, RCV.NXT ${s.rcvNxt ?? '?'}`);
}

// ---------------------------------------------------------------- app state (src/sim/sysplex/dialogue/app-state.ts)

function appStateFields(r: Region): string {
  const data = r.bytes.subarray(r.pos, r.end);
  const version = r.num('version', 'Version', 1, String, (v) => (v === 1 ? undefined : `unsupported app-state version ${v}`));
  const protocol = r.num('protocol', 'Protocol', 1, (v) => (v === 1 ? 'http (1)' : v === 2 ? 'smtp (2)' : `unknown (${v})`), (v) => (v === 1 || v === 2 ? undefined : `unknown protocol tag ${v}`));
  r.num('exchanges', 'Exchanges', 4);
  if (version === 1 && protocol === 1) {
    optionalString(r, 'user', 'User');
    optionalString(r, 'last_path', 'Last path');
    const n = r.num('cookie_count', 'Cookie count', 2, String, (v) => (v > 64 ? 'more than 64 cookies' : undefined)) ?? 0;
    for (let i = 0; i < n && n <= 64 && !r.stopped; i++) {
      r.group(`cookie${i}`, `Cookie ${i + 1}`, () => [utf8String(r, 'name', 'Name'), utf8String(r, 'value', 'Value')] as const, ([k, v]) => `${k ?? '?'}=${v ?? '?'}`);
    }
  } else if (version === 1 && protocol === 2) {
    r.num('esmtp', 'ESMTP', 1, (v) => (v === 1 ? 'yes (EHLO)' : 'no'), (v) => (v > 1 ? `esmtp flag ${v} is not 0 or 1` : undefined));
    optionalString(r, 'helo', 'HELO argument');
    optionalString(r, 'mail_from', 'MAIL FROM');
    const n = r.num('rcpt_count', 'Recipient count', 2, String, (v) => (v > 100 ? 'more than 100 recipients' : undefined)) ?? 0;
    for (let i = 0; i < n && n <= 100 && !r.stopped; i++) utf8String(r, `rcpt${i}`, `Recipient ${i + 1}`);
  }
  if (r.left > 0 && !r.stopped) r.rest('rest', 'Not dissected', 'unknown app-state layout');
  const decoded = decodeAppState(data);
  return decoded.ok ? describeAppState(decoded.state) : `invalid: ${decoded.error}`;
}

function utf8String(r: Region, name: string, label: string): string | null {
  return r.group(
    name,
    label,
    () => {
      const n = r.num('length', 'Length', 2, String, (v) => (v > 16384 ? 'longer than 16384 bytes' : undefined));
      if (n === null || !r.room(n, label)) return null;
      const s = new TextDecoder().decode(r.bytes.subarray(r.pos, r.pos + n));
      if (n > 0) r.take('text', 'Text', n, () => s);
      return s;
    },
    (s) => (s === null ? '(truncated)' : s === '' ? '(empty)' : s),
  );
}

function optionalString(r: Region, name: string, label: string): void {
  r.group(
    name,
    label,
    () => {
      const present = r.num('present', 'Present', 1, (v) => (v === 1 ? 'yes' : v === 0 ? 'no (null)' : String(v)), (v) => (v > 1 ? `presence byte ${v} is not 0 or 1` : undefined));
      return present === 1 ? utf8String(r, 'value', 'Value') : null;
    },
    (s) => s ?? '(none)',
  );
}

// ---------------------------------------------------------------- keyboard (WAI-ARIA tree and a byte cursor)

/** What a key press in the field tree does: move focus to a row, open or close one, or nothing. */
export type TreeKeyAction = { readonly focus: string } | { readonly toggle: string; readonly open: boolean } | null;

/** The tree pattern's keys: ↑/↓ move, → opens or enters, ← closes or goes to the parent, Home/End, Enter/Space toggle. */
export function treeKeyAction(rows: readonly VisibleField[], focusId: string, key: string): TreeKeyAction {
  const i = rows.findIndex((r) => r.field.id === focusId);
  const row = rows[i];
  if (!row) return null;
  const focus = (r: VisibleField | undefined): TreeKeyAction => (r ? { focus: r.field.id } : null);
  switch (key) {
    case 'ArrowDown':
      return focus(rows[i + 1]);
    case 'ArrowUp':
      return focus(rows[i - 1]);
    case 'Home':
      return focus(rows[0]);
    case 'End':
      return focus(rows.at(-1));
    case 'ArrowRight':
      return row.expanded === false ? { toggle: row.field.id, open: true } : row.expanded ? focus(rows[i + 1]) : null;
    case 'ArrowLeft':
      return row.expanded ? { toggle: row.field.id, open: false } : row.parentId === null ? null : { focus: row.parentId };
    case 'Enter':
    case ' ':
      return row.expanded === null ? null : { toggle: row.field.id, open: !row.expanded };
    default:
      return null;
  }
}

/** Where the hex dump's byte cursor goes for a key (←/→ one byte, ↑/↓ one row of 16, Home/End); undefined when the key is not a move. */
export function byteCursorMove(cursor: number | null, key: string, length: number): number | undefined {
  const steps: Readonly<Record<string, number>> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16 };
  const clamp = (n: number): number => Math.max(0, Math.min(length - 1, n));
  if (length === 0) return undefined;
  if (key === 'Home') return 0;
  if (key === 'End') return length - 1;
  const step = steps[key];
  if (step === undefined) return undefined;
  return cursor === null ? 0 : clamp(cursor + step);
}
