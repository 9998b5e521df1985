/**
 * Share links: a document → JSON → raw deflate → base64url, behind a version
 * prefix, as a URL fragment (`#v1.<base64url>`), and back. The fragment never
 * reaches a server, and the prefix says how to read the rest, so a later
 * format can change everything after it. Old `?scenario=…` query links
 * (version 0) decode too.
 *
 * Decoding takes untrusted text and never throws: every stage is bounded
 * (link length, inflated bytes, nesting depth, the schemas' array and string
 * caps) and a failure is one line saying which stage refused and why.
 */
import { decodeBase64url, encodeBase64url } from './base64url';
import { deflateRaw, inflateRawCapped } from './deflate';
import { CURRENT_VERSION, validateDocument, type ShareDocument } from './document';
import { jsonDepth } from './json-depth';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_LINK_CHARS } from './limits';
import { migrate, v0FromQuery } from './migrate';

/** Decode result: the document, or a one-line error. */
export type DecodeResult = { ok: true; doc: ShareDocument } | { ok: false; error: string };

/** What one decode cost, for tests that assert the bounds hold. */
export interface DecodeStats {
  /** Bytes the decompressor produced and the decoder kept (≤ MAX_JSON_BYTES). */
  inflatedBytes: number;
}

/** Longest error text returned; errors quote parts of the input, which may be long. */
const MAX_ERROR_CHARS = 300;

/**
 * The fragment for a document, `#v1.<base64url>`. Rejects (a programming
 * error in the caller) when the document is invalid or too large to share.
 */
export async function encodeShare(doc: ShareDocument): Promise<string> {
  const checked = validateDocument(doc);
  if (!checked.ok) throw new Error(`cannot share this document: ${checked.error}`);
  const json = JSON.stringify(checked.doc);
  const bytes = new TextEncoder().encode(json);
  if (bytes.byteLength > MAX_JSON_BYTES) throw new Error(`cannot share this document: ${bytes.byteLength} bytes of JSON (limit ${MAX_JSON_BYTES})`);
  if (jsonDepth(json, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Error(`cannot share this document: nested deeper than ${MAX_JSON_DEPTH} levels`);
  const fragment = `#v${CURRENT_VERSION}.${encodeBase64url(await deflateRaw(bytes))}`;
  if (fragment.length > MAX_LINK_CHARS) throw new Error(`cannot share this document: the link would be ${fragment.length} characters (limit ${MAX_LINK_CHARS})`);
  return fragment;
}

/**
 * A document from a link: a whole URL, its `#v1.…` fragment (with or without
 * the `#`), or a version-0 `?scenario=…` query. Never throws.
 */
export async function decodeShare(link: string, stats?: DecodeStats): Promise<DecodeResult> {
  try {
    const result = await decodeUnchecked(link, stats);
    return result.ok ? result : { ok: false, error: oneLine(result.error) };
  } catch (e) {
    // Every stage returns its failures; reaching here is a bug, still reported as a refused link.
    return { ok: false, error: oneLine(`could not decode the link: ${(e as Error).message}`) };
  }
}

/** True when the text is meant as a share link rather than a scenario id or a file name. */
export function looksLikeShareLink(text: string): boolean {
  return /#v\d+\./.test(text) || /^v\d+\./.test(text.trim()) || /[?&]scenario=/.test(text);
}

type Located = { kind: 'fragment'; version: number; payload: string } | { kind: 'query'; query: string } | { kind: 'error'; error: string };

async function decodeUnchecked(link: string, stats: DecodeStats | undefined): Promise<DecodeResult> {
  if (link.length > MAX_LINK_CHARS) return { ok: false, error: `the link is ${link.length} characters long (limit ${MAX_LINK_CHARS})` };
  const located = locate(link.trim());
  switch (located.kind) {
    case 'error':
      return { ok: false, error: located.error };
    case 'query':
      return fromRaw(v0FromQuery(located.query));
    case 'fragment':
      return decodeFragment(located.version, located.payload, stats);
  }
}

/** Where the document is in the link, and in which version. */
function locate(link: string): Located {
  const hashAt = link.indexOf('#');
  const fragment = hashAt >= 0 ? link.slice(hashAt + 1) : /^v\d/.test(link) ? link : '';
  if (fragment !== '') {
    const prefix = /^v(\d{1,6})\./.exec(fragment);
    if (!prefix) return { kind: 'error', error: `the link’s fragment is not a share link (expected #v${CURRENT_VERSION}.…)` };
    return { kind: 'fragment', version: Number(prefix[1]), payload: fragment.slice(prefix[0].length) };
  }
  const beforeHash = hashAt >= 0 ? link.slice(0, hashAt) : link;
  const queryAt = beforeHash.indexOf('?');
  if (queryAt >= 0) return { kind: 'query', query: beforeHash.slice(queryAt + 1) };
  return { kind: 'error', error: `not a share link: expected #v${CURRENT_VERSION}.… or ?scenario=…` };
}

/** The compressed JSON of a `#v<n>.` fragment. */
async function decodeFragment(version: number, payload: string, stats: DecodeStats | undefined): Promise<DecodeResult> {
  // Only versions from 1 on have a fragment form; version 0 is the query.
  if (version < 1 || version > CURRENT_VERSION) return { ok: false, error: `link version ${version} is not one this lab reads (v${CURRENT_VERSION} fragments and ?scenario= queries)` };
  const compressed = decodeBase64url(payload);
  if (!compressed.ok) return { ok: false, error: `the link’s data is ${compressed.error}` };
  const inflated = await inflateRawCapped(compressed.bytes, MAX_JSON_BYTES);
  if (stats) stats.inflatedBytes = inflated.inflatedBytes;
  if (!inflated.ok) return { ok: false, error: `the link’s data ${inflated.error}` };
  const text = utf8(inflated.bytes);
  if (text === undefined) return { ok: false, error: 'the link’s document is not UTF-8 text' };
  const raw = parseJson(text);
  if (!raw.ok) return raw;
  const declared = isObject(raw.value) ? raw.value.v : version;
  if (declared !== version) return { ok: false, error: `v: the link says version ${version} but its document says ${JSON.stringify(declared) ?? 'nothing'}` };
  return fromRaw(raw.value);
}

/** Bring a parsed document to the current version and validate it. */
function fromRaw(raw: unknown): DecodeResult {
  const migrated = migrate(raw);
  if (!migrated.ok) return migrated;
  return validateDocument(migrated.raw);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** JSON.parse after the depth check, so a deeply nested document cannot exhaust the stack. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return { ok: false, error: `the link’s document is nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `the link’s document is not JSON: ${(e as Error).message}` };
  }
}

/** Errors quote input: control characters become visible escapes, and the text is cut to a line’s length. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const visible = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return visible.length > MAX_ERROR_CHARS ? `${visible.slice(0, MAX_ERROR_CHARS - 1)}…` : visible;
}
