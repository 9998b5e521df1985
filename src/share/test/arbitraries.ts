/**
 * fast-check arbitraries for share documents: a built-in scenario (sysplex,
 * TCP or UDP; the swarms take no parameters), a seed, parameter overrides the
 * scenario accepts, a title and a view. Runs are kept short (a horizon of at
 * most 2 s of simulated time, at most 3 clients) so thousands of them fit in
 * a test; the faults name interfaces the scenario really has, so they bite.
 */
import fc from 'fast-check';
import { BUILT_IN_SCENARIOS, findScenario } from '../../scenarios/registry';
import { capturePoints } from '../../sim/net/capture';
import type { ShareDocument } from '../document';
import { forksToParams, type Forks } from '../forks';
import { MAX_PANELS, MAX_SEED, MAX_STEP, MAX_TITLE_CHARS } from '../limits';

/** Scenarios whose parameters the generators know (not the swarms, and not scale-1000: ~8 s a run, twice per document). */
export const SHAREABLE_IDS: readonly string[] = BUILT_IN_SCENARIOS.map((s) => s.id).filter((id) => !id.includes('swarm') && !id.startsWith('scale-'));

/** Longest simulated time of a generated run, in µs. */
const HORIZON_US_MAX = 2_000_000;

interface SysplexDefaults {
  readonly stacks: readonly string[];
  readonly targets: readonly { readonly app: string }[];
}

function sysplexDefaults(id: string): SysplexDefaults | undefined {
  const defaults = findScenario(id)?.defaults as Partial<SysplexDefaults> | undefined;
  return defaults?.stacks && defaults.targets ? (defaults as SysplexDefaults) : undefined;
}

const interfacesCache = new Map<string, readonly { node: string; iface: string }[]>();

/** The interfaces a scenario's default run sends on, as (node, iface). */
function interfacesOf(id: string): readonly { node: string; iface: string }[] {
  const cached = interfacesCache.get(id);
  if (cached) return cached;
  const scenario = findScenario(id);
  const parsed = scenario?.parse({ horizonUs: 200_000 });
  if (!scenario || !parsed?.ok) throw new Error(`cannot run ${id} to list its interfaces`);
  const points = capturePoints(scenario.run(parsed.params as never, 1).sim.trace).map((p) => {
    const [node = '', iface = ''] = p.split('/');
    return { node, iface };
  });
  interfacesCache.set(id, points);
  return points;
}

/** A link's overrides (a subset of LinkSchema's fields, within its bounds). */
const linkOverrides = fc.record(
  {
    delayUs: fc.integer({ min: 0, max: 50_000 }),
    lossPerMille: fc.integer({ min: 0, max: 200 }),
    duplicatePerMille: fc.integer({ min: 0, max: 100 }),
    reorderPerMille: fc.integer({ min: 0, max: 100 }),
    reorderDelayUs: fc.integer({ min: 0, max: 5_000 }),
    jitterUs: fc.integer({ min: 0, max: 2_000 }),
  },
  { requiredKeys: [] },
);

/** Forks a person could click in this sysplex scenario. */
export function forksArbitrary(id: string): fc.Arbitrary<Forks> {
  const defaults = sysplexDefaults(id);
  if (!defaults) return fc.constant({ faults: [], crash: null, refusing: [] });
  const fault = fc.record({
    kind: fc.constant('drop' as const),
    at: fc.constantFrom(...interfacesOf(id)),
    ordinal: fc.integer({ min: 0, max: 12 }),
  }).map(({ kind, at, ordinal }) => ({ kind, node: at.node, iface: at.iface, ordinal }));
  return fc.record({
    faults: fc.array(fault, { maxLength: 4 }),
    crash: fc.option(fc.record({ stack: fc.constantFrom(...defaults.stacks), atUs: fc.integer({ min: 0, max: 100_000 }) }), { nil: null }),
    refusing: fc.uniqueArray(fc.constantFrom(...defaults.targets.map((t) => t.app))),
  });
}

function sysplexParams(id: string): fc.Arbitrary<Record<string, unknown>> {
  const own = fc.record(
    {
      horizonUs: fc.integer({ min: 1_000, max: HORIZON_US_MAX }),
      clients: fc.integer({ min: 1, max: 3 }),
      profile: fc.constantFrom('rfc', 'linux'),
      followUps: fc.integer({ min: 0, max: 3 }),
      freeze: fc.constantFrom('queue', 'drop'),
      xcfDelayUs: fc.integer({ min: 1, max: 5_000 }),
      transferTimeoutMs: fc.integer({ min: 1, max: 5_000 }),
      pipelineDelayUs: fc.integer({ min: 0, max: 5_000 }),
      clientLink: linkOverrides,
      osaLink: linkOverrides,
    },
    { requiredKeys: ['horizonUs'] },
  );
  return fc.tuple(own, forksArbitrary(id)).map(([params, forks]) => ({ ...params, ...forksToParams(id, forks) }));
}

const tcpParams = fc.record(
  {
    horizonUs: fc.integer({ min: 1_000, max: HORIZON_US_MAX }),
    profile: fc.constantFrom('rfc', 'linux'),
    clientLink: linkOverrides,
    serverLink: linkOverrides,
    requestBytes: fc.integer({ min: 1, max: 5_000 }),
    responseBytes: fc.integer({ min: 0, max: 20_000 }),
    clientReceiveBufferBytes: fc.integer({ min: 1_024, max: 131_072 }),
    clientReadPauseUs: fc.integer({ min: 0, max: 1_000_000 }),
    nagle: fc.boolean(),
    delayedAck: fc.boolean(),
  },
  { requiredKeys: ['horizonUs'] },
);

const udpParams = fc.record({ requests: fc.integer({ min: 1, max: 20 }), lossPerMille: fc.integer({ min: 0, max: 1000 }) }, { requiredKeys: [] });

/** Parameter overrides the scenario accepts. */
export function paramsArbitrary(id: string): fc.Arbitrary<Record<string, unknown>> {
  const candidates = sysplexDefaults(id) ? sysplexParams(id) : id === 'udp-echo' ? udpParams : tcpParams;
  return candidates.map((params) => acceptedOverrides(id, params));
}

/**
 * The overrides kept one by one while the scenario still accepts them, so a
 * scenario with rules of its own (e.g. one whose targets may not refuse) still
 * gets valid parameters, and new built-ins need no generator of their own.
 */
function acceptedOverrides(id: string, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const scenario = findScenario(id);
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (scenario?.parse({ ...kept, [key]: value }).ok) kept[key] = value;
  }
  return kept;
}

// Mirrors the document's rule: no C0/C1 controls, no bidirectional overrides or isolates.
const PLAIN_TEXT = /^[^\p{Cc}\u202a-\u202e\u2066-\u2069]*$/u;

/** A title: any plain text within the length cap, including non-ASCII. */
export const titleArbitrary = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((t) => t.length <= MAX_TITLE_CHARS && PLAIN_TEXT.test(t));

/** A view state. */
export const viewArbitrary = fc.record(
  {
    step: fc.integer({ min: -1, max: MAX_STEP }),
    selected: fc.integer({ min: 0, max: MAX_STEP }),
    panels: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/), { maxLength: MAX_PANELS }),
  },
  { requiredKeys: [] },
);

/** A valid share document. */
export const documentArbitrary: fc.Arbitrary<ShareDocument> = fc.constantFrom(...SHAREABLE_IDS).chain((scenario) =>
  fc.record(
    {
      v: fc.constant(1 as const),
      scenario: fc.constant(scenario),
      seed: fc.integer({ min: 0, max: MAX_SEED }),
      params: paramsArbitrary(scenario),
      title: titleArbitrary,
      view: viewArbitrary,
    },
    { requiredKeys: ['v', 'scenario', 'seed', 'params'] },
  ),
);
