// Proves the SMTP subset against RFC 5321's own examples (D.1 session, multi-line EHLO
// reply) byte for byte, walks the command table and its syntax errors, the 1000-octet line
// cap and the §4.1.4 ordering rules of the envelope, then uses fast-check (1000 runs each)
// to round-trip built commands and replies and to feed arbitrary bytes that must never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SMTP_LINE_MAX_OCTETS, SMTP_RECIPIENTS_MAX, SMTP_REPLY_LINES_MAX, advanceEnvelope, buildSmtpCommand, domainOf, emptySmtpEnvelope,
  parseSmtpCommand, parseSmtpReply, smtpGreeting, smtpReply,
} from './smtp';
import type { SmtpCommandLine, SmtpCommandParse, SmtpEnvelope, SmtpReplyParse } from './smtp';

import { RUNS, text, wire } from './test/text';

/** The complete command, failing the test otherwise. */
function commandOf(line: string | Uint8Array): SmtpCommandLine {
  const result = parseSmtpCommand(typeof line === 'string' ? wire(line) : line);
  if (result.kind !== 'complete') throw new Error(`expected a complete command, got ${JSON.stringify(result)}`);
  return result;
}

/** The complete reply, failing the test otherwise. */
function replyOf(bytes: Uint8Array): Extract<SmtpReplyParse, { kind: 'complete' }> {
  const result = parseSmtpReply(bytes);
  if (result.kind !== 'complete') throw new Error(`expected a complete reply, got ${JSON.stringify(result)}`);
  return result;
}

/** The envelope after applying command lines in order, failing the test on a refusal. */
function envelopeAfter(...lines: string[]): SmtpEnvelope {
  let envelope = emptySmtpEnvelope();
  for (const line of lines) {
    const step = advanceEnvelope(envelope, commandOf(`${line}\r\n`));
    if (!step.ok) throw new Error(`${line} refused: ${step.error}`);
    envelope = step.envelope;
  }
  return envelope;
}

describe('building replies and commands: exact bytes', () => {
  it('builds the greeting and single-line replies', () => {
    expect(smtpGreeting('mx1.example.com')).toEqual(wire('220 mx1.example.com ESMTP\r\n'));
    expect(smtpReply(250, 'OK')).toEqual(wire('250 OK\r\n'));
    expect(text(smtpReply(354, 'Start mail input; end with <CRLF>.<CRLF>'))).toBe('354 Start mail input; end with <CRLF>.<CRLF>\r\n');
    expect(text(smtpReply(451, 'Requested action aborted: no target accepted'))).toBe('451 Requested action aborted: no target accepted\r\n');
    expect(text(smtpReply(250, ''))).toBe('250\r\n');
  });

  it('builds a multi-line reply with "250-" continuations and a final "250 " (RFC 5321 §4.2.1)', () => {
    expect(smtpReply(250, ['foo.com greets bar.com', '8BITMIME', 'SIZE', 'DSN', 'HELP'])).toEqual(
      wire('250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n'),
    );
    expect(text(smtpReply(250, ['', 'x']))).toBe('250-\r\n250 x\r\n');
    expect(text(smtpReply(221, []))).toBe('221\r\n');
  });

  it('builds command lines with CRLF', () => {
    expect(buildSmtpCommand('MAIL FROM:<Smith@bar.com>')).toEqual(wire('MAIL FROM:<Smith@bar.com>\r\n'));
    expect(buildSmtpCommand('QUIT')).toEqual(wire('QUIT\r\n'));
  });

  it.each([
    ['code 199', () => smtpReply(199, 'x')],
    ['code 600', () => smtpReply(600, 'x')],
    ['code 260 (second digit above 5)', () => smtpReply(260, 'x')],
    ['code 25', () => smtpReply(25, 'x')],
    ['text with CRLF', () => smtpReply(250, 'a\r\n250 b')],
    ['text with a bare LF', () => smtpReply(250, ['ok', 'a\nb'])],
    ['a line over 1000 octets', () => smtpReply(250, 'x'.repeat(SMTP_LINE_MAX_OCTETS - 5))],
    ['more than 100 lines', () => smtpReply(250, Array.from({ length: SMTP_REPLY_LINES_MAX + 1 }, () => 'x'))],
    ['a greeting host with a space', () => smtpGreeting('a b')],
    ['a command with CR', () => buildSmtpCommand('NOOP\r')],
    ['a command over 1000 octets', () => buildSmtpCommand(`NOOP ${'é'.repeat(497)}`)],
  ])('refuses %s', (_what, build) => {
    expect(build).toThrow(RangeError);
  });
});

describe('parsing commands', () => {
  it.each([
    ['EHLO bar.com', { command: 'EHLO', verb: 'EHLO', argument: 'bar.com' }],
    ['ehlo bar.com', { command: 'EHLO', verb: 'EHLO', argument: 'bar.com' }],
    ['HELO [192.0.2.1]', { command: 'HELO', verb: 'HELO', argument: '[192.0.2.1]' }],
    ['MAIL FROM:<Smith@bar.com>', { command: 'MAIL', verb: 'MAIL', argument: 'FROM:<Smith@bar.com>', address: 'Smith@bar.com' }],
    ['MAIL FROM:<> SIZE=100', { command: 'MAIL', verb: 'MAIL', argument: 'FROM:<> SIZE=100', address: '' }],
    ['mail from: <Bob@Example.ORG> BODY=8BITMIME', { command: 'MAIL', verb: 'MAIL', argument: 'from: <Bob@Example.ORG> BODY=8BITMIME', address: 'Bob@Example.ORG' }],
    ['RCPT TO:<Jones@foo.com>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<Jones@foo.com>', address: 'Jones@foo.com' }],
    ['RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<@hosta.int,@jkl.org:userc@d.bar.org>', address: 'userc@d.bar.org' }],
    ['RCPT TO:<Postmaster>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<Postmaster>', address: 'Postmaster' }],
    ['RCPT TO:<"john doe"@example.com>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<"john doe"@example.com>', address: '"john doe"@example.com' }],
    ['RCPT TO:<zoë@bücher.example>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<zoë@bücher.example>', address: 'zoë@bücher.example' }],
    ['RCPT TO:<ops@[192.0.2.7]>', { command: 'RCPT', verb: 'RCPT', argument: 'TO:<ops@[192.0.2.7]>', address: 'ops@[192.0.2.7]' }],
    ['DATA', { command: 'DATA', verb: 'DATA', argument: '' }],
    ['QUIT', { command: 'QUIT', verb: 'QUIT', argument: '' }],
    ['RSET', { command: 'RSET', verb: 'RSET', argument: '' }],
    ['NOOP  hello ', { command: 'NOOP', verb: 'NOOP', argument: 'hello' }],
    ['NOOP \u00a0x\u00a0', { command: 'NOOP', verb: 'NOOP', argument: '\u00a0x\u00a0' }],
    ['VRFY Smith', { command: 'OTHER', verb: 'VRFY', argument: 'Smith' }],
    ['X-ÉTÉ', { command: 'OTHER', verb: 'X-ÉTÉ', argument: '' }],
    ['', { command: 'OTHER', verb: '', argument: '' }],
  ])('parses %j', (line, expected) => {
    expect(parseSmtpCommand(wire(`${line}\r\n`))).toEqual({ kind: 'complete', ...expected, length: wire(line).length + 2 });
  });

  it.each([
    ['EHLO', 'EHLO needs one domain or address literal (RFC 5321 §4.1.1.1)'],
    ['HELO a b', 'HELO needs one domain or address literal (RFC 5321 §4.1.1.1)'],
    ['MAIL Smith@bar.com', 'MAIL needs FROM:<reverse-path> (RFC 5321 §4.1.1.2), got "Smith@bar.com"'],
    ['MAIL FROM:<Smith@bar.com', 'MAIL needs FROM:<reverse-path> (RFC 5321 §4.1.1.2), got "FROM:<Smith@bar.com"'],
    ['RCPT TO:<>', 'RCPT: "" is not a mailbox (local-part@domain)'],
    ['RCPT TO:<alice>', 'RCPT: "alice" is not a mailbox (local-part@domain)'],
    ['RCPT TO:<a..b@x.org>', 'RCPT: bad local-part "a..b"'],
    ['RCPT TO:<a@x y.org>', 'RCPT: bad domain "x y.org"'],
    ['RCPT TO:<a@-x.org>', 'RCPT: bad domain "-x.org"'],
    ['RCPT alice@x.org', 'RCPT needs TO:<forward-path> (RFC 5321 §4.1.1.3), got "alice@x.org"'],
    ['NOOP \u0000', 'control character in command line "NOOP \\u0000"'],
  ])('refuses %j, reporting the line length so a server can skip it', (line, error) => {
    expect(parseSmtpCommand(wire(`${line}\r\n`))).toEqual({ kind: 'error', error, length: wire(line).length + 2 });
  });

  it('refuses invalid UTF-8 in a command line', () => {
    expect(parseSmtpCommand(Uint8Array.from([0x4e, 0x4f, 0x4f, 0x50, 0x20, 0xc3, 0x0d, 0x0a]))).toEqual({ kind: 'error', error: 'command line is not valid UTF-8', length: 8 });
  });

  it('reports every proper prefix as incomplete and stops at the first pipelined command (RFC 2920)', () => {
    const bytes = wire('MAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\n');
    for (let end = 0; end < 21; end++) expect(parseSmtpCommand(bytes.subarray(0, end))).toEqual({ kind: 'incomplete' });
    const first = commandOf(bytes);
    expect(first.length).toBe(21);
    const second = commandOf(bytes.subarray(first.length));
    expect(second.address).toBe('c@d.org');
    expect(commandOf(bytes.subarray(first.length + second.length)).command).toBe('DATA');
  });

  it('accepts a line of exactly 1000 octets with CRLF and refuses 1001', () => {
    const line = (octets: number): Uint8Array => wire(`NOOP ${'x'.repeat(octets - 7)}\r\n`);
    expect(commandOf(line(SMTP_LINE_MAX_OCTETS)).length).toBe(SMTP_LINE_MAX_OCTETS);
    expect(parseSmtpCommand(line(SMTP_LINE_MAX_OCTETS + 1))).toEqual({ kind: 'error', error: 'line exceeds 1000 octets including CRLF (RFC 5321 §4.5.3.1)' });
  });

  it('waits for an unterminated line below the cap and refuses one that reaches it', () => {
    expect(parseSmtpCommand(wire('x'.repeat(SMTP_LINE_MAX_OCTETS - 1)))).toEqual({ kind: 'incomplete' });
    expect(parseSmtpCommand(wire('x'.repeat(SMTP_LINE_MAX_OCTETS))).kind).toBe('error');
  });

  it('refuses a bare LF or a bare CR (RFC 5321 §2.3.8)', () => {
    expect(parseSmtpCommand(wire('QUIT\n'))).toEqual({ kind: 'error', error: 'bare LF at offset 4 (lines must end with CRLF)' });
    expect(parseSmtpCommand(wire('QU\rIT\r\n'))).toEqual({ kind: 'error', error: 'bare CR at offset 2 (lines must end with CRLF)' });
  });

  it.each([
    ['alice@Example.ORG', 'example.org'],
    ['"a@b"@c.d', 'c.d'],
    ['ops@[192.0.2.7]', '[192.0.2.7]'],
    ['Postmaster', null],
    ['a@', null],
    ['', null],
  ])('domainOf(%j) is %j', (address, domain) => {
    expect(domainOf(address)).toBe(domain);
  });
});

describe('parsing replies', () => {
  const EHLO_REPLY = '250-foo.com greets bar.com\r\n250-8BITMIME\r\n250 HELP\r\n';

  it('parses a multi-line reply, every proper prefix being incomplete', () => {
    const bytes = wire(`${EHLO_REPLY}354 go`);
    for (let end = 0; end < EHLO_REPLY.length; end++) expect(parseSmtpReply(bytes.subarray(0, end))).toEqual({ kind: 'incomplete' });
    expect(replyOf(bytes)).toEqual({ kind: 'complete', reply: { code: 250, lines: ['foo.com greets bar.com', '8BITMIME', 'HELP'] }, length: EHLO_REPLY.length });
  });

  it('parses single-line replies with and without text', () => {
    expect(replyOf(wire('220 mx1.example.com ESMTP\r\n')).reply).toEqual({ code: 220, lines: ['mx1.example.com ESMTP'] });
    expect(replyOf(wire('250\r\n')).reply).toEqual({ code: 250, lines: [''] });
  });

  it('accepts 100 lines and refuses 101', () => {
    const reply = (count: number): Uint8Array => wire(`${'250-x\r\n'.repeat(count - 1)}250 x\r\n`);
    expect(replyOf(reply(SMTP_REPLY_LINES_MAX)).reply.lines.length).toBe(SMTP_REPLY_LINES_MAX);
    expect(parseSmtpReply(reply(SMTP_REPLY_LINES_MAX + 1))).toEqual({ kind: 'error', error: 'reply longer than 100 lines' });
  });

  it.each([
    ['250-a\r\n251 b\r\n', 'reply line "251 b" changes the code from 250'],
    ['600 nope\r\n', 'bad reply line "600 nope"'],
    ['25 short\r\n', 'bad reply line "25 short"'],
    ['250x\r\n', 'bad reply line "250x"'],
    ['250 ok\n', 'bare LF at offset 6 (lines must end with CRLF)'],
    [`250 ${'x'.repeat(SMTP_LINE_MAX_OCTETS)}\r\n`, 'line exceeds 1000 octets including CRLF (RFC 5321 §4.5.3.1)'],
  ])('refuses %j', (reply, error) => {
    expect(parseSmtpReply(wire(reply))).toEqual({ kind: 'error', error });
  });
});

describe('the envelope under RFC 5321 §4.1.4 ordering', () => {
  it('records HELO, MAIL and each RCPT', () => {
    expect(envelopeAfter('EHLO client.example', 'MAIL FROM:<a@x.org>', 'RCPT TO:<b@y.org>', 'RCPT TO:<c@z.org>')).toEqual({
      helo: 'client.example', mailFrom: 'a@x.org', rcptTo: ['b@y.org', 'c@z.org'],
    });
  });

  it('clears the transaction on RSET and on a repeated EHLO, keeping or replacing the HELO name', () => {
    expect(envelopeAfter('EHLO c1', 'MAIL FROM:<a@x.org>', 'RCPT TO:<b@y.org>', 'RSET')).toEqual({ helo: 'c1', mailFrom: null, rcptTo: [] });
    expect(envelopeAfter('EHLO c1', 'MAIL FROM:<a@x.org>', 'EHLO c2')).toEqual({ helo: 'c2', mailFrom: null, rcptTo: [] });
  });

  it('leaves the envelope alone for DATA, NOOP, QUIT and unknown commands', () => {
    const before = envelopeAfter('HELO c', 'MAIL FROM:<>', 'RCPT TO:<b@y.org>');
    for (const line of ['DATA', 'NOOP', 'QUIT', 'VRFY x']) {
      expect(advanceEnvelope(before, commandOf(`${line}\r\n`))).toEqual({ ok: true, envelope: before });
    }
  });

  it.each([
    [[], 'MAIL FROM:<a@x.org>', 503, 'send EHLO or HELO first'],
    [['EHLO c', 'MAIL FROM:<a@x.org>'], 'MAIL FROM:<b@x.org>', 503, 'nested MAIL command'],
    [['EHLO c'], 'RCPT TO:<b@y.org>', 503, 'need MAIL before RCPT'],
    [['EHLO c'], 'DATA', 503, 'need MAIL before DATA'],
    [['EHLO c', 'MAIL FROM:<a@x.org>'], 'DATA', 554, 'no valid recipients'],
  ])('after %j refuses %j with %i', (before, line, code, error) => {
    expect(advanceEnvelope(envelopeAfter(...before), commandOf(`${line}\r\n`))).toEqual({ ok: false, code, error });
  });

  it('answers the 101st recipient with 452 (RFC 5321 §4.5.3.1.10)', () => {
    const recipients = Array.from({ length: SMTP_RECIPIENTS_MAX }, (_, index) => `RCPT TO:<u${String(index)}@y.org>`);
    const full = envelopeAfter('EHLO c', 'MAIL FROM:<a@x.org>', ...recipients);
    expect(full.rcptTo.length).toBe(SMTP_RECIPIENTS_MAX);
    expect(advanceEnvelope(full, commandOf('RCPT TO:<late@y.org>\r\n'))).toEqual({ ok: false, code: 452, error: 'too many recipients' });
  });
});

// ---------------------------------------------------------------- properties

const atomArb = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}$/);
const localArb = fc.array(atomArb, { minLength: 1, maxLength: 3 }).map((atoms) => atoms.join('.'));
const labelArb = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
const domainArb = fc.array(labelArb, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const mailboxArb = fc.tuple(localArb, domainArb).map(([local, domain]) => `${local}@${domain}`);
const textArb = fc.string({ unit: 'binary', maxLength: 40 }).map((line) => line.replace(/[\r\n]/g, ''));

describe('properties', () => {
  it('MAIL and RCPT built around any mailbox give it back, and domainOf its lower-cased domain', () => {
    fc.assert(fc.property(fc.constantFrom('MAIL FROM:', 'RCPT TO:', 'mail from: ', 'Rcpt To:'), mailboxArb, fc.constantFrom('', ' SIZE=10'), (prefix, mailbox, parameters) => {
      const line = commandOf(buildSmtpCommand(`${prefix}<${mailbox}>${parameters}`));
      expect(line.address).toBe(mailbox);
      expect(domainOf(mailbox)).toBe(mailbox.slice(mailbox.lastIndexOf('@') + 1).toLowerCase());
    }), RUNS);
  });

  it('any command line built parses back to its verb and trimmed argument, consuming only that line', () => {
    const verbArb = fc.constantFrom('NOOP', 'VRFY', 'HELP', 'EXPN', 'X-TRACE');
    fc.assert(fc.property(verbArb, textArb, fc.uint8Array({ maxLength: 20 }), (verb, argument, trailing) => {
      const bytes = buildSmtpCommand(argument === '' ? verb : `${verb} ${argument}`);
      const withTrailing = new Uint8Array([...bytes, ...trailing]);
      const result = parseSmtpCommand(withTrailing);
      if (result.kind === 'error') {
        // Only a control character may make the line unparseable.
        expect(result.error).toContain('control character');
        return;
      }
      expect(result).toMatchObject({ kind: 'complete', verb, argument: argument.replace(/^[ \t]+|[ \t]+$/g, ''), length: bytes.length });
    }), RUNS);
  });

  it('smtpReply → parseSmtpReply gives back code and lines, consuming exactly the reply', () => {
    const codeArb = fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 9 })).map(([a, b, c]) => a * 100 + b * 10 + c);
    fc.assert(fc.property(codeArb, fc.array(textArb, { minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 10 }), (code, lines, trailing) => {
      const bytes = smtpReply(code, lines);
      expect(replyOf(new Uint8Array([...bytes, ...trailing]))).toEqual({ kind: 'complete', reply: { code, lines }, length: bytes.length });
    }), RUNS);
  });

  it('never throws on arbitrary bytes, and lengths stay within the input', () => {
    const smtpish = fc.string({ unit: fc.constantFrom('M', 'A', 'I', 'L', ' ', 'F', 'R', 'O', ':', '<', '>', '@', '\r', '\n', '2', '5', '0', '-'), maxLength: 60 });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), smtpish.map(wire)), (bytes) => {
      const results: (SmtpCommandParse | SmtpReplyParse)[] = [parseSmtpCommand(bytes), parseSmtpReply(bytes)];
      for (const result of results) {
        if (result.kind === 'complete') expect(result.length).toBeLessThanOrEqual(bytes.length);
        if (result.kind === 'error' && 'length' in result && result.length !== undefined) expect(result.length).toBeLessThanOrEqual(bytes.length);
      }
    }), RUNS);
  });
});
