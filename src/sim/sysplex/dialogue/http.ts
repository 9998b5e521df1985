/**
 * HTTP/1.1 message syntax, a subset of RFC 9112. Read first: §2.1 message format,
 * §2.2 message parsing (CRLF only, leading empty lines), §3 request line, §4 status
 * line, §5 field syntax (no whitespace before the colon, no obs-fold), §6.3 body length.
 * Header helpers follow RFC 9110 §5.3 (repeated fields), RFC 6265 §4.2 (Cookie)
 * and RFC 7617 (Basic authentication).
 *
 * The subset: bodies are framed by Content-Length only. Transfer-Encoding (chunked)
 * is refused with an error, and so is a response that would be delimited by closing
 * the connection (§6.3 rule 8), because a router peeking at bytes cannot wait for a
 * close. Parsers work on peeked bytes: they report 'incomplete' until a whole message
 * is there, and stop at its end so pipelined messages stay unconsumed.
 */
import { base64Decode, base64Encode } from './base64';
import { isCrlfAt, quoteLine, scanLine } from './lines';
import { latin1Decode, utf8Decode, utf8Encode } from './utf8';

/** Largest header section accepted: start line through the empty line, including leading empty lines. */
export const HTTP_HEADER_SECTION_MAX_BYTES = 16 * 1024;
/** Largest body accepted. */
export const HTTP_BODY_MAX_BYTES = 1024 * 1024;
/** Most field lines accepted in one header section. */
export const HTTP_FIELDS_MAX = 100;

/** Header fields in the order sent, names as sent. */
export type HttpHeaders = readonly (readonly [name: string, value: string])[];

/** A parsed request (RFC 9112 §3). */
export interface HttpRequest {
  readonly method: string;
  readonly target: string;
  /** 'HTTP/1.1' or 'HTTP/1.0'. */
  readonly version: string;
  readonly headers: HttpHeaders;
  readonly body: Uint8Array;
}

/** A parsed response (RFC 9112 §4). */
export interface HttpResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
  readonly body: Uint8Array;
}

/** Outcome of parsing a request from the front of peeked bytes; `length` is what the message occupies. */
export type HttpRequestParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'complete'; readonly request: HttpRequest; readonly length: number }
  | { readonly kind: 'error'; readonly error: string };

/** Outcome of parsing a response from the front of received bytes. */
export type HttpResponseParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'complete'; readonly response: HttpResponse; readonly length: number }
  | { readonly kind: 'error'; readonly error: string };

/** What buildHttpRequest needs; Content-Length is added from the body. */
export interface HttpRequestInit {
  readonly method: string;
  readonly target: string;
  readonly headers: HttpHeaders;
  /** A string is sent as UTF-8. Absent means no body and no Content-Length. */
  readonly body?: Uint8Array | string;
}

/** What buildHttpResponse needs; Content-Length is always added (0 without a body). */
export interface HttpResponseInit {
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
  readonly body?: Uint8Array | string;
}

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The request-target forms of RFC 9112 §3.2 are all visible ASCII without spaces.
const TARGET = /^[\x21-\x7e]+$/;
const VERSION = /^HTTP\/1\.[01]$/;
const SUPPORTED_VERSION = /^HTTP\/\d\.\d$/;
const STATUS_CODE = /^[1-5]\d\d$/;
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding']);

// ---------------------------------------------------------------- building

/** Serialises an HTTP/1.1 request with CRLF line endings; throws RangeError on fields that would not parse back. */
export function buildHttpRequest(init: HttpRequestInit): Uint8Array {
  if (!TOKEN.test(init.method)) throw new RangeError(`buildHttpRequest: method ${quoteLine(init.method)} is not a token`);
  if (!TARGET.test(init.target)) throw new RangeError(`buildHttpRequest: target ${quoteLine(init.target)} is not visible ASCII`);
  const body = init.body === undefined ? null : toBytes(init.body);
  return serialise(`${init.method} ${init.target} HTTP/1.1`, init.headers, body);
}

/** Serialises an HTTP/1.1 response, always with Content-Length; throws RangeError on fields that would not parse back. */
export function buildHttpResponse(init: HttpResponseInit): Uint8Array {
  if (!Number.isInteger(init.status) || !STATUS_CODE.test(String(init.status))) {
    throw new RangeError(`buildHttpResponse: status ${String(init.status)} is not in 100..599`);
  }
  assertFieldText('reason', init.reason);
  const body = toBytes(init.body ?? new Uint8Array(0));
  return serialise(`HTTP/1.1 ${String(init.status)} ${init.reason}`, init.headers, body);
}

/** A Basic Authorization field value (RFC 7617 §2): "Basic " + base64(user ":" password), UTF-8. */
export function basicCredentials(user: string, password: string): string {
  if (user.includes(':')) throw new RangeError('basicCredentials: a user-id cannot contain a colon (RFC 7617 §2)');
  return `Basic ${base64Encode(utf8Encode(`${user}:${password}`))}`;
}

/** Start line, fields, Content-Length when there is a body, empty line, body. */
function serialise(startLine: string, headers: HttpHeaders, body: Uint8Array | null): Uint8Array {
  let head = `${startLine}\r\n`;
  for (const [name, value] of headers) head += `${fieldLine(name, value)}\r\n`;
  if (body !== null) head += `Content-Length: ${String(body.length)}\r\n`;
  const headBytes = utf8Encode(`${head}\r\n`);
  if (headBytes.length > HTTP_HEADER_SECTION_MAX_BYTES) {
    throw new RangeError(`HTTP header section of ${String(headBytes.length)} bytes exceeds ${String(HTTP_HEADER_SECTION_MAX_BYTES)}`);
  }
  if (headers.length > HTTP_FIELDS_MAX) throw new RangeError(`more than ${String(HTTP_FIELDS_MAX)} HTTP header fields`);
  if (body !== null && body.length > HTTP_BODY_MAX_BYTES) {
    throw new RangeError(`HTTP body of ${String(body.length)} bytes exceeds ${String(HTTP_BODY_MAX_BYTES)}`);
  }
  const out = new Uint8Array(headBytes.length + (body?.length ?? 0));
  out.set(headBytes, 0);
  if (body !== null) out.set(body, headBytes.length);
  return out;
}

/** One field line; the builder owns message framing, so callers may not set it. */
function fieldLine(name: string, value: string): string {
  if (!TOKEN.test(name)) throw new RangeError(`HTTP field name ${quoteLine(name)} is not a token`);
  if (FRAMING_FIELDS.has(name.toLowerCase())) throw new RangeError(`HTTP field ${name} is set by the builder`);
  assertFieldText(`field ${name}`, value);
  if (/^[ \t]|[ \t]$/.test(value)) throw new RangeError(`HTTP field ${name}: leading or trailing whitespace would be stripped`);
  return `${name}: ${value}`;
}

/** Field values and reasons may hold HTAB, SP, visible characters and non-ASCII, but no other control. */
function assertFieldText(what: string, text: string): void {
  if (hasControl(text)) throw new RangeError(`HTTP ${what} contains a control character`);
}

/** Whether text holds a control character other than HTAB (NUL, CR, LF, DEL, …). */
function hasControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** Body bytes, encoding a string as UTF-8. */
function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? utf8Encode(body) : body;
}

// ---------------------------------------------------------------- parsing

/** A header section: its parsed start line and fields. */
interface Head<StartLine> {
  readonly startLine: StartLine;
  readonly fields: HttpHeaders;
  /** Offset just after the empty line. */
  readonly end: number;
}

type HeadScan<StartLine> =
  | { readonly kind: 'head'; readonly head: Head<StartLine> }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly error: string };

/** Parses the request at the front of bytes; stops at its end, so pipelined bytes stay unconsumed. Never throws. */
export function parseHttpRequest(bytes: Uint8Array): HttpRequestParse {
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
  const scan = scanHead(bytes, skipEmptyLines(bytes), parseRequestLine);
  if (scan.kind !== 'head') return scan;
  const bodyLength = requestBodyLength(scan.head.fields);
  if (typeof bodyLength === 'string') return { kind: 'error', error: bodyLength };
  const length = scan.head.end + bodyLength;
  if (bytes.length < length) return { kind: 'incomplete' };
  const body = bytes.slice(scan.head.end, length);
  return { kind: 'complete', request: { ...scan.head.startLine, headers: scan.head.fields, body }, length };
}

/** Parses the response at the front of bytes; stops at its end. Never throws. */
export function parseHttpResponse(bytes: Uint8Array): HttpResponseParse {
  const scan = scanHead(bytes, 0, parseStatusLine);
  if (scan.kind !== 'head') return scan;
  const bodyLength = responseBodyLength(scan.head.startLine.status, scan.head.fields);
  if (typeof bodyLength === 'string') return { kind: 'error', error: bodyLength };
  const length = scan.head.end + bodyLength;
  if (bytes.length < length) return { kind: 'incomplete' };
  const body = bytes.slice(scan.head.end, length);
  return { kind: 'complete', response: { ...scan.head.startLine, headers: scan.head.fields, body }, length };
}

/** Offset of the first byte after any leading CRLFs, bounded by the header-section cap. */
function skipEmptyLines(bytes: Uint8Array): number {
  let offset = 0;
  while (offset < HTTP_HEADER_SECTION_MAX_BYTES && isCrlfAt(bytes, offset)) offset += 2;
  return offset;
}

/**
 * Reads lines until the empty line. Each line is checked as soon as its CRLF is
 * there, so a bad request line is an error at once rather than after 16 KiB.
 */
function scanHead<StartLine extends object>(
  bytes: Uint8Array,
  start: number,
  parseStartLine: (line: string) => StartLine | string,
): HeadScan<StartLine> {
  const tooLong = `header section exceeds ${String(HTTP_HEADER_SECTION_MAX_BYTES)} bytes`;
  const first = scanLine(bytes, start, HTTP_HEADER_SECTION_MAX_BYTES, tooLong);
  if (first.kind !== 'line') return first;
  const startLine = parseStartLine(latin1Decode(bytes, start, first.end));
  if (typeof startLine === 'string') return { kind: 'error', error: startLine };
  const fields: [string, string][] = [];
  let offset = first.next;
  // Bounded: each pass consumes a line, and there are at most HTTP_FIELDS_MAX of them.
  for (let count = 0; count <= HTTP_FIELDS_MAX; count++) {
    const line = scanLine(bytes, offset, HTTP_HEADER_SECTION_MAX_BYTES, tooLong);
    if (line.kind !== 'line') return line;
    if (line.end === offset) return { kind: 'head', head: { startLine, fields, end: line.next } };
    const field = parseFieldLine(bytes, offset, line.end);
    if (typeof field === 'string') return { kind: 'error', error: field };
    fields.push(field);
    offset = line.next;
  }
  return { kind: 'error', error: `more than ${String(HTTP_FIELDS_MAX)} header fields` };
}

/** RFC 9112 §5: field-name ":" OWS field-value OWS; the value is read as UTF-8. */
function parseFieldLine(bytes: Uint8Array, start: number, end: number): [string, string] | string {
  const first = bytes[start];
  if (first === 0x20 || first === 0x09) return `obsolete line folding at offset ${String(start)} (RFC 9112 §5.2)`;
  const colon = bytes.subarray(start, end).indexOf(0x3a);
  const text = latin1Decode(bytes, start, end);
  if (colon < 0) return `header field line without a colon: ${quoteLine(text)}`;
  const name = text.slice(0, colon);
  if (/[ \t]$/.test(name)) return `whitespace before the colon in header field ${quoteLine(name)} (RFC 9112 §5.1)`;
  if (!TOKEN.test(name)) return `header field name ${quoteLine(name)} is not a token`;
  let valueStart = start + colon + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isOws(bytes[valueStart])) valueStart++;
  while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) valueEnd--;
  for (let index = valueStart; index < valueEnd; index++) {
    const byte = bytes[index]!;
    if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f) {
      return `control character 0x${byte.toString(16).padStart(2, '0')} in header field ${name}`;
    }
  }
  return [name, utf8Decode(bytes.slice(valueStart, valueEnd))];
}

/** Optional whitespace (RFC 9110 §5.6.3): SP or HTAB. */
function isOws(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09;
}

/** RFC 9112 §3: method SP request-target SP HTTP-version, single spaces. */
function parseRequestLine(line: string): { method: string; target: string; version: string } | string {
  const parts = line.split(' ');
  const [method, target, version] = parts;
  if (parts.length !== 3 || method === undefined || target === undefined || version === undefined) {
    return `bad request line ${quoteLine(line)}: expected method SP request-target SP HTTP-version (RFC 9112 §3)`;
  }
  if (!TOKEN.test(method)) return `bad request line ${quoteLine(line)}: method is not a token`;
  if (!TARGET.test(target)) return `bad request line ${quoteLine(line)}: request-target is not visible ASCII`;
  const versionError = checkVersion(version);
  if (versionError !== null) return `bad request line ${quoteLine(line)}: ${versionError}`;
  return { method, target, version };
}

/** RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase]; a missing final SP is tolerated. */
function parseStatusLine(line: string): { version: string; status: number; reason: string } | string {
  const version = line.slice(0, 8);
  const code = line.slice(9, 12);
  const versionError = checkVersion(version);
  if (versionError !== null) return `bad status line ${quoteLine(line)}: ${versionError}`;
  if (line[8] !== ' ' || !STATUS_CODE.test(code)) return `bad status line ${quoteLine(line)}: expected a status code 100..599`;
  if (line.length > 12 && line[12] !== ' ') return `bad status line ${quoteLine(line)}: status code not followed by SP`;
  // reason-phrase = *( HTAB / SP / VCHAR / obs-text )
  if (hasControl(line)) return `bad status line ${quoteLine(line)}: control character in reason`;
  const reason = utf8Decode(latin1Bytes(line.slice(13)));
  return { version, status: Number(code), reason };
}

/** Null when the version is HTTP/1.0 or HTTP/1.1, else why not. */
function checkVersion(version: string): string | null {
  if (VERSION.test(version)) return null;
  return SUPPORTED_VERSION.test(version) ? `unsupported version ${version}` : `malformed HTTP-version ${quoteLine(version)}`;
}

/** Bytes of a string read with latin1Decode, to re-read them as UTF-8. */
function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) out[index] = text.charCodeAt(index);
  return out;
}

/** RFC 9112 §6.3 rules 3–7 for a request: Content-Length, or no body. */
function requestBodyLength(fields: HttpHeaders): number | string {
  return contentLength(fields) ?? 0;
}

/** RFC 9112 §6.3 rules 1 and 3–8 for a response; read-until-close bodies are outside the subset. */
function responseBodyLength(status: number, fields: HttpHeaders): number | string {
  if (status < 200 || status === 204 || status === 304) return 0;
  return contentLength(fields) ?? 'response without Content-Length (bodies delimited by close are not supported)';
}

/**
 * The body length from Content-Length, null without one. Transfer-Encoding is refused
 * (§6.1, §6.3 rule 3), and repeated values must agree (§6.3 rule 5: "42, 42" is allowed).
 */
function contentLength(fields: HttpHeaders): number | string | null {
  if (headerValues({ headers: fields }, 'transfer-encoding').length > 0) {
    return 'Transfer-Encoding is not supported (this subset frames bodies by Content-Length only)';
  }
  const values = headerValues({ headers: fields }, 'content-length').flatMap((value) => value.split(','));
  if (values.length === 0) return null;
  let length: number | null = null;
  for (const raw of values) {
    const value = raw.trim();
    if (!/^\d+$/.test(value)) return `bad Content-Length ${quoteLine(raw)}`;
    // Leading zeros are valid 1*DIGIT; past 8 significant digits the value is over the cap anyway.
    const digits = value.replace(/^0+(?=\d)/, '');
    const parsed = digits.length > 8 ? Number.POSITIVE_INFINITY : Number(digits);
    if (length !== null && parsed !== length) return `conflicting Content-Length values ${quoteLine(values.join(','))}`;
    length = parsed;
  }
  if (length !== null && length > HTTP_BODY_MAX_BYTES) return `body of ${String(values[0]?.trim())} bytes exceeds ${String(HTTP_BODY_MAX_BYTES)}`;
  return length;
}

// ---------------------------------------------------------------- header helpers

/** Every value of the named field, in order; the name is compared case-insensitively (RFC 9110 §5.1). */
export function headerValues(message: { readonly headers: HttpHeaders }, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.headers.filter(([fieldName]) => fieldName.toLowerCase() === wanted).map(([, value]) => value);
}

/** The named field's value, repeated fields joined with ", " (RFC 9110 §5.3); null when absent. */
export function header(message: { readonly headers: HttpHeaders }, name: string): string | null {
  const values = headerValues(message, name);
  return values.length === 0 ? null : values.join(', ');
}

/**
 * The cookies in the request's Cookie fields (RFC 6265 §4.2.1: name=value pairs
 * separated by "; "). The first occurrence of a name wins, as servers usually read
 * it (§5.4 puts the most specific path first); pairs without '=' or a name are skipped.
 */
export function cookies(request: { readonly headers: HttpHeaders }): Record<string, string> {
  const found = new Map<string, string>();
  for (const field of headerValues(request, 'cookie')) {
    for (const pair of field.split(';')) {
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      if (equals < 0 || name === '' || found.has(name)) continue;
      found.set(name, unquote(pair.slice(equals + 1).trim()));
    }
  }
  // Object.fromEntries defines own properties, so a cookie named "__proto__" stays data.
  return Object.fromEntries(found);
}

/** RFC 6265 §4.1.1 allows a cookie-value in DQUOTEs; the quotes are not part of it. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** The user-id of an "Authorization: Basic" field (RFC 7617 §2), or null when absent or malformed. */
export function basicAuthUser(request: { readonly headers: HttpHeaders }): string | null {
  const value = header(request, 'authorization');
  const match = value === null ? null : /^basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i.exec(value);
  const decoded = match?.[1] === undefined ? null : base64Decode(match[1]);
  if (decoded === null) return null;
  const credentials = utf8Decode(decoded);
  const colon = credentials.indexOf(':');
  return colon < 0 ? null : credentials.slice(0, colon);
}

/**
 * The path of a request-target (RFC 9112 §3.2) without its query: origin-form as is,
 * absolute-form's path after the authority ("/" when empty), '*' and authority-form as sent.
 */
export function requestPath(target: string): string {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(target);
  if (absolute !== null) return absolute[1] === undefined || absolute[1] === '' ? '/' : absolute[1];
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}
