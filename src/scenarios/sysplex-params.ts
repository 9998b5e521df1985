/**
 * Parameters of the sysplex scenarios as valibot schemas, and the checks a
 * schema cannot express (a policy naming a missing target, a DVIPA owner that
 * is not a stack, an impossible topology), all made at load time so a bad
 * scenario never starts running.
 */
import * as v from 'valibot';
import { parsePolicy, PolicySchema, type Policy } from '../sim/sysplex/dialogue/policy';
import { LinkSchema } from './params';
import { ScriptedFaultsSchema } from './scripted-faults';

const timeUs = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000_000));
const name = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be 1–16 letters, digits, "_" or "-", starting with a letter'));

/** One target app instance. */
export const TargetSchema = v.strictObject({
  app: name,
  stack: name,
  refuse: v.optional(v.picklist(['never', 'always', 'first']), 'never'),
  reason: v.optional(v.pipe(v.string(), v.maxLength(80)), 'overloaded'),
  /** The app stops listening at this time (µs): the routing app's target list is updated (claim 22). */
  stopsAtUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000_000))),
  /** HTTP path prefixes it serves; a later request for another path moves the connection on (claim 10). */
  serves: v.optional(v.pipe(v.array(v.pipe(v.string(), v.startsWith('/'), v.maxLength(200))), v.maxLength(16))),
  /** The app listens again at this time (µs), after stopsAtUs: hot standby may switch back to it. */
  listensAgainAtUs: v.optional(timeUs),
});

const percent = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100));
const wlmWeight = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000));
const abnorm = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000));

/** BASEWLM inputs of one target stack: the WLM system weight (its LPAR's spare capacity), scaled by TSR. */
const BaseWlmSchema = v.strictObject({ weight: v.optional(wlmWeight, 1), tsr: v.optional(percent, 100) });
/** SERVERWLM inputs of one target stack: the server-specific weight, scaled by TSR, health and abnormal completions. */
const ServerWlmSchema = v.strictObject({ weight: v.optional(wlmWeight, 1), tsr: v.optional(percent, 100), health: v.optional(percent, 100), abnorm: v.optional(abnorm, 0) });
const changes = <T extends v.GenericSchema>(entry: T) => v.optional(v.pipe(v.array(entry), v.maxLength(64)), []);

/**
 * How the routing stack distributes connections. 'patent-handoff' (the
 * default, also when absent): the routing app accepts every connection and
 * may hand it on later (the patent). The others are z/OS Sysplex Distributor's
 * SYN-time methods (VIPADISTRIBUTE DISTMETHOD): the routing stack picks a
 * target stack on the SYN and forwards the connection there for its life.
 * Weights and WLM inputs are keyed by target stack, as DESTIP names stacks.
 * 'proxy' is neither: an L7 proxy on the routing stack keeps each client
 * connection and relays it to the target the policy picks, over a second TCP
 * connection (what the patent's handoff avoids; the comparison measures both).
 */
export const DistributionSchema = v.variant('method', [
  v.strictObject({ method: v.literal('patent-handoff') }),
  v.strictObject({ method: v.literal('proxy') }),
  v.strictObject({ method: v.literal('roundrobin') }),
  v.strictObject({
    method: v.literal('weightedactive'),
    /** WEIGHT per target stack, 1–99; a stack left out gets 10. */
    weights: v.optional(v.record(name, v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(99))), {}),
  }),
  v.strictObject({
    method: v.literal('basewlm'),
    wlm: v.optional(v.record(name, BaseWlmSchema), {}),
    /** WLM recomputes weights: from atUs on, the stack's inputs change. */
    changes: changes(v.strictObject({ atUs: timeUs, stack: name, weight: v.optional(wlmWeight), tsr: v.optional(percent) })),
  }),
  v.strictObject({
    method: v.literal('serverwlm'),
    wlm: v.optional(v.record(name, ServerWlmSchema), {}),
    changes: changes(v.strictObject({ atUs: timeUs, stack: name, weight: v.optional(wlmWeight), tsr: v.optional(percent), health: v.optional(percent), abnorm: v.optional(abnorm) })),
  }),
  v.strictObject({
    method: v.literal('hotstandby'),
    preferred: name,
    /** BACKUP rank per stack, 1–254: the highest ready rank takes over from the preferred target. A target stack named neither preferred nor backup gets no connections. */
    backups: v.pipe(v.array(v.strictObject({ stack: name, rank: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(254)) })), v.minLength(1, 'hot standby needs at least one backup'), v.maxLength(31)),
    autoSwitchback: v.optional(v.boolean(), true),
  }),
]);

/** A distribution method as parsed. */
export type DistributionParams = v.InferOutput<typeof DistributionSchema>;

/** Parameters shared by every sysplex scenario. */
export const SysplexParamsSchema = v.strictObject({
  profile: v.optional(v.picklist(['rfc', 'linux']), 'linux'),
  protocol: v.optional(v.picklist(['http', 'smtp']), 'http'),
  stacks: v.optional(v.pipe(v.array(name), v.minLength(3, 'a sysplex needs at least 3 stacks: one routing stack and two targets'), v.maxLength(32)), ['SYS1', 'SYS2', 'SYS3']),
  /** The stack that owns the DVIPA (the routing stack). */
  dvipaOwner: v.optional(name, 'SYS1'),
  routingApp: v.optional(name, 'ROUTER'),
  targets: v.optional(v.pipe(v.array(TargetSchema), v.minLength(1), v.maxLength(64)), [
    { app: 'WEB2', stack: 'SYS2' },
    { app: 'WEB3', stack: 'SYS3' },
  ]),
  policy: v.optional(PolicySchema, { rules: [{ name: 'orders', match: { kind: 'http-path-prefix', prefix: '/orders' }, targets: ['WEB3'] }], fallback: ['WEB2'] }),
  clients: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2_000)), 1),
  /** Paths (HTTP) or recipient domains (SMTP) the clients' deciding request uses, round robin. */
  decidingValues: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.minLength(1), v.maxLength(64)), ['/orders/42']),
  /** Paths of the requests after the deciding one (HTTP); default: the deciding path with ?page=2, 3, … */
  followUpPaths: v.optional(v.pipe(v.array(v.pipe(v.string(), v.startsWith('/'), v.maxLength(200))), v.maxLength(50))),
  /** Requests after the deciding one (HTTP). */
  followUps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50)), 1),
  /** Body bytes of the deciding request (HTTP POST when > 0): peeked, they travel with the connection. */
  decidingBodyBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(40_000)), 0),
  freeze: v.optional(v.picklist(['queue', 'drop']), 'queue'),
  /** HTTP pipelining: send the request after the deciding one this many µs later, without waiting (0 = off). */
  pipelineDelayUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000)), 0),
  transferTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60_000)), 2_000),
  xcfDelayUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), 100),
  clientLink: v.optional(LinkSchema, {}),
  /** Router ↔ stack links (OSA), and the XCF links; XCF's delay defaults to xcfDelayUs. */
  osaLink: v.optional(LinkSchema, {}),
  xcfLink: v.optional(LinkSchema),
  /** Crash a stack at a time (µs). */
  crash: v.optional(v.strictObject({ stack: name, atUs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000_000)) })),
  /** More stacks crash at these times (µs), besides `crash`. */
  crashes: v.optional(v.pipe(v.array(v.strictObject({ stack: name, atUs: timeUs })), v.maxLength(8))),
  /** A backup routing stack (VIPABACKUP rank): when the routing stack crashes it takes the DVIPA over. It runs no target app. */
  backup: v.optional(v.strictObject({ stack: name, rank: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(254)), 100) })),
  /** µs from a stack's crash until XCF tells the other members it left (absent = 100 000 with a backup). Given without a backup, it turns on group monitoring alone: each crash's lost connections are named and the owner drops their CRT rows. */
  xcfDetectionUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000_000))),
  /** With a backup: µs from a DVIPA owner change until the router sends the DVIPA’s traffic there (segments meanwhile go to the old owner); absent = 0. */
  routerConvergenceUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000_000))),
  /** With a backup: restart a crashed routing stack at a time (µs); the routing stack takes the DVIPA back. */
  restart: v.optional(v.strictObject({ stack: name, atUs: timeUs })),
  horizonUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000_000)), 300_000_000),
  /** Faults added by clicking on objects of the run (a forked timeline). */
  faults: v.optional(ScriptedFaultsSchema, []),
  /** SYN-time distribution (z/OS Sysplex Distributor) instead of the patent's handoff; absent = the patent. */
  distribution: v.optional(DistributionSchema),
  /** µs between one client's start and the next; absent = 2000. */
  clientSpacingUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000_000))),
});

/** Sysplex scenario parameters. */
export type SysplexParams = v.InferOutput<typeof SysplexParamsSchema>;
/** As written in a file. */
export type SysplexParamsInput = v.InferInput<typeof SysplexParamsSchema>;

/** Validate parameters, then the relations between fields; errors name the field. */
export function parseSysplexParams(input: unknown): { ok: true; params: SysplexParams & { policy: Policy } } | { ok: false; error: string } {
  const r = v.safeParse(SysplexParamsSchema, input ?? {});
  if (!r.success) {
    const issue = r.issues[0];
    return { ok: false, error: `${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}` };
  }
  const p = r.output;
  if (new Set(p.stacks).size !== p.stacks.length) return { ok: false, error: 'stacks: stack names must be unique' };
  if (!p.stacks.includes(p.dvipaOwner)) return { ok: false, error: `dvipaOwner: the DVIPA is owned by '${p.dvipaOwner}', which is not one of the stacks` };
  if (p.stacks[0] !== p.dvipaOwner) return { ok: false, error: `dvipaOwner: list the routing stack '${p.dvipaOwner}' first in stacks` };
  for (const [i, t] of p.targets.entries()) {
    if (!p.stacks.includes(t.stack)) return { ok: false, error: `targets.${i}.stack: no stack named '${t.stack}'` };
    if (t.stack === p.dvipaOwner) return { ok: false, error: `targets.${i}.stack: '${t.stack}' is the routing stack; targets run on the other stacks` };
  }
  if (new Set(p.targets.map((t) => t.app)).size !== p.targets.length) return { ok: false, error: 'targets: app names must be unique' };
  const policy = parsePolicy(p.policy, p.targets.map((t) => t.app));
  if (!policy.ok) return { ok: false, error: `policy.${policy.error}` };
  if (p.crash && !p.stacks.includes(p.crash.stack)) return { ok: false, error: `crash.stack: no stack named '${p.crash.stack}'` };
  const takeover = checkTakeover(p);
  if (takeover) return { ok: false, error: takeover };
  const listening = checkListenTimes(p.targets);
  if (listening) return { ok: false, error: listening };
  const distribution = checkDistribution(p);
  if (distribution) return { ok: false, error: distribution };
  return { ok: true, params: { ...p, policy: policy.policy } };
}

/** XCF failure detection when nothing else is said (µs). */
export const DEFAULT_XCF_DETECTION_US = 100_000;

/** Relations of the takeover fields: a backup that is a spare stack, crashes of stacks that exist, a restart after its crash was noticed. */
function checkTakeover(p: SysplexParams): string | null {
  for (const [i, c] of (p.crashes ?? []).entries()) if (!p.stacks.includes(c.stack)) return `crashes.${i}.stack: no stack named '${c.stack}'`;
  const b = p.backup;
  if (!b) {
    const needing = (['routerConvergenceUs', 'restart'] as const).find((k) => p[k] !== undefined);
    return needing ? `${needing}: only means something with a backup stack (set backup.stack)` : null;
  }
  if (!p.stacks.includes(b.stack)) return `backup.stack: no stack named '${b.stack}'`;
  if (b.stack === p.dvipaOwner) return `backup.stack: '${b.stack}' owns the DVIPA; the backup must be another stack`;
  const app = p.targets.find((t) => t.stack === b.stack);
  if (app) return `backup.stack: '${b.stack}' runs the target app ${app.app}; the backup runs only the standby routing app (a backup that is also a target is not modelled)`;
  return p.restart ? checkRestart(p, p.restart, b.stack) : null;
}

function checkRestart(p: SysplexParams, r: { stack: string; atUs: number }, backup: string): string | null {
  if (r.stack !== p.dvipaOwner && r.stack !== backup) return `restart.stack: only the routing stack '${p.dvipaOwner}' or the backup '${backup}' can restart`;
  const crash = [...(p.crash ? [p.crash] : []), ...(p.crashes ?? [])].find((c) => c.stack === r.stack && c.atUs < r.atUs);
  if (!crash) return `restart.stack: '${r.stack}' does not crash before ${r.atUs} µs`;
  const noticedUs = crash.atUs + (p.xcfDetectionUs ?? DEFAULT_XCF_DETECTION_US);
  if (r.atUs <= noticedUs) return `restart.atUs: must come after XCF noticed the crash (${noticedUs} µs)`;
  return null;
}

/** A target that listens again must have stopped first. */
function checkListenTimes(targets: SysplexParams['targets']): string | null {
  for (const [i, t] of targets.entries()) {
    if (t.listensAgainAtUs === undefined) continue;
    if (t.stopsAtUs === undefined || t.listensAgainAtUs <= t.stopsAtUs) return `targets.${i}.listensAgainAtUs: must come after stopsAtUs (the app listens from the start)`;
  }
  return null;
}

/** Whether the scenario distributes at SYN time (any method but the patent's handoff and the proxy). */
export function isSynTime(p: Pick<SysplexParams, 'distribution'>): boolean {
  return p.distribution !== undefined && p.distribution.method !== 'patent-handoff' && p.distribution.method !== 'proxy';
}

/** Relations a SYN-time method needs: one listening app per target stack, no patent-only target options, and stacks that exist. */
function checkDistribution(p: SysplexParams): string | null {
  const d = p.distribution;
  if (d === undefined || d.method === 'patent-handoff') return null;
  const stacks = p.targets.map((t) => t.stack);
  for (const [i, t] of p.targets.entries()) {
    if (stacks.indexOf(t.stack) !== i) return `targets.${i}.stack: with distribution.method '${d.method}' each target stack runs one listening app; '${t.stack}' already runs ${p.targets[stacks.indexOf(t.stack)]?.app ?? '?'}`;
    if (t.serves) return `targets.${i}.serves: moving a connection on is the patent’s method; not available with distribution.method '${d.method}'`;
    if (t.refuse !== 'never') return `targets.${i}.refuse: targets refuse transfer offers, and '${d.method}' makes none; use 'never'`;
  }
  const unknown = (where: string, stack: string): string | null => (stacks.includes(stack) ? null : `distribution.${where}: '${stack}' is not a target stack (targets run on ${stacks.join(', ')})`);
  const firstOf = (xs: readonly (string | null)[]): string | null => xs.find((x) => x !== null) ?? null;
  if (d.method === 'weightedactive') return firstOf(Object.keys(d.weights).map((s) => unknown(`weights.${s}`, s)));
  if (d.method === 'basewlm' || d.method === 'serverwlm') {
    return firstOf([...Object.keys(d.wlm).map((s) => unknown(`wlm.${s}`, s)), ...d.changes.map((c, i) => unknown(`changes.${i}.stack`, c.stack))]);
  }
  if (d.method === 'hotstandby') return checkHotStandby(d, unknown);
  return null;
}

function checkHotStandby(d: Extract<DistributionParams, { method: 'hotstandby' }>, unknown: (where: string, stack: string) => string | null): string | null {
  const bad = unknown('preferred', d.preferred) ?? d.backups.map((b, i) => unknown(`backups.${i}.stack`, b.stack)).find((x) => x !== null);
  if (bad) return bad;
  for (const [i, b] of d.backups.entries()) {
    if (b.stack === d.preferred) return `distribution.backups.${i}.stack: '${b.stack}' is the preferred target; a backup must be another stack`;
    if (d.backups.findIndex((x) => x.stack === b.stack) !== i) return `distribution.backups.${i}.stack: '${b.stack}' is listed twice`;
    if (d.backups.findIndex((x) => x.rank === b.rank) !== i) return `distribution.backups.${i}.rank: rank ${b.rank} is given twice; ranks decide the order, so they must differ`;
  }
  return null;
}
