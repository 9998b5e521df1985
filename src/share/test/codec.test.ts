// Proves each stage of decoding refuses with its own line, at the exact
// bounds: link length, inflated bytes (the inflater itself, at cap and cap+1),
// nesting depth, title length and panel count; where the document sits in a
// link; that encodeShare refuses what decodeShare would; and what a link costs.
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../base64url';
import { decodeShare, encodeShare, looksLikeShareLink } from '../codec';
import { deflateRaw, inflateRawCapped } from '../deflate';
import type { ShareDocument } from '../document';
import { jsonDepth } from '../json-depth';
import { loadShare } from '../load-share';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_LINK_CHARS, MAX_PANELS, MAX_TITLE_CHARS } from '../limits';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A fragment holding this text, compressed: lets a test send JSON encodeShare would refuse to write. */
async function pack(text: string, version = 1): Promise<string> {
  return `#v${version}.${encodeBase64url(await deflateRaw(utf8(text)))}`;
}

const DOC: ShareDocument = { v: 1, scenario: 'http-transfer', seed: 7, params: { clients: 2 }, title: 'Two clients', view: { step: 40, selected: 12, panels: ['ladder'] } };
const json = (fields: Record<string, unknown>) => JSON.stringify({ v: 1, scenario: 'http-transfer', seed: 1, ...fields });

async function errorOf(link: string): Promise<string> {
  const r = await decodeShare(link);
  return r.ok ? `decoded ${JSON.stringify(r.doc)}` : r.error;
}

describe('where the document is in a link', () => {
  it.each([
    ['a bare fragment', (f: string) => f],
    ['a fragment without its #', (f: string) => f.slice(1)],
    ['a whole URL', (f: string) => `https://lab.example/handoff/index.html${f}`],
    ['a URL whose old query the fragment overrides', (f: string) => `https://lab.example/?scenario=zero-window&seed=3&step=9${f}`],
    ['surrounding whitespace from a paste', (f: string) => `  ${f}\n`],
  ])('%s', async (_name, wrap) => {
    expect(await decodeShare(wrap(await encodeShare(DOC)))).toEqual({ ok: true, doc: DOC });
  });

  it.each([
    ['an empty fragment after an old query: the query counts', 'https://lab.example/?scenario=zero-window#', { ok: true, doc: { v: 1, scenario: 'zero-window', seed: 1 } }],
    ['a URL with nothing to share', 'https://lab.example/handoff/', { ok: false, error: 'not a share link: expected #v1.… or ?scenario=…' }],
    ['an empty v1 payload', 'https://lab.example/#v1.', { ok: false, error: 'the link’s data is not valid deflate data (truncated or corrupted)' }],
  ])('%s', async (_name, link, result) => {
    expect(await decodeShare(link)).toEqual(result);
  });

  it('loadShare gives the CLI a scenario with completed parameters, and --seed wins over the link’s', async () => {
    const loaded = await loadShare(await encodeShare(DOC), 9);
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.value.scenario.id).toBe('http-transfer');
    expect(loaded.value.seed).toBe(9);
    expect(loaded.value.params).toMatchObject({ clients: 2, xcfDelayUs: 100, stacks: ['SYS1', 'SYS2', 'SYS3'] });
    expect(await loadShare('#v1.AAAA')).toEqual({ ok: false, error: 'the link’s data is not valid deflate data (truncated or corrupted)' });
  });

  it('tells links from scenario ids and file names', () => {
    expect(looksLikeShareLink('#v1.abc')).toBe(true);
    expect(looksLikeShareLink('v1.abc')).toBe(true);
    expect(looksLikeShareLink('https://lab.example/#v1.abc')).toBe(true);
    expect(looksLikeShareLink('https://lab.example/?scenario=zero-window')).toBe(true);
    expect(looksLikeShareLink('https://lab.example/?seed=3&scenario=zero-window')).toBe(true);
    expect(looksLikeShareLink('http-transfer')).toBe(false);
    expect(looksLikeShareLink('scenarios/v1.json')).toBe(false);
    expect(looksLikeShareLink('./my-scenario.json')).toBe(false);
  });
});

describe('each stage refuses with its own line', () => {
  it.each([
    ['not a link at all', () => 'http-transfer', /^not a share link: expected #v1\.… or \?scenario=…$/],
    ['a fragment of another kind', () => 'https://lab.example/#/ladder', /^the link’s fragment is not a share link/],
    ['a version from the future', () => '#v2.AAAA', /^link version 2 is not one this lab reads/],
    ['version 0 as a fragment (it is the query form)', () => '#v0.AAAA', /^link version 0 is not one/],
    ['not base64url', () => '#v1.ab+d', /^the link’s data is not base64url: character "\+" at position 2$/],
    ['not deflate', () => `#v1.${encodeBase64url(utf8('{"v":1}'))}`, /^the link’s data is not valid deflate data/],
    ['truncated deflate', async () => (await pack(json({ title: 'x'.repeat(50) }))).slice(0, 20), /^the link’s data is not valid deflate data/],
    ['not UTF-8', async () => `#v1.${encodeBase64url(await deflateRaw(new Uint8Array([0x7b, 0xff, 0x7d])))}`, /^the link’s document is not UTF-8 text$/],
    ['not JSON', () => pack('{"v":1,'), /^the link’s document is not JSON: /],
    ['not an object', () => pack('[1,2]'), /^\(top level\): must be a JSON object$/],
    ['a document version that disagrees with the prefix', () => pack(json({ v: 2 })), /^v: the link says version 1 but its document says 2$/],
    ['an unknown field', () => pack(json({ colour: 'red' })), /^colour: unknown field$/],
    ['an unknown scenario', () => pack(json({ scenario: 'no-such-thing' })), /^scenario: unknown scenario 'no-such-thing'$/],
    ['a bad seed', () => pack(json({ seed: 2 ** 32 })), /^seed: must be an integer from 0 to 4294967295$/],
    ['params that are not an object', () => pack(json({ params: [1] })), /^params: must be an object of parameter overrides$/],
    ['params the scenario refuses, naming the field', () => pack(json({ params: { clients: 5000 } })), /^params\.clients: .*<=2000/],
    ['a nested parameter the scenario refuses', () => pack(json({ params: { crash: { stack: 'SYS9', atUs: 1 } } })), /^params\.crash\.stack: no stack named 'SYS9'$/],
    ['a parameter that does not exist', () => pack(json({ params: { __proto__x: 1 } })), /^params\.__proto__x: /],
    ['a title with a control character', () => pack(json({ title: 'a\u0007b' })), /^title: must be plain text/],
    ['a title with a direction override', () => pack(json({ title: 'abc\u202edef' })), /^title: must be plain text/],
    ['a step before −1', () => pack(json({ view: { step: -2 } })), /^view\.step: must be an integer from -1 to /],
    ['a panel named twice', () => pack(json({ view: { panels: ['ladder', 'ladder'] } })), /^view\.panels: must not name a panel twice$/],
    ['a panel name with markup', () => pack(json({ view: { panels: ['<b>'] } })), /^view\.panels\.0: must be a panel name/],
    ['an old link with a bad seed', () => '?scenario=zero-window&seed=-4', /^seed: the link’s seed "-4" is not an integer from 0 to 4294967295$/],
    ['an old link with an unknown scenario', () => '/?scenario=nope', /^scenario: unknown scenario 'nope'$/],
  ])('%s', async (_name, link, error) => {
    const text = await errorOf(await link());
    expect(text).toMatch(error);
    expect(text).not.toMatch(/\n/);
  });

  it('control characters quoted from the input come out escaped, on one line', async () => {
    expect(await errorOf('?scenario=a%0Ab')).toBe("scenario: unknown scenario 'a\\u000ab'");
  });
});

describe('bounds, at the edge', () => {
  it(`links up to ${MAX_LINK_CHARS} characters are read; one more is refused before any work`, async () => {
    const atCap = `#v1.${'A'.repeat(MAX_LINK_CHARS - 4)}`;
    expect(await errorOf(atCap)).toMatch(/^the link’s data is not valid deflate data|^the link’s data is not base64url/);
    expect(await errorOf(`${atCap}A`)).toBe(`the link is ${MAX_LINK_CHARS + 1} characters long (limit ${MAX_LINK_CHARS})`);
  });

  it('the inflater keeps exactly up to its cap and stops one byte past it', async () => {
    const bytes = await deflateRaw(new Uint8Array(1000).fill(32));
    expect(await inflateRawCapped(bytes, 1000)).toEqual({ ok: true, bytes: new Uint8Array(1000).fill(32), inflatedBytes: 1000 });
    const over = await inflateRawCapped(bytes, 999);
    expect(over.ok).toBe(false);
    expect(over.inflatedBytes).toBeLessThanOrEqual(999);
  });

  it('a zip bomb (40 MB of spaces in a 54 KB link) stops at the cap, quickly', async () => {
    const bomb = await pack(json({ title: ' '.repeat(40_000_000) }));
    expect(bomb.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    const stats = { inflatedBytes: 0 };
    const r = await decodeShare(bomb, stats);
    expect(r).toEqual({ ok: false, error: `the link’s data decompresses to more than ${MAX_JSON_BYTES} bytes` });
    expect(stats.inflatedBytes).toBeLessThanOrEqual(MAX_JSON_BYTES);
    expect(stats.inflatedBytes).toBeGreaterThan(0);
  }, 30_000);

  it(`nesting of ${MAX_JSON_DEPTH} levels reaches the schema; ${MAX_JSON_DEPTH + 1} is refused before parsing`, async () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    // The document is one level; params holds the rest.
    expect(await errorOf(await pack(`{"v":1,"scenario":"http-transfer","seed":1,"params":${nested(MAX_JSON_DEPTH - 1)}}`))).toMatch(/^params\.a: /);
    expect(await errorOf(await pack(`{"v":1,"scenario":"http-transfer","seed":1,"params":${nested(MAX_JSON_DEPTH)}}`))).toBe(`the link’s document is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('the depth scan skips brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[[{{{{"}', 2)).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[["}', 2)).toBe(1);
    expect(jsonDepth('[[],[[]]]', 10)).toBe(3);
    expect(jsonDepth('['.repeat(1_000_000), 16)).toBe(17);
  });

  it(`titles up to ${MAX_TITLE_CHARS} characters and up to ${MAX_PANELS} panels`, async () => {
    const panels = Array.from({ length: MAX_PANELS + 1 }, (_, i) => `panel-${i}`);
    expect((await decodeShare(await pack(json({ title: 'é'.repeat(MAX_TITLE_CHARS), view: { panels: panels.slice(1) } })))).ok).toBe(true);
    expect(await errorOf(await pack(json({ title: 'é'.repeat(MAX_TITLE_CHARS + 1) })))).toMatch(/^title: must be at most 120 characters$/);
    expect(await errorOf(await pack(json({ view: { panels } })))).toMatch(/^view\.panels: must name at most 16 panels$/);
  });

  it('the scripted-fault list is capped by the scenario schema', async () => {
    const fault = { kind: 'drop', node: 'router', iface: 'osa-SYS1', ordinal: 1 };
    expect((await decodeShare(await pack(json({ params: { faults: Array(64).fill(fault) } })))).ok).toBe(true);
    expect(await errorOf(await pack(json({ params: { faults: Array(65).fill(fault) } })))).toMatch(/^params\.faults: .*<=64/);
  });
});

describe('encodeShare', () => {
  it('refuses a document decodeShare would refuse, naming the field', async () => {
    await expect(encodeShare({ ...DOC, params: { clients: 0 } })).rejects.toThrow(/^cannot share this document: params\.clients: /);
    await expect(encodeShare({ ...DOC, scenario: 'nope' })).rejects.toThrow(/^cannot share this document: scenario: unknown scenario/);
    await expect(encodeShare({ ...DOC, title: 'x'.repeat(MAX_TITLE_CHARS + 1) })).rejects.toThrow(/title/);
  });

  it('writes the same link for the same document, a short one', async () => {
    const link = await encodeShare(DOC);
    expect(await encodeShare({ ...DOC })).toBe(link);
    expect(link).toMatch(/^#v1\.[A-Za-z0-9_-]+$/);
    // A typical link stays far below the cap (about 150 characters here).
    expect(link.length).toBeLessThan(300);
  });
});
