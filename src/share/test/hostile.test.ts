// Proves that decodeShare survives hostile links: over 10,000 generated cases
// — truncated, bit-flipped and edited links, wrong versions, random text,
// huge numbers, deep nesting, oversized links and documents, and zip bombs —
// each decode returns either a valid document or one specific line, never
// throws, and never keeps more than MAX_JSON_BYTES of inflated data. Each kind
// asserts the error it must give where that is knowable.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../base64url';
import { decodeShare, encodeShare, type DecodeResult } from '../codec';
import { deflateRaw } from '../deflate';
import { validateDocument, type ShareDocument } from '../document';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_LINK_CHARS } from '../limits';
import { documentArbitrary } from './arbitraries';

/** The errors decodeShare may give, each naming its stage; a field error starts with the field's path. */
const KNOWN_ERRORS: readonly RegExp[] = [
  new RegExp(`^the link is \\d+ characters long \\(limit ${MAX_LINK_CHARS}\\)$`),
  /^the link’s fragment is not a share link \(expected #v1\.…\)$/,
  /^not a share link: expected #v1\.… or \?scenario=…$/,
  /^link version \d+ is not one this lab reads /,
  /^the link’s data is not base64url: /,
  /^the link’s data is not valid deflate data \(truncated or corrupted\)$/,
  new RegExp(`^the link’s data decompresses to more than ${MAX_JSON_BYTES} bytes$`),
  /^the link’s document is not UTF-8 text$/,
  new RegExp(`^the link’s document is nested deeper than ${MAX_JSON_DEPTH} levels$`),
  /^the link’s document is not JSON: /,
  /^\(top level\): must be a JSON object$/,
  /^v: /,
  /^(scenario|seed|title)(: | )/,
  /^(params|view)[.:]/,
  /: unknown field$/,
];

const SAFE_BASE64URL = /^[A-Za-z0-9_-]*$/;
let cases = 0;
let slowestMs = 0;

/** Decode one hostile input and check what every decode must satisfy. */
async function decodeChecked(input: string): Promise<DecodeResult> {
  const stats = { inflatedBytes: 0 };
  const started = performance.now();
  const result = await decodeShare(input, stats);
  slowestMs = Math.max(slowestMs, performance.now() - started);
  cases++;
  expect(stats.inflatedBytes).toBeLessThanOrEqual(MAX_JSON_BYTES);
  if (result.ok) {
    expect(validateDocument(result.doc)).toEqual({ ok: true, doc: result.doc });
  } else {
    expect(result.error.length).toBeGreaterThan(0);
    expect(result.error.length).toBeLessThanOrEqual(300);
    expect(result.error).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(KNOWN_ERRORS.some((re) => re.test(result.error)), result.error).toBe(true);
  }
  return result;
}

async function expectError(input: string, error: RegExp): Promise<void> {
  const result = await decodeChecked(input);
  expect(result.ok ? 'decoded' : result.error).toMatch(error);
}

/** A fragment holding this text, compressed: lets a test send JSON encodeShare would refuse to write. */
async function pack(text: string, version = 1): Promise<string> {
  return `#v${version}.${encodeBase64url(await deflateRaw(new TextEncoder().encode(text)))}`;
}

const validLink = documentArbitrary.map((doc) => doc);

/** A valid document's JSON with `field` (a dotted path) set to raw JSON text. */
function withRaw(doc: ShareDocument, path: readonly string[], rawValue: string): string {
  const marker = '\u0000MARK\u0000';
  const copy = structuredClone(doc) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    at[key] = typeof at[key] === 'object' && at[key] !== null ? at[key] : {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1) ?? 'seed'] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), rawValue);
}

/** Numbers no field accepts: too large, negative, fractional, overflowing to Infinity. */
const hugeNumber = fc.constantFrom('1e308', '-1e308', '1e999', '-1e999', '4294967296', '9007199254740993', '123456789012345678901234567890', '-2', '1.5', '0.000001');

const RUNS = 1_000;

describe('decodeShare on hostile input: a valid document or one specific line, never a throw', () => {
  let bombs: string[] = [];

  beforeAll(async () => {
    // Bombs that fit under the link cap: megabytes of one byte inflate ~1000×.
    const wrap = (body: string) => `{"v":1,"scenario":"http-transfer","seed":1,"title":"${body}"}`;
    bombs = await Promise.all([wrap(' '.repeat(40_000_000)), `[${'0,'.repeat(10_000_000)}0]`, wrap('a'.repeat(MAX_JSON_BYTES + 1))].map((t) => pack(t)));
    for (const bomb of bombs) expect(bomb.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
  }, 60_000);

  afterAll(() => {
    console.info(`hostile links: ${cases} decodes, slowest ${slowestMs.toFixed(1)} ms`);
    expect(cases).toBeGreaterThanOrEqual(10_000);
    // Bounded by construction; this only catches a decode that somehow ran away.
    expect(slowestMs).toBeLessThan(5_000);
  });

  it('valid links decode (the checks below are not refusing everything)', async () => {
    await fc.assert(
      fc.asyncProperty(validLink, async (doc) => {
        expect(await decodeChecked(await encodeShare(doc))).toEqual({ ok: true, doc });
      }),
      { numRuns: 200 },
    );
  });

  it('truncated links', async () => {
    await fc.assert(
      fc.asyncProperty(validLink, fc.nat(), async (doc, cut) => {
        const link = await encodeShare(doc);
        await decodeChecked(link.slice(0, cut % link.length));
      }),
      { numRuns: RUNS },
    );
  });

  it('bit flips in the compressed bytes', async () => {
    await fc.assert(
      fc.asyncProperty(validLink, fc.nat(), fc.integer({ min: 0, max: 7 }), async (doc, at, bit) => {
        const link = await encodeShare(doc);
        const bytes = decodeBase64url(link.slice(4));
        if (!bytes.ok) throw new Error(bytes.error);
        const i = at % bytes.bytes.length;
        bytes.bytes[i] = (bytes.bytes[i] ?? 0) ^ (1 << bit);
        await decodeChecked(`#v1.${encodeBase64url(bytes.bytes)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('edited characters anywhere in the link', async () => {
    await fc.assert(
      fc.asyncProperty(validLink, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), async (doc, at, text) => {
        const link = await encodeShare(doc);
        const i = at % link.length;
        await decodeChecked(link.slice(0, i) + text + link.slice(i + 1));
      }),
      { numRuns: RUNS },
    );
  });

  it('versions this lab does not read', async () => {
    await fc.assert(
      fc.asyncProperty(validLink, fc.integer({ min: 0, max: 999_999 }).filter((n) => n !== 1), async (doc, version) => {
        const link = await encodeShare(doc);
        await expectError(`#v${version}.${link.slice(4)}`, new RegExp(`^link version ${version} is not one this lab reads`));
        await expectError(await pack(JSON.stringify({ ...doc, v: version })), /^v: the link says version 1 but its document says \d+$/);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('random text, and random base64url after a good prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 400 }).map((s) => `#v1.${s}`), fc.base64String({ maxLength: 400 }).map((s) => `#v1.${s}`)), async (text) => {
        await decodeChecked(text);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(SAFE_BASE64URL, { size: 'large' }), async (text) => {
        await decodeChecked(`#v1.${text}`);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('huge and malformed numbers name their field', async () => {
    const fields: readonly (readonly string[])[] = [['seed'], ['view', 'step'], ['view', 'selected'], ['params', 'horizonUs']];
    await fc.assert(
      fc.asyncProperty(validLink.filter((d) => d.scenario !== 'udp-echo'), fc.constantFrom(...fields), hugeNumber, async (doc, path, raw) => {
        await expectError(await pack(withRaw(doc, path, raw)), new RegExp(`^${path.join('\\.')}: `));
      }),
      { numRuns: RUNS },
    );
  });

  it('deep nesting is refused before parsing; shallow nesting reaches the schema', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 100_000 }), fc.constantFrom('[', '{"a":'), fc.boolean(), async (depth, open, inParams) => {
        const close = open === '[' ? ']' : '}';
        const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const text = inParams ? `{"v":1,"scenario":"http-transfer","seed":1,"params":${nested}}` : nested;
        // Past the byte cap the inflater stops first; below it, the depth check refuses before JSON.parse.
        const fits = new TextEncoder().encode(text).byteLength <= MAX_JSON_BYTES;
        await expectError(await pack(text), fits ? /^the link’s document is nested deeper than 16 levels$/ : /decompresses to more than/);
      }),
      { numRuns: RUNS / 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: MAX_JSON_DEPTH - 2 }), async (depth) => {
        const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        await expectError(await pack(`{"v":1,"scenario":"http-transfer","seed":1,"params":${nested}}`), /^params\.a: /);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('oversized links and documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_LINK_CHARS + 1, max: 1_000_000 }), fc.constantFrom('#v1.', 'https://lab.example/?scenario=http-transfer&seed=', '?scenario='), async (length, prefix) => {
        await expectError(prefix + 'A'.repeat(length - prefix.length), /^the link is \d+ characters long/);
      }),
      { numRuns: RUNS / 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_JSON_BYTES - 40, max: 4 * MAX_JSON_BYTES }), async (titleLength) => {
        await expectError(await pack(`{"v":1,"scenario":"http-transfer","seed":1,"title":"${'t'.repeat(titleLength)}"}`), /decompresses to more than|^title: must be at most/);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('zip bombs stop at the cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bombs), fc.constantFrom('', 'https://lab.example/handoff/'), async (bomb, base) => {
        await expectError(base + bomb, new RegExp(`^the link’s data decompresses to more than ${MAX_JSON_BYTES} bytes$`));
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('random JSON, and valid documents with one field replaced by random JSON', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => void (await decodeChecked(await pack(JSON.stringify(value))))), { numRuns: RUNS });
    const path = fc.constantFrom<readonly string[]>(['v'], ['scenario'], ['seed'], ['params'], ['title'], ['view'], ['view', 'step'], ['view', 'panels'], ['params', 'faults'], ['params', 'crash'], ['params', 'targets'], ['params', 'clientLink'], ['extra']);
    await fc.assert(
      fc.asyncProperty(validLink, path, fc.jsonValue({ maxDepth: 4 }), async (doc, at, value) => {
        await decodeChecked(await pack(withRaw(doc, at, JSON.stringify(value) ?? 'null')));
      }),
      { numRuns: RUNS },
    );
  });

  it('old ?scenario= links with random values', async () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.nat().map(String), fc.constantFrom('http-transfer', 'zero-window', '-1', '1e3', '4294967296'));
    await fc.assert(
      fc.asyncProperty(fc.record({ scenario: value, seed: value, step: value }, { requiredKeys: [] }), fc.string({ maxLength: 40 }), async (fields, junk) => {
        const query = new URLSearchParams(fields).toString();
        await decodeChecked(`https://lab.example/handoff/?${query}&${junk}`);
      }),
      { numRuns: RUNS },
    );
  });
});
