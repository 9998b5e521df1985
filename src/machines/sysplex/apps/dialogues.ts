/**
 * The server side of the two dialogues, shared by the routing app and the
 * target apps: given the unread bytes at the front of the stream, what to do
 * next — wait for more, answer (consuming the request), or, for the routing
 * app, stop at the deciding request without consuming it (claims 3, 11).
 * HTTP/1.1: the routing app answers its own paths (a login, a welcome page)
 * and decides on the first other request; a target app answers everything with
 * a page that shows the restored user. SMTP: the routing app greets and takes
 * EHLO and MAIL FROM, and decides at RCPT TO, whose domain picks the target;
 * the target app resumes from the envelope.
 */
import { buildHttpResponse, parseHttpRequest, requestPath, basicAuthUser, cookies as requestCookies, type HttpRequest } from '../../../sim/sysplex/dialogue/http';
import { initialHttpAppState, initialSmtpAppState, recordHttpExchange, recordSmtpExchange, type AppState, type HttpAppState, type SmtpAppState } from '../../../sim/sysplex/dialogue/app-state';
import { domainOf, parseSmtpCommand, smtpGreeting, smtpReply } from '../../../sim/sysplex/dialogue/smtp';
import type { Facts } from '../../../sim/sysplex/dialogue/policy';
import { utf8Encode } from '../../../sim/sysplex/dialogue/utf8';

/** What the server should do with the bytes at the front of the stream. */
export type Step =
  | { readonly kind: 'wait' }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'answer'; readonly consume: number; readonly reply: Uint8Array; readonly state: AppState; readonly summary: string; readonly close?: boolean }
  | { readonly kind: 'decide'; readonly facts: Facts; readonly state: AppState; readonly summary: string };

/** A server dialogue. */
export interface ServerDialogue {
  readonly protocol: 'http' | 'smtp';
  initialState(): AppState;
  /** Bytes sent on connect (SMTP's 220 greeting), or null. */
  greeting(host: string): Uint8Array | null;
  /** The routing app's next step. */
  routerStep(state: AppState, unread: Uint8Array): Step;
  /** A target app's next step (it always answers). */
  targetStep(state: AppState, unread: Uint8Array, app: string, inData: boolean): Step;
  /** The application-level error when no target accepts (claim 17): HTTP 503 / SMTP 451. */
  errorReply(): Uint8Array;
}

/** Paths the HTTP routing app answers itself before deciding. */
export const ROUTER_PATHS = ['/login', '/welcome', '/'];

function httpAnswer(status: number, reason: string, body: string, extra: readonly (readonly [string, string])[] = []): Uint8Array {
  return buildHttpResponse({ status, reason, headers: [['Content-Type', 'text/plain'], ...extra], body });
}

function httpFacts(state: HttpAppState, request: HttpRequest): Facts {
  return { protocol: 'http', path: requestPath(request.target), headers: request.headers, cookies: { ...state.cookies, ...requestCookies(request) }, user: basicAuthUser(request) ?? state.user };
}

/** HTTP/1.1. */
export const httpDialogue: ServerDialogue = {
  protocol: 'http',
  initialState: initialHttpAppState,
  greeting: () => null,
  routerStep(state, unread) {
    const parsed = parseHttpRequest(unread);
    if (parsed.kind === 'incomplete') return { kind: 'wait' };
    if (parsed.kind === 'error') return { kind: 'error', error: parsed.error };
    const s = state as HttpAppState;
    const path = requestPath(parsed.request.target);
    if (!ROUTER_PATHS.includes(path)) return { kind: 'decide', facts: httpFacts(s, parsed.request), state: s, summary: `${parsed.request.method} ${parsed.request.target} decides the target` };
    const next = recordHttpExchange(s, parsed.request);
    const reply = path === '/login' ? httpAnswer(200, 'OK', `welcome ${next.user ?? 'guest'}`, [['Set-Cookie', `session=s${next.exchanges}-${next.user ?? 'guest'}`]]) : httpAnswer(200, 'OK', `hello ${next.user ?? 'guest'}, exchange ${next.exchanges}`);
    return { kind: 'answer', consume: parsed.length, reply, state: next, summary: `${parsed.request.method} ${path} answered by the routing app` };
  },
  targetStep(state, unread, app) {
    const parsed = parseHttpRequest(unread);
    if (parsed.kind === 'incomplete') return { kind: 'wait' };
    if (parsed.kind === 'error') return { kind: 'error', error: parsed.error };
    const next = recordHttpExchange(state as HttpAppState, parsed.request);
    const path = requestPath(parsed.request.target);
    const body = `${path} served by ${app} for ${next.user ?? 'guest'} (exchange ${next.exchanges})`;
    return { kind: 'answer', consume: parsed.length, reply: httpAnswer(200, 'OK', body), state: next, summary: `${parsed.request.method} ${path} answered by ${app}` };
  },
  errorReply: () => httpAnswer(503, 'Service Unavailable', 'no server accepted the request', [['Connection', 'close']]),
};

/** SMTP (RFC 5321). */
export const smtpDialogue: ServerDialogue = {
  protocol: 'smtp',
  initialState: initialSmtpAppState,
  greeting: (host) => smtpGreeting(host),
  routerStep(state, unread) {
    const line = parseSmtpCommand(unread);
    if (line.kind === 'incomplete') return { kind: 'wait' };
    if (line.kind === 'error') return { kind: 'error', error: line.error };
    const s = state as SmtpAppState;
    if (line.command === 'RCPT') {
      const domain = domainOf(line.address ?? '');
      return { kind: 'decide', facts: { protocol: 'smtp', rcptDomains: domain ? [domain.toLowerCase()] : [] }, state: s, summary: `RCPT TO:<${line.address ?? ''}> decides the target` };
    }
    const reply = line.command === 'EHLO' ? smtpReply(250, ['relay.sysplex greets you', 'PIPELINING', '8BITMIME']) : line.command === 'QUIT' ? smtpReply(221, 'bye') : smtpReply(250, 'OK');
    const code = line.command === 'QUIT' ? 221 : 250;
    return { kind: 'answer', consume: line.length, reply, state: recordSmtpExchange(s, line, code), summary: `${line.verb} answered by the routing app`, close: line.command === 'QUIT' };
  },
  targetStep(state, unread, app, inData) {
    if (inData) {
      const end = findDataEnd(unread);
      if (end < 0) return unread.length > 1_048_576 ? { kind: 'error', error: 'message too large' } : { kind: 'wait' };
      const s = state as SmtpAppState;
      return { kind: 'answer', consume: end, reply: smtpReply(250, `queued by ${app} for ${s.envelope.rcptTo.join(', ')}`), state: { ...s, envelope: { ...s.envelope, mailFrom: null, rcptTo: [] } }, summary: `message accepted by ${app}` };
    }
    const line = parseSmtpCommand(unread);
    if (line.kind === 'incomplete') return { kind: 'wait' };
    if (line.kind === 'error') return { kind: 'error', error: line.error };
    const s = state as SmtpAppState;
    const code = line.command === 'DATA' ? 354 : line.command === 'QUIT' ? 221 : 250;
    const text = line.command === 'DATA' ? 'end data with <CR><LF>.<CR><LF>' : line.command === 'QUIT' ? 'bye' : `OK (${app}, mail from ${s.envelope.mailFrom ?? '?'})`;
    return { kind: 'answer', consume: line.length, reply: smtpReply(code, text), state: recordSmtpExchange(s, line, code), summary: `${line.verb} answered by ${app}`, close: line.command === 'QUIT' };
  },
  errorReply: () => smtpReply(451, 'requested action aborted: no mail server accepted the recipient'),
};

const DATA_END = utf8Encode('\r\n.\r\n');

/** Length up to and including the DATA terminator CRLF.CRLF, or −1. */
function findDataEnd(bytes: Uint8Array): number {
  outer: for (let i = 0; i + DATA_END.length <= bytes.length; i++) {
    for (let j = 0; j < DATA_END.length; j++) if (bytes[i + j] !== DATA_END[j]) continue outer;
    return i + DATA_END.length;
  }
  return -1;
}

/** The dialogue for a protocol. */
export function dialogueFor(protocol: 'http' | 'smtp'): ServerDialogue {
  return protocol === 'http' ? httpDialogue : smtpDialogue;
}
