// Proves the HTTP/1.1 subset byte for byte against hand-written messages, then that the
// parsers behave on peeked bytes: every prefix is 'incomplete', the whole message reports
// its exact length, pipelined and trailing bytes stay unconsumed, and each cap or syntax
// error is named. fast-check (1000 runs each) round-trips built messages and feeds
// arbitrary and mutated bytes to both parsers, which must never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HTTP_BODY_MAX_BYTES, HTTP_FIELDS_MAX, HTTP_HEADER_SECTION_MAX_BYTES, basicAuthUser, basicCredentials, buildHttpRequest,
  buildHttpResponse, cookies, header, headerValues, parseHttpRequest, parseHttpResponse, requestPath,
} from './http';
import type { HttpHeaders, HttpRequestParse, HttpResponseParse } from './http';

import { RUNS, text, wire } from './test/text';

/** Concatenates byte arrays. */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The error of a parse, failing the test if it was not an error. */
function errorOf(result: HttpRequestParse | HttpResponseParse): string {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${result.kind}`);
  return result.error;
}

/** The complete request, failing the test otherwise. */
function requestOf(bytes: Uint8Array): Extract<HttpRequestParse, { kind: 'complete' }> {
  const result = parseHttpRequest(bytes);
  if (result.kind !== 'complete') throw new Error(`expected a complete request, got ${JSON.stringify(result)}`);
  return result;
}

/** The complete response, failing the test otherwise. */
function responseOf(bytes: Uint8Array): Extract<HttpResponseParse, { kind: 'complete' }> {
  const result = parseHttpResponse(bytes);
  if (result.kind !== 'complete') throw new Error(`expected a complete response, got ${JSON.stringify(result)}`);
  return result;
}

const LOGIN = 'POST /login HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 18\r\n\r\nuser=alice&pw=s3cr';
const ORDERS = 'GET /api/orders?id=7 HTTP/1.1\r\nHost: shop.example\r\nCookie: tenant=blue; session="abc"\r\nAuthorization: Basic YWxpY2U6czNjcg==\r\n\r\n';
const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi';

describe('building: exact bytes', () => {
  it('builds a GET without a body and without Content-Length', () => {
    const bytes = buildHttpRequest({ method: 'GET', target: '/api/orders', headers: [['Host', 'shop.example'], ['Cookie', 'tenant=blue']] });
    expect(bytes).toEqual(wire('GET /api/orders HTTP/1.1\r\nHost: shop.example\r\nCookie: tenant=blue\r\n\r\n'));
  });

  it('builds a POST with Content-Length after the caller\'s fields', () => {
    const bytes = buildHttpRequest({ method: 'POST', target: '/login', headers: [['Host', 'shop.example']], body: 'héllo' });
    expect(bytes).toEqual(wire('POST /login HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 6\r\n\r\nhéllo'));
  });

  it('sends Content-Length: 0 for an explicitly empty request body', () => {
    expect(text(buildHttpRequest({ method: 'POST', target: '/', headers: [], body: new Uint8Array(0) }))).toBe('POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n');
  });

  it('builds responses, always with Content-Length', () => {
    expect(buildHttpResponse({ status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']], body: 'hi' })).toEqual(wire(OK_RESPONSE));
    expect(text(buildHttpResponse({ status: 503, reason: 'Service Unavailable', headers: [] }))).toBe('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    expect(text(buildHttpResponse({ status: 204, reason: '', headers: [] }))).toBe('HTTP/1.1 204 \r\nContent-Length: 0\r\n\r\n');
  });

  it('builds a Basic credential (RFC 7617 §2 example)', () => {
    expect(basicCredentials('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(() => basicCredentials('a:b', 'c')).toThrow(RangeError);
  });

  it.each([
    ['a method that is not a token', { method: 'G ET', target: '/', headers: [] }],
    ['a target with a space', { method: 'GET', target: '/a b', headers: [] }],
    ['a field name with a colon', { method: 'GET', target: '/', headers: [['X:Y', 'v']] }],
    ['a value with CRLF (header injection)', { method: 'GET', target: '/', headers: [['X', 'v\r\nEvil: 1']] }],
    ['a value with a NUL', { method: 'GET', target: '/', headers: [['X', 'v\u0000']] }],
    ['a value with trailing whitespace', { method: 'GET', target: '/', headers: [['X', 'v ']] }],
    ['a caller-set Content-Length', { method: 'GET', target: '/', headers: [['content-length', '3']] }],
    ['a caller-set Transfer-Encoding', { method: 'GET', target: '/', headers: [['Transfer-Encoding', 'chunked']] }],
    ['a header section over 16 KiB', { method: 'GET', target: '/', headers: [['X', 'a'.repeat(HTTP_HEADER_SECTION_MAX_BYTES)]] }],
    ['a body over 1 MiB', { method: 'POST', target: '/', headers: [], body: new Uint8Array(HTTP_BODY_MAX_BYTES + 1) }],
  ] as const)('refuses to build a request with %s', (_what, init) => {
    expect(() => buildHttpRequest(init)).toThrow(RangeError);
  });

  it('refuses to build a response with a status outside 100..599 or a CR in the reason', () => {
    expect(() => buildHttpResponse({ status: 600, reason: 'X', headers: [] })).toThrow(RangeError);
    expect(() => buildHttpResponse({ status: 20, reason: 'X', headers: [] })).toThrow(RangeError);
    expect(() => buildHttpResponse({ status: 200.5, reason: 'X', headers: [] })).toThrow(RangeError);
    expect(() => buildHttpResponse({ status: 200, reason: 'O\rK', headers: [] })).toThrow(RangeError);
  });
});

describe('parsing requests', () => {
  it('parses a request with its fields as sent and the body framed by Content-Length', () => {
    const { request, length } = requestOf(wire(LOGIN));
    expect(length).toBe(LOGIN.length);
    expect(request.method).toBe('POST');
    expect(request.target).toBe('/login');
    expect(request.version).toBe('HTTP/1.1');
    expect(request.headers).toEqual([['Host', 'shop.example'], ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '18']]);
    expect(text(request.body)).toBe('user=alice&pw=s3cr');
  });

  it('strips optional whitespace around values, keeps inner whitespace and reads values as UTF-8', () => {
    const { request } = requestOf(wire('GET / HTTP/1.0\r\nX-Note: \t a  b \t\r\nX-Name: Zoë\r\nX-Empty:\r\n\r\n'));
    expect(request.version).toBe('HTTP/1.0');
    expect(request.headers).toEqual([['X-Note', 'a  b'], ['X-Name', 'Zoë'], ['X-Empty', '']]);
    expect(request.body.length).toBe(0);
  });

  it('reports every proper prefix as incomplete and the whole as complete with its length', () => {
    for (const message of [LOGIN, ORDERS]) {
      const bytes = wire(message);
      for (let end = 0; end < bytes.length; end++) expect(parseHttpRequest(bytes.subarray(0, end)), `prefix ${String(end)}`).toEqual({ kind: 'incomplete' });
      expect(requestOf(bytes).length).toBe(bytes.length);
    }
  });

  it('stops at the end of the first pipelined request and leaves the rest unconsumed', () => {
    const bytes = wire(LOGIN + ORDERS + 'GET /par');
    const first = requestOf(bytes);
    expect(first.length).toBe(LOGIN.length);
    const second = requestOf(bytes.subarray(first.length));
    expect(second.request.target).toBe('/api/orders?id=7');
    expect(second.length).toBe(ORDERS.length);
    expect(parseHttpRequest(bytes.subarray(first.length + second.length))).toEqual({ kind: 'incomplete' });
  });

  it('skips empty lines before the request line and counts them in the length (RFC 9112 §2.2)', () => {
    const { request, length } = requestOf(wire(`\r\n\r\n${ORDERS}`));
    expect(request.method).toBe('GET');
    expect(length).toBe(ORDERS.length + 4);
  });

  it('reads Content-Length with leading zeros as its value', () => {
    expect(text(requestOf(wire('POST / HTTP/1.1\r\nContent-Length: 0000000000003\r\n\r\nabc')).request.body)).toBe('abc');
  });

  it('accepts Content-Length repeated with one value (RFC 9112 §6.3 rule 5)', () => {
    expect(text(requestOf(wire('POST / HTTP/1.1\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\nabc')).request.body)).toBe('abc');
  });

  it('accepts a header section of exactly the cap and refuses one byte more', () => {
    const head = (size: number): string => {
      const start = 'GET / HTTP/1.1\r\nX: ';
      return `${start}${'a'.repeat(size - start.length - 4)}\r\n\r\n`;
    };
    expect(requestOf(wire(head(HTTP_HEADER_SECTION_MAX_BYTES))).length).toBe(HTTP_HEADER_SECTION_MAX_BYTES);
    expect(errorOf(parseHttpRequest(wire(head(HTTP_HEADER_SECTION_MAX_BYTES + 1))))).toBe('header section exceeds 16384 bytes');
  });

  it('waits for a long unterminated line below the cap but refuses one that reaches it', () => {
    const line = (size: number): Uint8Array => wire(`GET /${'a'.repeat(size - 5)}`);
    expect(parseHttpRequest(line(HTTP_HEADER_SECTION_MAX_BYTES - 1))).toEqual({ kind: 'incomplete' });
    expect(errorOf(parseHttpRequest(line(HTTP_HEADER_SECTION_MAX_BYTES)))).toBe('header section exceeds 16384 bytes');
    expect(errorOf(parseHttpRequest(wire('\r\n'.repeat(HTTP_HEADER_SECTION_MAX_BYTES / 2))))).toBe('header section exceeds 16384 bytes');
  });

  it('refuses more than the maximum number of fields', () => {
    const fields = (count: number): string => Array.from({ length: count }, (_, index) => `X-${String(index)}: v\r\n`).join('');
    expect(requestOf(wire(`GET / HTTP/1.1\r\n${fields(HTTP_FIELDS_MAX)}\r\n`)).request.headers.length).toBe(HTTP_FIELDS_MAX);
    expect(errorOf(parseHttpRequest(wire(`GET / HTTP/1.1\r\n${fields(HTTP_FIELDS_MAX + 1)}\r\n`)))).toBe('more than 100 header fields');
  });

  it.each([
    ['GET /\r\n\r\n', 'bad request line "GET /": expected method SP request-target SP HTTP-version (RFC 9112 §3)'],
    ['GET  / HTTP/1.1\r\n\r\n', 'bad request line "GET  / HTTP/1.1": expected method SP request-target SP HTTP-version (RFC 9112 §3)'],
    ['G(T / HTTP/1.1\r\n\r\n', 'bad request line "G(T / HTTP/1.1": method is not a token'],
    ['GET /\u00e9 HTTP/1.1\r\n\r\n', 'bad request line "GET /Ã© HTTP/1.1": request-target is not visible ASCII'],
    ['GET / HTTP/2.0\r\n\r\n', 'bad request line "GET / HTTP/2.0": unsupported version HTTP/2.0'],
    ['GET / FTP/1.1\r\n\r\n', 'bad request line "GET / FTP/1.1": malformed HTTP-version "FTP/1.1"'],
    ['GET / HTTP/1.1\nHost: x\n\n', 'bare LF at offset 14 (lines must end with CRLF)'],
    ['GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n', 'bare CR at offset 23 (lines must end with CRLF)'],
    ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 'obsolete line folding at offset 25 (RFC 9112 §5.2)'],
    ['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 'whitespace before the colon in header field "Host " (RFC 9112 §5.1)'],
    ['GET / HTTP/1.1\r\nHost x\r\n\r\n', 'header field line without a colon: "Host x"'],
    ['GET / HTTP/1.1\r\nH@st: x\r\n\r\n', 'header field name "H@st" is not a token'],
    ['GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n', 'control character 0x00 in header field X'],
    ['POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n', 'bad Content-Length "abc"'],
    ['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'bad Content-Length "-1"'],
    ['POST / HTTP/1.1\r\nContent-Length:\r\n\r\n', 'bad Content-Length ""'],
    ['POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n', 'conflicting Content-Length values "1, 2"'],
    ['POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 'conflicting Content-Length values "5,6"'],
    ['POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n', 'body of 1048577 bytes exceeds 1048576'],
    ['POST / HTTP/1.1\r\nContent-Length: 000000000001048577\r\n\r\n', 'body of 000000000001048577 bytes exceeds 1048576'],
    ['POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n', 'body of 99999999999999999999 bytes exceeds 1048576'],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 'Transfer-Encoding is not supported (this subset frames bodies by Content-Length only)'],
  ])('refuses %j', (message, error) => {
    expect(errorOf(parseHttpRequest(wire(message)))).toBe(error);
  });

  it('reports a bad request line as soon as its CRLF arrives, before the header section ends', () => {
    expect(errorOf(parseHttpRequest(wire('GARBAGE\r\nHost: x')))).toContain('bad request line "GARBAGE"');
    expect(errorOf(parseHttpRequest(wire('POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\npartial')))).toContain('exceeds');
  });
});

describe('parsing responses', () => {
  it('parses a response and its body, leaving the next response unconsumed', () => {
    const bytes = wire(OK_RESPONSE + OK_RESPONSE);
    const { response, length } = responseOf(bytes);
    expect(response).toEqual({ version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain'], ['Content-Length', '2']], body: wire('hi') });
    expect(length).toBe(OK_RESPONSE.length);
  });

  it('reports every proper prefix as incomplete', () => {
    const bytes = wire(OK_RESPONSE);
    for (let end = 0; end < bytes.length; end++) expect(parseHttpResponse(bytes.subarray(0, end))).toEqual({ kind: 'incomplete' });
  });

  it('gives 1xx, 204 and 304 no body whatever Content-Length says (RFC 9112 §6.3 rule 1)', () => {
    expect(responseOf(wire('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK')).length).toBe(25);
    expect(responseOf(wire('HTTP/1.1 204 No Content\r\n\r\n')).response.body.length).toBe(0);
    const notModified = 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n';
    expect(responseOf(wire(`${notModified}0123456789`)).length).toBe(notModified.length);
  });

  it('keeps reason phrases as sent, tolerates a missing final space and reads UTF-8', () => {
    expect(responseOf(wire('HTTP/1.1 503 Service  Unavailable\r\nContent-Length: 0\r\n\r\n')).response.reason).toBe('Service  Unavailable');
    expect(responseOf(wire('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n')).response.reason).toBe('');
    expect(responseOf(wire('HTTP/1.1 200 Très bien\r\nContent-Length: 0\r\n\r\n')).response.reason).toBe('Très bien');
  });

  it.each([
    ['HTTP/1.1 200 OK\r\n\r\n', 'response without Content-Length (bodies delimited by close are not supported)'],
    ['HTTP/1.1 20 OK\r\n\r\n', 'bad status line "HTTP/1.1 20 OK": expected a status code 100..599'],
    ['HTTP/1.1 600 X\r\n\r\n', 'bad status line "HTTP/1.1 600 X": expected a status code 100..599'],
    ['HTTP/1.1 200OK\r\n\r\n', 'bad status line "HTTP/1.1 200OK": status code not followed by SP'],
    ['HTTP/3.0 200 OK\r\n\r\n', 'bad status line "HTTP/3.0 200 OK": unsupported version HTTP/3.0'],
    ['\r\nHTTP/1.1 200 OK\r\n\r\n', 'bad status line "": malformed HTTP-version ""'],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'Transfer-Encoding is not supported (this subset frames bodies by Content-Length only)'],
  ])('refuses %j', (message, error) => {
    expect(errorOf(parseHttpResponse(wire(message)))).toBe(error);
  });
});

describe('header helpers', () => {
  const { request } = requestOf(wire(ORDERS));

  it('finds fields case-insensitively and joins repeats with ", " (RFC 9110 §5.3)', () => {
    const message = { headers: [['Accept', 'text/html'], ['accept', 'text/plain'], ['Host', 'h']] as const };
    expect(header(message, 'ACCEPT')).toBe('text/html, text/plain');
    expect(headerValues(message, 'accept')).toEqual(['text/html', 'text/plain']);
    expect(header(message, 'Cookie')).toBeNull();
    expect(header(request, 'host')).toBe('shop.example');
  });

  it('reads cookies, removing quotes, first occurrence winning, across Cookie fields', () => {
    expect(cookies(request)).toEqual({ tenant: 'blue', session: 'abc' });
    const headers: HttpHeaders = [['Cookie', 'a=1;b=2 ; a=3; junk; =x'], ['cookie', 'c=x=y']];
    expect(cookies({ headers })).toEqual({ a: '1', b: '2', c: 'x=y' });
    expect(cookies({ headers: [] })).toEqual({});
  });

  it('keeps a cookie named __proto__ as data, not as the prototype', () => {
    const jar = cookies({ headers: [['Cookie', '__proto__=x; toString=y']] });
    expect(Object.keys(jar)).toEqual(['__proto__', 'toString']);
    expect(Object.getPrototypeOf(jar)).toBe(Object.prototype);
  });

  it.each([
    ['Basic YWxpY2U6czNjcg==', 'alice'],
    ['basic   YWxpY2U6czNjcg', 'alice'],
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'Aladdin'],
    [basicCredentials('zoë', 'pw:with:colons'), 'zoë'],
    ['Basic OnB3', ''],
    ['Basic YWxpY2U=', null],
    ['Basic ###', null],
    ['Basic YW=xp', null],
    ['Bearer abc.def', null],
  ])('reads the Basic user of %j as %j', (authorization, user) => {
    expect(basicAuthUser({ headers: [['Authorization', authorization]] })).toBe(user);
  });

  it('has no user without an Authorization field', () => {
    expect(basicAuthUser({ headers: [] })).toBeNull();
  });

  it.each([
    ['/api/orders?id=7', '/api/orders'],
    ['/', '/'],
    ['http://shop.example/api?x', '/api'],
    ['http://shop.example', '/'],
    ['*', '*'],
    ['shop.example:443', 'shop.example:443'],
  ])('takes the path of %j as %j', (target, path) => {
    expect(requestPath(target)).toBe(path);
  });
});

// ---------------------------------------------------------------- properties

const tokenArb = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
const fieldNameArb = tokenArb.filter((name) => !['content-length', 'transfer-encoding'].includes(name.toLowerCase()));
// Values: any well-formed text without controls, not starting or ending with whitespace.
const fieldValueArb = fc
  .string({ unit: 'binary', maxLength: 30 })
  .map((value) => [...value].filter((char) => char === '\t' || (char >= ' ' && char !== '\u007f')).join('').replace(/^[ \t]+|[ \t]+$/g, ''));
const headersArb = fc.array(fc.tuple(fieldNameArb, fieldValueArb), { maxLength: 8 });
const targetArb = fc.stringMatching(/^\/[\x21-\x7e]{0,40}$/);
const bodyArb = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined });

describe('properties', () => {
  it('build → parse gives back the request, consuming exactly its bytes, also with bytes after it', () => {
    fc.assert(fc.property(tokenArb, targetArb, headersArb, bodyArb, fc.uint8Array({ maxLength: 20 }), (method, target, headers, body, trailing) => {
      const init = body === undefined ? { method, target, headers } : { method, target, headers, body };
      const bytes = buildHttpRequest(init);
      const { request, length } = requestOf(concat(bytes, trailing));
      expect(length).toBe(bytes.length);
      expect({ method: request.method, target: request.target, version: request.version }).toEqual({ method, target, version: 'HTTP/1.1' });
      const added: [string, string][] = body === undefined ? [] : [['Content-Length', String(body.length)]];
      expect(request.headers).toEqual([...headers, ...added]);
      expect(request.body).toEqual(body ?? new Uint8Array(0));
    }), RUNS);
  });

  it('build → parse gives back the response', () => {
    const statusArb = fc.integer({ min: 200, max: 599 }).filter((status) => status !== 204 && status !== 304);
    const reasonArb = fieldValueArb;
    fc.assert(fc.property(statusArb, reasonArb, headersArb, bodyArb, (status, reason, headers, body) => {
      const init = body === undefined ? { status, reason, headers } : { status, reason, headers, body };
      const bytes = buildHttpResponse(init);
      const { response, length } = responseOf(bytes);
      expect(length).toBe(bytes.length);
      expect(response).toEqual({ version: 'HTTP/1.1', status, reason, headers: [...headers, ['Content-Length', String(body?.length ?? 0)]], body: body ?? new Uint8Array(0) });
    }), RUNS);
  });

  it('never throws on arbitrary bytes, and a complete parse is consistent with its own prefix', () => {
    const printable = fc.string({ unit: fc.constantFrom('G', 'E', 'T', ' ', '/', 'H', 'P', '1', '.', ':', '\r', '\n', 'a', '0', 'C'), maxLength: 80 });
    const bytesArb = fc.oneof(fc.uint8Array({ maxLength: 200 }), printable.map(wire));
    fc.assert(fc.property(bytesArb, (bytes) => {
      for (const result of [parseHttpRequest(bytes), parseHttpResponse(bytes)]) {
        expect(['incomplete', 'complete', 'error']).toContain(result.kind);
        if (result.kind === 'complete') {
          expect(result.length).toBeGreaterThan(0);
          expect(result.length).toBeLessThanOrEqual(bytes.length);
        }
      }
      const request = parseHttpRequest(bytes);
      if (request.kind === 'complete') expect(parseHttpRequest(bytes.subarray(0, request.length))).toEqual(request);
    }), RUNS);
  });

  it('never throws on mutated and truncated valid messages', () => {
    const validArb = fc.constantFrom(wire(LOGIN), wire(ORDERS), wire(OK_RESPONSE));
    fc.assert(fc.property(validArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (valid, flips, cut) => {
      const bytes = valid.slice(0, valid.length - (cut % (valid.length + 1)));
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      expect(() => parseHttpRequest(bytes)).not.toThrow();
      expect(() => parseHttpResponse(bytes)).not.toThrow();
    }), RUNS);
  });
});
