/**
 * SMTP, a subset of RFC 5321. Read first: §2.3.8 (lines end with CRLF), §2.4 (verbs
 * are case-insensitive), §3.3 (the mail transaction), §4.1.1 (commands), §4.1.2
 * (paths and mailboxes), §4.1.4 (order of commands), §4.2 (replies, multi-line with
 * "250-"), §4.5.3.1 (size limits). Non-ASCII in addresses is read as UTF-8 (RFC 6531).
 *
 * Line cap: §4.5.3.1.4 sets 512 octets for a command line and §4.5.3.1.6 1000 for a
 * text line, while §4.5.3.1 asks servers to be generous; both directions here accept
 * up to 1000 octets including CRLF, and a longer line is an error, never a wait.
 * The parsers work on peeked bytes: one line (one reply) at a time, reporting how many
 * bytes it occupies so pipelined commands (RFC 2920) stay unconsumed.
 */
import { quoteLine, scanLine } from './lines';
import { utf8Decode, utf8DecodeStrict, utf8Encode } from './utf8';

/** Longest line accepted, CRLF included. */
export const SMTP_LINE_MAX_OCTETS = 1000;
/** Most lines in one multi-line reply. */
export const SMTP_REPLY_LINES_MAX = 100;
/** Recipients buffered per transaction: the minimum RFC 5321 §4.5.3.1.8 requires. */
export const SMTP_RECIPIENTS_MAX = 100;

/** The commands this subset tells apart; anything else is 'OTHER'. */
export type SmtpCommandName = 'EHLO' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA' | 'QUIT' | 'RSET' | 'NOOP' | 'OTHER';

/** A complete, well-formed command line at the front of the bytes. */
export interface SmtpCommandLine {
  readonly kind: 'complete';
  readonly command: SmtpCommandName;
  /** The verb as sent, upper-cased (so an 'OTHER' can be named in a 502 reply). */
  readonly verb: string;
  /** Everything after the verb and its space, surrounding SP and HTAB removed. */
  readonly argument: string;
  /** MAIL's reverse-path ('' for the null path "<>") or RCPT's forward-path, without brackets or source route. */
  readonly address?: string;
  /** Bytes the line occupies, CRLF included. */
  readonly length: number;
}

/** Outcome of parsing one command line. An error on a complete line carries its length so a server can skip it after a 500/501. */
export type SmtpCommandParse =
  | { readonly kind: 'incomplete' }
  | SmtpCommandLine
  | { readonly kind: 'error'; readonly error: string; readonly length?: number };

/** A reply (RFC 5321 §4.2): one code and the text of each line. */
export interface SmtpReply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** Outcome of parsing one (possibly multi-line) reply. */
export type SmtpReplyParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'complete'; readonly reply: SmtpReply; readonly length: number }
  | { readonly kind: 'error'; readonly error: string };

/** What a server has accepted of the mail transaction so far (RFC 5321 §3.3). */
export interface SmtpEnvelope {
  /** The EHLO/HELO argument; null before the client introduced itself. */
  readonly helo: string | null;
  /** The accepted MAIL reverse-path ('' for "<>"); null outside a transaction. */
  readonly mailFrom: string | null;
  /** The accepted RCPT forward-paths, in order. */
  readonly rcptTo: readonly string[];
}

/** Result of applying a command to an envelope: the new envelope, or the reply code refusing it. */
export type EnvelopeStep =
  | { readonly ok: true; readonly envelope: SmtpEnvelope }
  | { readonly ok: false; readonly code: number; readonly error: string };

const KNOWN_COMMANDS: ReadonlySet<string> = new Set(['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'QUIT', 'RSET', 'NOOP']);
// RFC 5321 §4.2: the first digit is 2–5 (1yz is unused by SMTP), the second 0–5.
const REPLY_CODE = /^[2-5][0-5]\d$/;
const TOO_LONG = `line exceeds ${String(SMTP_LINE_MAX_OCTETS)} octets including CRLF (RFC 5321 §4.5.3.1)`;
// §4.1.2 Path, with optional whitespace after the colon (common, and harmless to accept).
const MAIL_ARGUMENT = /^FROM:[ \t]*<([^<>]*)>(?:[ \t]+(.*))?$/i;
const RCPT_ARGUMENT = /^TO:[ \t]*<([^<>]*)>(?:[ \t]+(.*))?$/i;
// §4.1.2 Dot-string of atext (RFC 6531 adds UTF-8), or a Quoted-string.
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+)*$/u;
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10ffff}]|\\[\x20-\x7e])*"$/u;
// §4.1.2 Domain (sub-domains of letters, digits and inner hyphens; RFC 6531 U-labels) or an address-literal.
const DOMAIN = /^[A-Za-z0-9\u0080-\u{10ffff}](?:[A-Za-z0-9\u0080-\u{10ffff}-]*[A-Za-z0-9\u0080-\u{10ffff}])?(?:\.[A-Za-z0-9\u0080-\u{10ffff}](?:[A-Za-z0-9\u0080-\u{10ffff}-]*[A-Za-z0-9\u0080-\u{10ffff}])?)*$/u;
const ADDRESS_LITERAL = /^\[[\x21-\x5a\x5e-\x7e]+\]$/;

// ---------------------------------------------------------------- building

/** One reply, multi-line when given several lines ("250-a", "250 b"); throws RangeError on a bad code or text. */
export function smtpReply(code: number, text: string | readonly string[]): Uint8Array {
  if (!Number.isInteger(code) || !REPLY_CODE.test(String(code))) throw new RangeError(`smtpReply: bad reply code ${String(code)}`);
  const lines = typeof text === 'string' ? [text] : text.length === 0 ? [''] : text;
  if (lines.length > SMTP_REPLY_LINES_MAX) throw new RangeError(`smtpReply: more than ${String(SMTP_REPLY_LINES_MAX)} lines`);
  const rendered = lines.map((line, index) => {
    const separator = index < lines.length - 1 ? '-' : line === '' ? '' : ' ';
    return checkedLine(`${String(code)}${separator}${line}`);
  });
  return utf8Encode(rendered.join(''));
}

/** The service-ready greeting "220 <host> ESMTP" (RFC 5321 §4.2, §4.3.1). */
export function smtpGreeting(host: string): Uint8Array {
  if (!/^\S+$/.test(host)) throw new RangeError(`smtpGreeting: host ${quoteLine(host)} must be one word`);
  return smtpReply(220, `${host} ESMTP`);
}

/** A client command line such as "MAIL FROM:<a@b>", CRLF appended; throws RangeError on CR, LF or length. */
export function buildSmtpCommand(line: string): Uint8Array {
  return utf8Encode(checkedLine(line));
}

/** The line with CRLF, after checking it holds no line break and fits the octet cap. */
function checkedLine(line: string): string {
  if (/[\r\n]/.test(line)) throw new RangeError(`SMTP line ${quoteLine(line)} contains CR or LF`);
  const octets = utf8Encode(line).length + 2;
  if (octets > SMTP_LINE_MAX_OCTETS) throw new RangeError(`SMTP line of ${String(octets)} octets: ${TOO_LONG}`);
  return `${line}\r\n`;
}

// ---------------------------------------------------------------- commands

/** Parses the command line at the front of bytes (RFC 5321 §4.1.1). Never throws. */
export function parseSmtpCommand(bytes: Uint8Array): SmtpCommandParse {
  const scan = scanLine(bytes, 0, SMTP_LINE_MAX_OCTETS, TOO_LONG);
  if (scan.kind !== 'line') return scan;
  const length = scan.next;
  const text = utf8DecodeStrict(bytes.subarray(0, scan.end));
  if (text === null) return { kind: 'error', error: 'command line is not valid UTF-8', length };
  if (hasControl(text)) return { kind: 'error', error: `control character in command line ${quoteLine(text)}`, length };
  const space = text.indexOf(' ');
  const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  // Only SP and HTAB separate words in SMTP; other Unicode spaces belong to the argument.
  const argument = space < 0 ? '' : text.slice(space + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  const command: SmtpCommandName = /^[A-Z]+$/.test(verb) && KNOWN_COMMANDS.has(verb) ? (verb as SmtpCommandName) : 'OTHER';
  return withAddress({ kind: 'complete', command, verb, argument, length });
}

/** Checks the argument of commands that need one and extracts MAIL/RCPT addresses. */
function withAddress(line: SmtpCommandLine): SmtpCommandParse {
  const length = line.length;
  switch (line.command) {
    case 'EHLO':
    case 'HELO':
      if (line.argument === '' || /\s/.test(line.argument)) {
        return { kind: 'error', error: `${line.command} needs one domain or address literal (RFC 5321 §4.1.1.1)`, length };
      }
      return line;
    case 'MAIL':
      return pathCommand(line, MAIL_ARGUMENT, 'MAIL needs FROM:<reverse-path> (RFC 5321 §4.1.1.2)', true);
    case 'RCPT':
      return pathCommand(line, RCPT_ARGUMENT, 'RCPT needs TO:<forward-path> (RFC 5321 §4.1.1.3)', false);
    default:
      return line;
  }
}

/** Parses "FROM:<path>" / "TO:<path>" with optional parameters; nullPath allows "<>". */
function pathCommand(line: SmtpCommandLine, pattern: RegExp, usage: string, nullPath: boolean): SmtpCommandParse {
  const match = pattern.exec(line.argument);
  if (match?.[1] === undefined) return { kind: 'error', error: `${usage}, got ${quoteLine(line.argument)}`, length: line.length };
  const address = stripSourceRoute(match[1]);
  if (address === '' && nullPath) return { ...line, address };
  // §4.1.1.3: "<Postmaster>" without a domain must be accepted.
  if (!nullPath && address.toLowerCase() === 'postmaster') return { ...line, address };
  const error = mailboxError(address);
  if (error !== null) return { kind: 'error', error: `${line.command}: ${error}`, length: line.length };
  return { ...line, address };
}

/** §4.1.2 and Appendix C: a source route "@a,@b:" before the mailbox is accepted and ignored. */
function stripSourceRoute(path: string): string {
  if (!path.startsWith('@')) return path;
  const colon = path.indexOf(':');
  return colon < 0 ? path : path.slice(colon + 1);
}

/** Null when address is Local-part "@" (Domain / address-literal), else what is wrong. */
function mailboxError(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return `${quoteLine(address)} is not a mailbox (local-part@domain)`;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!DOT_STRING.test(local) && !QUOTED_STRING.test(local)) return `bad local-part ${quoteLine(local)}`;
  if (!DOMAIN.test(domain) && !ADDRESS_LITERAL.test(domain)) return `bad domain ${quoteLine(domain)}`;
  return null;
}

/** Whether text holds a control character other than HTAB. */
function hasControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** The domain of a mailbox, lower-cased (domains compare case-insensitively, RFC 5321 §2.4); null without one. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1);
  return domain === '' ? null : domain.toLowerCase();
}

// ---------------------------------------------------------------- replies

/** Parses the reply at the front of bytes, all lines of a multi-line one (RFC 5321 §4.2.1). Never throws. */
export function parseSmtpReply(bytes: Uint8Array): SmtpReplyParse {
  const lines: string[] = [];
  let code: string | null = null;
  let offset = 0;
  // Bounded: each pass consumes one line, at most SMTP_REPLY_LINES_MAX of them.
  for (let count = 0; count < SMTP_REPLY_LINES_MAX; count++) {
    const scan = scanLine(bytes, offset, offset + SMTP_LINE_MAX_OCTETS, TOO_LONG);
    if (scan.kind !== 'line') return scan;
    const text = utf8Decode(bytes.subarray(offset, scan.end));
    const match = /^(\d{3})([ -]|$)/.exec(text);
    if (match?.[1] === undefined || !REPLY_CODE.test(match[1])) return { kind: 'error', error: `bad reply line ${quoteLine(text)}` };
    if (code !== null && match[1] !== code) return { kind: 'error', error: `reply line ${quoteLine(text)} changes the code from ${code}` };
    code = match[1];
    lines.push(text.slice(4));
    offset = scan.next;
    if (match[2] !== '-') return { kind: 'complete', reply: { code: Number(code), lines }, length: offset };
  }
  return { kind: 'error', error: `reply longer than ${String(SMTP_REPLY_LINES_MAX)} lines` };
}

// ---------------------------------------------------------------- envelope

/** The envelope of a session that has not yet said EHLO. */
export function emptySmtpEnvelope(): SmtpEnvelope {
  return { helo: null, mailFrom: null, rcptTo: [] };
}

/**
 * Applies a command under the ordering rules of RFC 5321 §4.1.4 and §3.3: the new
 * envelope, or the code a server replies with to refuse it. DATA leaves the envelope
 * as it is: the transaction ends when the message does, which the caller sees.
 */
export function advanceEnvelope(envelope: SmtpEnvelope, line: SmtpCommandLine): EnvelopeStep {
  switch (line.command) {
    case 'EHLO':
    case 'HELO':
      // §4.1.4: a repeated EHLO also resets the transaction, as RSET would.
      return { ok: true, envelope: { helo: line.argument, mailFrom: null, rcptTo: [] } };
    case 'MAIL':
      if (envelope.helo === null) return { ok: false, code: 503, error: 'send EHLO or HELO first' };
      if (envelope.mailFrom !== null) return { ok: false, code: 503, error: 'nested MAIL command' };
      return { ok: true, envelope: { ...envelope, mailFrom: line.address ?? '', rcptTo: [] } };
    case 'RCPT':
      if (envelope.mailFrom === null) return { ok: false, code: 503, error: 'need MAIL before RCPT' };
      // §4.5.3.1.10: too many recipients is 452, and the client sends the rest later.
      if (envelope.rcptTo.length >= SMTP_RECIPIENTS_MAX) return { ok: false, code: 452, error: 'too many recipients' };
      return { ok: true, envelope: { ...envelope, rcptTo: [...envelope.rcptTo, line.address ?? ''] } };
    case 'DATA':
      if (envelope.mailFrom === null) return { ok: false, code: 503, error: 'need MAIL before DATA' };
      if (envelope.rcptTo.length === 0) return { ok: false, code: 554, error: 'no valid recipients' };
      return { ok: true, envelope };
    case 'RSET':
      return { ok: true, envelope: { helo: envelope.helo, mailFrom: null, rcptTo: [] } };
    case 'QUIT':
    case 'NOOP':
    case 'OTHER':
      return { ok: true, envelope };
  }
}
