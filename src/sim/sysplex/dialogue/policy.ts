/**
 * The routing application's target-selection policy, as data (claims 3 and 16). The
 * routing app turns what it learned in the dialogue into Facts, and the first rule
 * whose match holds names the target applications to ask, in preference order; the
 * fallback list follows, so a rejection (claim 16) moves on to the next candidate and
 * an empty list ends in an application-level error to the client (claim 17).
 * Validation is a valibot schema plus the checks a schema cannot make alone (known
 * targets, unique names); every error names the field path, e.g. "rules.2.targets.0".
 */
import * as v from 'valibot';
import { basicAuthUser, cookies as requestCookies, headerValues, requestPath } from './http';
import type { HttpHeaders, HttpRequest } from './http';
import type { HttpAppState } from './app-state';
import { domainOf } from './smtp';
import type { SmtpEnvelope } from './smtp';

/** The rule name reported when no rule matched; reserved, so a rule cannot take it. */
export const FALLBACK_RULE = 'fallback';
/** Most rules in a policy. */
export const POLICY_RULES_MAX = 64;
/** Most targets in one rule or in the fallback. */
export const POLICY_TARGETS_MAX = 32;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// RFC 9110 §5.6.2 token: HTTP field names and (RFC 6265 §4.1.1) cookie names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Error text for an object schema's own issues: wrong type, a missing field, an unknown field. */
function objectMessage(issue: v.StrictObjectIssue): string {
  if (issue.expected === 'never') return 'unknown field';
  if (issue.expected === 'Object') return `must be an object, not ${issue.received}`;
  return 'is missing';
}

const StringSchema = v.string((issue) => `must be a string, not ${issue.received}`);
const NameSchema = v.pipe(StringSchema, v.regex(NAME, 'must be 1–64 of letters, digits, ".", "_", "-", starting with a letter or digit'));
const TargetSchema = v.pipe(StringSchema, v.regex(NAME, 'must be a target application id'));
const ValueSchema = v.pipe(StringSchema, v.maxLength(1024, 'must be at most 1024 characters'));
const TokenSchema = v.pipe(StringSchema, v.regex(TOKEN, 'must be a token (RFC 9110 §5.6.2)'));

/** One condition on the facts; the kind says which fact it reads. */
export const MatchSchema = v.variant(
  'kind',
  [
    v.strictObject({ kind: v.literal('http-path-prefix'), prefix: v.pipe(ValueSchema, v.startsWith('/', 'must start with "/"')) }, objectMessage),
    v.strictObject({ kind: v.literal('http-header'), name: TokenSchema, value: ValueSchema }, objectMessage),
    v.strictObject({ kind: v.literal('http-cookie'), name: TokenSchema, value: ValueSchema }, objectMessage),
    v.strictObject({ kind: v.literal('http-user'), user: v.pipe(ValueSchema, v.minLength(1, 'must not be empty')) }, objectMessage),
    v.strictObject({ kind: v.literal('smtp-rcpt-domain'), domain: v.pipe(StringSchema, v.regex(DOMAIN, 'must be a domain name')) }, objectMessage),
    v.strictObject({ kind: v.literal('any') }, objectMessage),
  ],
  (issue) => (issue.expected === 'Object' ? `must be an object, not ${issue.received}` : `unknown match kind ${issue.received}`),
);

/** A named rule: when the match holds, ask these targets in this order. */
export const RuleSchema = v.strictObject({
  name: NameSchema,
  match: MatchSchema,
  targets: v.pipe(
    v.array(TargetSchema, 'must be an array'),
    v.minLength(1, 'needs at least one target'),
    v.maxLength(POLICY_TARGETS_MAX, `at most ${String(POLICY_TARGETS_MAX)} targets`),
  ),
}, objectMessage);

/** A policy: rules tried in order, then the fallback targets. */
export const PolicySchema = v.strictObject({
  rules: v.pipe(v.array(RuleSchema, 'must be an array'), v.maxLength(POLICY_RULES_MAX, `at most ${String(POLICY_RULES_MAX)} rules`)),
  fallback: v.pipe(v.array(TargetSchema, 'must be an array'), v.maxLength(POLICY_TARGETS_MAX, `at most ${String(POLICY_TARGETS_MAX)} targets`)),
}, objectMessage);

/** A validated policy. */
export type Policy = v.InferOutput<typeof PolicySchema>;
/** A validated rule. */
export type Rule = v.InferOutput<typeof RuleSchema>;
/** A validated match. */
export type Match = v.InferOutput<typeof MatchSchema>;

/** What the routing app learned from the dialogue; a fact it did not learn is absent. */
export interface Facts {
  readonly protocol: 'http' | 'smtp';
  /** The request path without its query. */
  readonly path?: string;
  readonly headers?: HttpHeaders;
  readonly cookies?: Readonly<Record<string, string>>;
  readonly user?: string | null;
  /** Domains of the accepted recipients, lower-cased. */
  readonly rcptDomains?: readonly string[];
}

/** The decision: the rule that made it, the candidates in order, and a sentence for the narration. */
export interface Selection {
  /** The matching rule's name, or FALLBACK_RULE. */
  readonly rule: string;
  /** Target application ids to ask in order, without duplicates; empty means answer the client with an error. */
  readonly candidates: readonly string[];
  /** e.g. "rule 'api' matched path /api/orders (prefix /api/)". */
  readonly reason: string;
}

/** Result of parsePolicy. */
export type PolicyParse = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly error: string };

// ---------------------------------------------------------------- validation

/** Validates unknown input as a policy over the known targets; the error names the first bad field's path. */
export function parsePolicy(input: unknown, knownTargets: readonly string[]): PolicyParse {
  const result = v.safeParse(PolicySchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    return { ok: false, error: `${v.getDotPath(issue) ?? 'policy'}: ${issue.message}` };
  }
  const error = semanticError(result.output, new Set(knownTargets));
  return error === null ? { ok: true, policy: result.output } : { ok: false, error };
}

/** Checks a schema cannot express: unique, unreserved rule names and known, unrepeated targets. */
function semanticError(policy: Policy, known: ReadonlySet<string>): string | null {
  const seen = new Map<string, number>();
  for (const [index, rule] of policy.rules.entries()) {
    const path = `rules.${String(index)}`;
    if (rule.name === FALLBACK_RULE) return `${path}.name: '${FALLBACK_RULE}' is reserved for the fallback list`;
    const earlier = seen.get(rule.name);
    if (earlier !== undefined) return `${path}.name: duplicate rule name '${rule.name}' (also rules.${String(earlier)})`;
    seen.set(rule.name, index);
    const targetError = targetListError(`${path}.targets`, rule.targets, known);
    if (targetError !== null) return targetError;
  }
  return targetListError('fallback', policy.fallback, known);
}

/** The first unknown or repeated target in a list, with its path. */
function targetListError(path: string, targets: readonly string[], known: ReadonlySet<string>): string | null {
  for (const [index, target] of targets.entries()) {
    if (!known.has(target)) return `${path}.${String(index)}: unknown target '${target}'`;
    if (targets.indexOf(target) !== index) return `${path}.${String(index)}: duplicate target '${target}'`;
  }
  return null;
}

// ---------------------------------------------------------------- selection

/** The first matching rule's targets followed by the fallback's, without duplicates. */
export function selectTargets(policy: Policy, facts: Facts): Selection {
  // Bounded by POLICY_RULES_MAX for a parsed policy.
  for (const rule of policy.rules) {
    const reason = matchReason(rule.match, facts);
    if (reason !== null) {
      return { rule: rule.name, candidates: unique([...rule.targets, ...policy.fallback]), reason: `rule '${rule.name}' matched ${reason}` };
    }
  }
  return { rule: FALLBACK_RULE, candidates: unique(policy.fallback), reason: 'no rule matched; trying the fallback targets' };
}

/** What made the match hold, as words for the narration, or null when it does not hold. */
export function matchReason(match: Match, facts: Facts): string | null {
  const http = facts.protocol === 'http';
  switch (match.kind) {
    case 'http-path-prefix':
      return http && facts.path?.startsWith(match.prefix) === true ? `path ${facts.path} (prefix ${match.prefix})` : null;
    case 'http-header': {
      const values = facts.headers === undefined ? [] : headerValues({ headers: facts.headers }, match.name);
      return http && values.includes(match.value) ? `header ${match.name}: ${match.value}` : null;
    }
    case 'http-cookie': {
      const jar = facts.cookies ?? {};
      return http && Object.hasOwn(jar, match.name) && jar[match.name] === match.value ? `cookie ${match.name}=${match.value}` : null;
    }
    case 'http-user':
      return http && facts.user === match.user ? `user ${match.user}` : null;
    case 'smtp-rcpt-domain': {
      // Domains compare case-insensitively (RFC 5321 §2.4).
      const domain = match.domain.toLowerCase();
      const found = facts.protocol === 'smtp' && (facts.rcptDomains ?? []).some((candidate) => candidate.toLowerCase() === domain);
      return found ? `recipient domain ${domain}` : null;
    }
    case 'any':
      return 'any connection';
  }
}

/** The list with later repeats removed. */
function unique(targets: readonly string[]): string[] {
  return [...new Set(targets)];
}

// ---------------------------------------------------------------- facts

/** Facts from the deciding HTTP request and, when given, what earlier exchanges established (user, cookies). */
export function httpFacts(request: HttpRequest, earlier?: HttpAppState): Facts {
  return {
    protocol: 'http',
    path: requestPath(request.target),
    headers: request.headers,
    cookies: { ...earlier?.cookies, ...requestCookies(request) },
    user: basicAuthUser(request) ?? earlier?.user ?? null,
  };
}

/** Facts from an SMTP envelope: the distinct recipient domains, lower-cased, in order. */
export function smtpFacts(envelope: SmtpEnvelope): Facts {
  const domains = envelope.rcptTo.map(domainOf).filter((domain): domain is string => domain !== null);
  return { protocol: 'smtp', rcptDomains: unique(domains) };
}
