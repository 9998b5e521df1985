/**
 * The application state that travels with a transferred connection (claims 6, 7
 * and 13): what the routing application learned in its dialogue with the client,
 * so the target application can carry on as if it had served the client from the
 * start. The state is encoded once by the routing app and carried unchanged through
 * routing stack, target stack and target app, so every hop shows the same bytes.
 *
 * Byte layout, version 1 (all integers big-endian, no padding):
 *
 *   u8  version            = 1
 *   u8  protocol           1 = http, 2 = smtp
 *   u32 exchanges          request/response pairs completed before the transfer
 *   http:
 *     opt-str user         the authenticated user (HTTP Basic user-id)
 *     opt-str lastPath     path of the last request the routing app answered
 *     u16 cookieCount      ≤ 64, then cookieCount × (str name, str value),
 *                          names strictly ascending (UTF-16 code-unit order), so
 *                          one state has exactly one encoding
 *   smtp:
 *     u8  esmtp            1 when the client said EHLO, 0 for HELO or not yet
 *     opt-str helo         the EHLO/HELO argument
 *     opt-str mailFrom     the accepted reverse-path ('' for "<>")
 *     u16 rcptCount        ≤ 100 (RFC 5321 §4.5.3.1.8), then rcptCount × str
 *
 *   str      = u16 byteLength (≤ 16384) + that many bytes of well-formed UTF-8
 *   opt-str  = u8 0 (null) | u8 1 + str
 *
 * The string cap equals the HTTP header-section cap, so any string taken from one
 * request fits. Decoding is strict: unknown versions or tags, caps exceeded, invalid
 * UTF-8, unsorted or repeated cookie names and trailing bytes are all errors.
 */
import { basicAuthUser, cookies as requestCookies, requestPath } from './http';
import type { HttpRequest } from './http';
import { advanceEnvelope, emptySmtpEnvelope } from './smtp';
import type { SmtpCommandLine, SmtpEnvelope } from './smtp';
import { utf8DecodeStrict, utf8Encode } from './utf8';

/** The format version written in the first byte. */
export const APP_STATE_VERSION = 1;
/** Largest UTF-8 string in the encoding, in bytes. */
export const APP_STATE_STRING_MAX_BYTES = 16 * 1024;
/** Most cookies carried. */
export const APP_STATE_COOKIES_MAX = 64;
/** Most recipients carried (RFC 5321 §4.5.3.1.8's minimum buffer). */
export const APP_STATE_RECIPIENTS_MAX = 100;

const PROTOCOL_HTTP = 1;
const PROTOCOL_SMTP = 2;
const U32_MAX = 0xffff_ffff;

/** What an HTTP routing app learned (claim 5: the targets are web servers). */
export interface HttpAppState {
  readonly protocol: 'http';
  /** The user-id from "Authorization: Basic", kept once seen; null if never authenticated. */
  readonly user: string | null;
  /** Cookies the client presented, merged over the exchanges (a later value wins). */
  readonly cookies: Readonly<Record<string, string>>;
  /** Request/response pairs completed before the transfer. */
  readonly exchanges: number;
  /** Path of the last request answered, so the target can tell where the client is. */
  readonly lastPath: string | null;
}

/** What an SMTP routing app learned: the envelope, and whether the session is ESMTP. */
export interface SmtpAppState {
  readonly protocol: 'smtp';
  readonly envelope: SmtpEnvelope;
  /** Command/reply pairs completed before the transfer. */
  readonly exchanges: number;
  /** Whether the client said EHLO, so the target may honour service extensions (RFC 5321 §4.1.4). */
  readonly esmtp: boolean;
}

/** The application state carried with a connection. */
export type AppState = HttpAppState | SmtpAppState;

/** Result of decoding app-state bytes. */
export type AppStateDecode = { readonly ok: true; readonly state: AppState } | { readonly ok: false; readonly error: string };

// ---------------------------------------------------------------- building the state

/** The state of an HTTP dialogue before any exchange. */
export function initialHttpAppState(): HttpAppState {
  return { protocol: 'http', user: null, cookies: {}, exchanges: 0, lastPath: null };
}

/** The state of an SMTP dialogue after the greeting, before EHLO. */
export function initialSmtpAppState(): SmtpAppState {
  return { protocol: 'smtp', envelope: emptySmtpEnvelope(), exchanges: 0, esmtp: false };
}

/**
 * Folds in a request the routing app has answered. Values beyond the codec's caps are
 * left out (a cookie over the count, an over-long string), so encoding never fails.
 */
export function recordHttpExchange(state: HttpAppState, request: HttpRequest): HttpAppState {
  const user = basicAuthUser(request);
  const path = requestPath(request.target);
  return {
    protocol: 'http',
    user: user !== null && fitsString(user) ? user : state.user,
    cookies: mergeCookies(state.cookies, requestCookies(request)),
    exchanges: Math.min(state.exchanges + 1, U32_MAX),
    lastPath: fitsString(path) ? path : state.lastPath,
  };
}

/** Folds in a command the routing app has answered with replyCode; only a positive reply (2yz/3yz) changes the envelope. */
export function recordSmtpExchange(state: SmtpAppState, line: SmtpCommandLine, replyCode: number): SmtpAppState {
  const exchanges = Math.min(state.exchanges + 1, U32_MAX);
  const step = advanceEnvelope(state.envelope, line);
  if (replyCode >= 400 || !step.ok || !envelopeFits(step.envelope)) return { ...state, exchanges };
  const greeted = line.command === 'EHLO' || line.command === 'HELO';
  return { ...state, envelope: step.envelope, exchanges, esmtp: greeted ? line.command === 'EHLO' : state.esmtp };
}

/** Earlier cookies updated by later ones, dropping any that would break the codec's caps. */
function mergeCookies(earlier: Readonly<Record<string, string>>, later: Readonly<Record<string, string>>): Record<string, string> {
  const merged = new Map(Object.entries(earlier));
  for (const [name, value] of Object.entries(later)) {
    const room = merged.has(name) || merged.size < APP_STATE_COOKIES_MAX;
    if (room && fitsString(name) && fitsString(value)) merged.set(name, value);
  }
  return Object.fromEntries(merged);
}

/** Whether every string of the envelope fits the codec. */
function envelopeFits(envelope: SmtpEnvelope): boolean {
  const strings = [envelope.helo ?? '', envelope.mailFrom ?? '', ...envelope.rcptTo];
  return envelope.rcptTo.length <= APP_STATE_RECIPIENTS_MAX && strings.every(fitsString);
}

/** Whether text's UTF-8 fits a codec string. */
function fitsString(text: string): boolean {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; measure exactly only near the cap.
  return text.length * 3 <= APP_STATE_STRING_MAX_BYTES || utf8Encode(text).length <= APP_STATE_STRING_MAX_BYTES;
}

// ---------------------------------------------------------------- encoding

/** Encodes a state in the version-1 layout; throws RangeError when a cap is exceeded (a programming error). */
export function encodeAppState(state: AppState): Uint8Array {
  const writer = new ByteWriter();
  writer.u8(APP_STATE_VERSION);
  if (!Number.isInteger(state.exchanges) || state.exchanges < 0 || state.exchanges > U32_MAX) {
    throw new RangeError(`app state: exchanges ${String(state.exchanges)} is not a u32`);
  }
  if (state.protocol === 'http') {
    writer.u8(PROTOCOL_HTTP);
    writer.u32(state.exchanges);
    writeHttp(writer, state);
  } else {
    writer.u8(PROTOCOL_SMTP);
    writer.u32(state.exchanges);
    writeSmtp(writer, state);
  }
  return writer.bytes();
}

/** The HTTP fields, cookies sorted by name so the encoding is canonical. */
function writeHttp(writer: ByteWriter, state: HttpAppState): void {
  writer.optionalString(state.user);
  writer.optionalString(state.lastPath);
  const names = Object.keys(state.cookies).sort();
  if (names.length > APP_STATE_COOKIES_MAX) throw new RangeError(`app state: more than ${String(APP_STATE_COOKIES_MAX)} cookies`);
  writer.u16(names.length);
  for (const name of names) {
    writer.string(name);
    writer.string(state.cookies[name] ?? '');
  }
}

/** The SMTP fields. */
function writeSmtp(writer: ByteWriter, state: SmtpAppState): void {
  writer.u8(state.esmtp ? 1 : 0);
  writer.optionalString(state.envelope.helo);
  writer.optionalString(state.envelope.mailFrom);
  const recipients = state.envelope.rcptTo;
  if (recipients.length > APP_STATE_RECIPIENTS_MAX) throw new RangeError(`app state: more than ${String(APP_STATE_RECIPIENTS_MAX)} recipients`);
  writer.u16(recipients.length);
  for (const recipient of recipients) writer.string(recipient);
}

/** Appends big-endian fields to a growing list of chunks. */
class ByteWriter {
  private readonly chunks: Uint8Array[] = [];

  /** Appends one byte. */
  u8(value: number): void {
    this.chunks.push(Uint8Array.of(value));
  }

  /** Appends a big-endian u16. */
  u16(value: number): void {
    this.chunks.push(Uint8Array.of(value >>> 8, value & 0xff));
  }

  /** Appends a big-endian u32. */
  u32(value: number): void {
    this.chunks.push(Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff));
  }

  /** Appends a str: u16 byte length, then UTF-8. */
  string(text: string): void {
    const encoded = utf8Encode(text);
    if (encoded.length > APP_STATE_STRING_MAX_BYTES) {
      throw new RangeError(`app state: string of ${String(encoded.length)} bytes exceeds ${String(APP_STATE_STRING_MAX_BYTES)}`);
    }
    this.u16(encoded.length);
    this.chunks.push(encoded);
  }

  /** Appends an opt-str: a presence byte, then the str when present. */
  optionalString(text: string | null): void {
    this.u8(text === null ? 0 : 1);
    if (text !== null) this.string(text);
  }

  /** Everything appended, as one array. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------- decoding

/** Decodes version-1 app-state bytes; never throws, and the error names the offset and field. */
export function decodeAppState(bytes: Uint8Array): AppStateDecode {
  const reader = new ByteReader(bytes);
  const version = reader.u8('version');
  if (reader.error === null && version !== APP_STATE_VERSION) reader.fail(`unsupported app-state version ${String(version)}`);
  const protocol = reader.u8('protocol');
  const exchanges = reader.u32('exchanges');
  if (reader.error !== null) return { ok: false, error: reader.error };
  const state = protocol === PROTOCOL_HTTP ? readHttp(reader, exchanges) : protocol === PROTOCOL_SMTP ? readSmtp(reader, exchanges) : null;
  if (state === null) return { ok: false, error: `unknown protocol tag ${String(protocol)} at offset 1` };
  const trailing = reader.remaining();
  if (trailing > 0) reader.fail(`${String(trailing)} trailing ${trailing === 1 ? 'byte' : 'bytes'} at offset ${String(reader.offset)}`);
  return reader.error === null ? { ok: true, state } : { ok: false, error: reader.error };
}

/** The HTTP fields after the common header. */
function readHttp(reader: ByteReader, exchanges: number): HttpAppState {
  const user = reader.optionalString('user');
  const lastPath = reader.optionalString('lastPath');
  const count = reader.count('cookie count', APP_STATE_COOKIES_MAX);
  const entries: [string, string][] = [];
  for (let index = 0; index < count && reader.error === null; index++) {
    const name = reader.string(`cookie ${String(index)} name`);
    const previous = entries[index - 1]?.[0];
    if (reader.error === null && previous !== undefined && !(previous < name)) {
      reader.fail(`cookie names not strictly ascending at ${JSON.stringify(name)}`);
    }
    entries.push([name, reader.string(`cookie ${String(index)} value`)]);
  }
  // Object.fromEntries defines own properties, so a cookie named "__proto__" stays data.
  return { protocol: 'http', user, cookies: Object.fromEntries(entries), exchanges, lastPath };
}

/** The SMTP fields after the common header. */
function readSmtp(reader: ByteReader, exchanges: number): SmtpAppState {
  const esmtpByte = reader.u8('esmtp');
  if (reader.error === null && esmtpByte > 1) reader.fail(`esmtp flag ${String(esmtpByte)} is not 0 or 1`);
  const helo = reader.optionalString('helo');
  const mailFrom = reader.optionalString('mailFrom');
  const count = reader.count('recipient count', APP_STATE_RECIPIENTS_MAX);
  const rcptTo: string[] = [];
  for (let index = 0; index < count && reader.error === null; index++) rcptTo.push(reader.string(`recipient ${String(index)}`));
  return { protocol: 'smtp', envelope: { helo, mailFrom, rcptTo }, exchanges, esmtp: esmtpByte === 1 };
}

/**
 * Reads big-endian fields with a sticky error: after the first failure every read
 * returns a neutral value, so decoding runs to its end without throwing and the
 * first error (with its offset) is the one reported.
 */
class ByteReader {
  offset = 0;
  error: string | null = null;

  constructor(private readonly input: Uint8Array) {}

  /** Bytes not yet read. */
  remaining(): number {
    return this.input.length - this.offset;
  }

  /** Records an error unless one is already recorded. */
  fail(message: string): void {
    this.error ??= message;
  }

  /** Reads one byte. */
  u8(field: string): number {
    return this.take(field, 1)?.[0] ?? 0;
  }

  /** Reads a big-endian u16. */
  u16(field: string): number {
    const bytes = this.take(field, 2);
    return bytes === null ? 0 : (bytes[0]! << 8) | bytes[1]!;
  }

  /** Reads a big-endian u32. */
  u32(field: string): number {
    const bytes = this.take(field, 4);
    return bytes === null ? 0 : ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  }

  /** Reads a u16 element count, failing above max so loops over it stay bounded. */
  count(field: string, max: number): number {
    const at = this.offset;
    const value = this.u16(field);
    if (value > max) this.fail(`${field} ${String(value)} at offset ${String(at)} exceeds ${String(max)}`);
    return this.error === null ? value : 0;
  }

  /** Reads a str, failing on the length cap or invalid UTF-8. */
  string(field: string): string {
    const at = this.offset;
    const length = this.u16(`${field} length`);
    if (length > APP_STATE_STRING_MAX_BYTES) this.fail(`${field} length ${String(length)} at offset ${String(at)} exceeds ${String(APP_STATE_STRING_MAX_BYTES)}`);
    const bytes = this.error === null ? this.take(field, length) : null;
    const text = bytes === null ? null : utf8DecodeStrict(bytes);
    if (bytes !== null && text === null) this.fail(`${field} at offset ${String(at + 2)} is not valid UTF-8`);
    return text ?? '';
  }

  /** Reads an opt-str. */
  optionalString(field: string): string | null {
    const at = this.offset;
    const present = this.u8(`${field} presence`);
    if (present > 1) this.fail(`${field} presence byte ${String(present)} at offset ${String(at)} is not 0 or 1`);
    return present === 1 && this.error === null ? this.string(field) : null;
  }

  /** The next length bytes, or null (recording the error) when they run past the end. */
  private take(field: string, length: number): Uint8Array | null {
    if (this.error !== null) return null;
    if (this.offset + length > this.input.length) {
      this.fail(`truncated at offset ${String(this.offset)}: ${field} needs ${String(length)} bytes, ${String(this.remaining())} left`);
      return null;
    }
    const bytes = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
}
