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
});

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
  horizonUs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000_000)), 300_000_000),
  /** Faults added by clicking on objects of the run (a forked timeline). */
  faults: v.optional(ScriptedFaultsSchema, []),
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
  return { ok: true, params: { ...p, policy: policy.policy } };
}
