/**
 * Wireshark-style packet details for the inspector: a tree of fields over the
 * bytes of one IPv4 datagram — IPv4, then TCP or UDP, then what they carry
 * (HTTP/SMTP text lines, the sysplex control messages with every field of the
 * connection transfer message). Every byte belongs to exactly one byte leaf
 * (see isByteLeaf), so the hex dump and the tree can be linked both ways.
 * Malformed bytes become a field whose `error` says what is wrong; dissect never
 * throws. Pure: no DOM, no React.
 */
import { internetChecksum, pseudoHeaderSum } from '../../sim/wire/checksum';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { tcpFlagsToString } from '../../sim/wire/tcp';
import { type Field } from './field-tree';
import { hex, setOrNot, leaf, printable, ascii, escaped, preview, Region, type BitPart } from './field-reader';
import { control } from './control-fields';

export type { Field, TreeKeyAction, VisibleField } from './field-tree';
export { byteCursorMove, byteLeaves, fieldPath, findField, isByteLeaf, leafAt, treeKeyAction, visibleFields } from './field-tree';
export { CONTROL_TYPES, describeAppState } from './control-fields';

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
