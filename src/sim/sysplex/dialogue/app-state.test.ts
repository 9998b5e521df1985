// Proves the app-state codec against the byte layout documented in app-state.ts (known
// answers for an HTTP and an SMTP state), that every documented cap and malformation is a
// named error, and with fast-check (1000 runs each) that encode → decode is the identity,
// the encoding is canonical, and random, truncated or bit-flipped bytes never throw. It
// also shows claim 7: a target restoring the state answers the next command as the router would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_STATE_COOKIES_MAX, APP_STATE_RECIPIENTS_MAX, APP_STATE_STRING_MAX_BYTES, decodeAppState, encodeAppState, initialHttpAppState,
  initialSmtpAppState, recordHttpExchange, recordSmtpExchange,
} from './app-state';
import type { AppState, HttpAppState, SmtpAppState } from './app-state';
import { basicCredentials, buildHttpRequest, parseHttpRequest } from './http';
import type { HttpHeaders, HttpRequest } from './http';
import { advanceEnvelope, parseSmtpCommand } from './smtp';
import type { SmtpCommandLine } from './smtp';

const RUNS = { numRuns: 1000 };
const encoder = new TextEncoder();

/** Bytes from a readable layout: numbers are single bytes, strings their UTF-8. */
function layout(...parts: (number | string)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'number' ? [part] : [...encoder.encode(part)])));
}

/** The decoded state, failing the test on an error. */
function decoded(bytes: Uint8Array): AppState {
  const result = decodeAppState(bytes);
  if (!result.ok) throw new Error(`unexpected decode error: ${result.error}`);
  return result.state;
}

/** The decode error, failing the test on success. */
function decodeError(bytes: Uint8Array): string {
  const result = decodeAppState(bytes);
  if (result.ok) throw new Error('expected a decode error');
  return result.error;
}

/** A parsed request built from parts, failing the test if it does not parse. */
function request(target: string, headers: HttpHeaders): HttpRequest {
  const result = parseHttpRequest(buildHttpRequest({ method: 'GET', target, headers }));
  if (result.kind !== 'complete') throw new Error('request did not parse');
  return result.request;
}

/** A parsed command line, failing the test if it does not parse. */
function command(line: string): SmtpCommandLine {
  const result = parseSmtpCommand(encoder.encode(`${line}\r\n`));
  if (result.kind !== 'complete') throw new Error(`command did not parse: ${line}`);
  return result;
}

const HTTP_STATE: HttpAppState = { protocol: 'http', user: 'alice', cookies: { tenant: 'blue' }, exchanges: 2, lastPath: '/login' };
const HTTP_BYTES = layout(1, 1, 0, 0, 0, 2, 1, 0, 5, 'alice', 1, 0, 6, '/login', 0, 1, 0, 6, 'tenant', 0, 4, 'blue');
const SMTP_STATE: SmtpAppState = { protocol: 'smtp', envelope: { helo: 'c.example', mailFrom: '', rcptTo: ['b@y.org'] }, exchanges: 3, esmtp: true };
const SMTP_BYTES = layout(1, 2, 0, 0, 0, 3, 1, 1, 0, 9, 'c.example', 1, 0, 0, 0, 1, 0, 7, 'b@y.org');

describe('known answers', () => {
  it('encodes an HTTP state in the documented layout and decodes it back', () => {
    expect(encodeAppState(HTTP_STATE)).toEqual(HTTP_BYTES);
    expect(decoded(HTTP_BYTES)).toEqual(HTTP_STATE);
  });

  it('encodes an SMTP state, the null reverse-path as an empty string', () => {
    expect(encodeAppState(SMTP_STATE)).toEqual(SMTP_BYTES);
    expect(decoded(SMTP_BYTES)).toEqual(SMTP_STATE);
  });

  it('encodes the initial states with absent strings as a zero presence byte', () => {
    expect(encodeAppState(initialHttpAppState())).toEqual(layout(1, 1, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(encodeAppState(initialSmtpAppState())).toEqual(layout(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  });

  it('sorts cookies by name, so insertion order does not change the bytes', () => {
    const a = encodeAppState({ ...HTTP_STATE, cookies: { b: '2', a: '1', '10': 'x' } });
    const b = encodeAppState({ ...HTTP_STATE, cookies: { '10': 'x', a: '1', b: '2' } });
    expect(a).toEqual(b);
  });
});

describe('decode errors', () => {
  it.each([
    ['empty input', layout(), 'truncated at offset 0: version needs 1 bytes, 0 left'],
    ['a future version', layout(2, 1, 0, 0, 0, 0), 'unsupported app-state version 2'],
    ['an unknown protocol', layout(1, 3, 0, 0, 0, 0), 'unknown protocol tag 3 at offset 1'],
    ['a truncated counter', layout(1, 1, 0, 0), 'truncated at offset 2: exchanges needs 4 bytes, 2 left'],
    ['a trailing byte', layout(...HTTP_BYTES, 0), '1 trailing byte at offset 39'],
    ['a bad presence byte', layout(1, 1, 0, 0, 0, 0, 2), 'user presence byte 2 at offset 6 is not 0 or 1'],
    ['a string running past the end', layout(1, 1, 0, 0, 0, 0, 1, 0, 9, 'abc'), 'truncated at offset 9: user needs 9 bytes, 3 left'],
    ['a string over the cap', layout(1, 1, 0, 0, 0, 0, 1, 0x40, 0x01), 'user length 16385 at offset 7 exceeds 16384'],
    ['invalid UTF-8', layout(1, 1, 0, 0, 0, 0, 1, 0, 1, 0xc3), 'user at offset 9 is not valid UTF-8'],
    ['too many cookies', layout(1, 1, 0, 0, 0, 0, 0, 0, 0, 65), 'cookie count 65 at offset 8 exceeds 64'],
    ['unsorted cookies', layout(1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 'b', 0, 0, 0, 1, 'a', 0, 0), 'cookie names not strictly ascending at "a"'],
    ['a repeated cookie', layout(1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 'a', 0, 0, 0, 1, 'a', 0, 0), 'cookie names not strictly ascending at "a"'],
    ['a bad esmtp flag', layout(1, 2, 0, 0, 0, 0, 7, 0, 0, 0, 0), 'esmtp flag 7 is not 0 or 1'],
    ['too many recipients', layout(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 101), 'recipient count 101 at offset 9 exceeds 100'],
  ])('names %s', (_what, bytes, error) => {
    expect(decodeError(bytes)).toBe(error);
  });

  it('fails, never throws, on every truncation of a valid encoding', () => {
    for (const bytes of [HTTP_BYTES, SMTP_BYTES]) {
      for (let end = 0; end < bytes.length; end++) expect(decodeError(bytes.subarray(0, end))).toMatch(/truncated at offset/);
    }
  });
});

describe('encode refuses states outside the caps', () => {
  it.each([
    ['negative exchanges', { ...HTTP_STATE, exchanges: -1 }],
    ['exchanges over u32', { ...HTTP_STATE, exchanges: 2 ** 32 }],
    ['fractional exchanges', { ...SMTP_STATE, exchanges: 1.5 }],
    ['an over-long user', { ...HTTP_STATE, user: 'é'.repeat(APP_STATE_STRING_MAX_BYTES / 2 + 1) }],
    ['65 cookies', { ...HTTP_STATE, cookies: Object.fromEntries(Array.from({ length: APP_STATE_COOKIES_MAX + 1 }, (_, index) => [`c${String(index)}`, 'v'])) }],
    ['101 recipients', { ...SMTP_STATE, envelope: { ...SMTP_STATE.envelope, rcptTo: Array.from({ length: APP_STATE_RECIPIENTS_MAX + 1 }, () => 'a@b.c') } }],
  ] as [string, AppState][])('%s', (_what, state) => {
    expect(() => encodeAppState(state)).toThrow(RangeError);
  });
});

describe('building the state from the dialogue', () => {
  it('keeps the Basic user once seen, merges cookies (later wins), counts exchanges and remembers the path', () => {
    let state = initialHttpAppState();
    state = recordHttpExchange(state, request('/login', [['Authorization', basicCredentials('alice', 'pw')], ['Cookie', 'session=1; tenant=red']]));
    state = recordHttpExchange(state, request('/cart?x=1', [['Cookie', 'tenant=blue']]));
    expect(state).toEqual({ protocol: 'http', user: 'alice', cookies: { session: '1', tenant: 'blue' }, exchanges: 2, lastPath: '/cart' });
  });

  it('keeps cookies within the codec caps so encoding cannot fail', () => {
    const many = Array.from({ length: APP_STATE_COOKIES_MAX + 10 }, (_, index) => `c${String(index)}=v`).join('; ');
    const state = recordHttpExchange(initialHttpAppState(), request('/', [['Cookie', many], ['X', 'y']]));
    expect(Object.keys(state.cookies).length).toBe(APP_STATE_COOKIES_MAX);
    expect(Object.hasOwn(state.cookies, 'c0')).toBe(true);
    expect(() => encodeAppState(state)).not.toThrow();
  });

  it('changes the SMTP envelope only on a positive reply, but counts every exchange', () => {
    let state = initialSmtpAppState();
    state = recordSmtpExchange(state, command('EHLO client.example'), 250);
    state = recordSmtpExchange(state, command('MAIL FROM:<a@x.org>'), 250);
    state = recordSmtpExchange(state, command('RCPT TO:<nobody@y.org>'), 550);
    state = recordSmtpExchange(state, command('RCPT TO:<b@y.org>'), 250);
    expect(state).toEqual({ protocol: 'smtp', envelope: { helo: 'client.example', mailFrom: 'a@x.org', rcptTo: ['b@y.org'] }, exchanges: 4, esmtp: true });
    expect(recordSmtpExchange(state, command('HELO other'), 250).esmtp).toBe(false);
  });

  it('lets a target that restores the state accept the peeked DATA exactly as the router would (claim 7)', () => {
    let state = initialSmtpAppState();
    for (const line of ['EHLO client.example', 'MAIL FROM:<a@x.org>', 'RCPT TO:<b@sales.example.com>']) state = recordSmtpExchange(state, command(line), 250);
    const restored = decoded(encodeAppState(state));
    if (restored.protocol !== 'smtp') throw new Error('wrong protocol');
    expect(restored).toEqual(state);
    expect(advanceEnvelope(restored.envelope, command('DATA'))).toEqual(advanceEnvelope(state.envelope, command('DATA')));
    expect(advanceEnvelope(restored.envelope, command('DATA')).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- properties

const stringArb = fc.string({ unit: 'binary', maxLength: 24 });
const countArb = fc.oneof(fc.nat(), fc.constant(0xffff_ffff));
const httpStateArb: fc.Arbitrary<HttpAppState> = fc.record({
  protocol: fc.constant('http' as const),
  user: fc.option(stringArb, { nil: null }),
  cookies: fc.dictionary(stringArb, stringArb, { maxKeys: APP_STATE_COOKIES_MAX }),
  exchanges: countArb,
  lastPath: fc.option(stringArb, { nil: null }),
});
const smtpStateArb: fc.Arbitrary<SmtpAppState> = fc.record({
  protocol: fc.constant('smtp' as const),
  envelope: fc.record({
    helo: fc.option(stringArb, { nil: null }),
    mailFrom: fc.option(stringArb, { nil: null }),
    rcptTo: fc.array(stringArb, { maxLength: 12 }),
  }),
  exchanges: countArb,
  esmtp: fc.boolean(),
});
const stateArb: fc.Arbitrary<AppState> = fc.oneof(httpStateArb, smtpStateArb);

describe('properties', () => {
  it('decode(encode(state)) equals the state, and re-encoding gives the same bytes', () => {
    fc.assert(fc.property(stateArb, (state) => {
      const bytes = encodeAppState(state);
      const back = decoded(bytes);
      expect(back).toEqual(state);
      expect(encodeAppState(back)).toEqual(bytes);
    }), RUNS);
  });

  it('random bytes never throw, and whatever decodes re-encodes to the same bytes', () => {
    const prefixed = fc.tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 64 })).map(([protocol, rest]) => Uint8Array.from([1, protocol, ...rest]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), prefixed), (bytes) => {
      const result = decodeAppState(bytes);
      if (result.ok) expect(encodeAppState(result.state)).toEqual(bytes);
      else expect(result.error.length).toBeGreaterThan(0);
    }), RUNS);
  });

  it('truncated and bit-flipped encodings never throw; truncations always fail', () => {
    fc.assert(fc.property(stateArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (state, cut, at, bit) => {
      const bytes = encodeAppState(state);
      const end = cut % bytes.length;
      expect(decodeAppState(bytes.subarray(0, end)).ok).toBe(false);
      const flipped = bytes.slice();
      flipped[at % flipped.length]! ^= 1 << bit;
      const result = decodeAppState(flipped);
      if (result.ok) expect(encodeAppState(result.state)).toEqual(flipped);
    }), RUNS);
  });
});
