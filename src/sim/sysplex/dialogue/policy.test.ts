// Proves target selection as a table of facts → (deciding rule, candidates in order,
// narration), including rule order, protocol separation, case rules and de-duplication,
// and that parsePolicy names the exact field path of each invalid input. fast-check
// (1000 runs each) checks that valid policies always select known, unique candidates and
// that arbitrary JSON never makes parsePolicy throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK_RULE, httpFacts, parsePolicy, selectTargets, smtpFacts } from './policy';
import type { Facts, Policy } from './policy';
import { basicCredentials, buildHttpRequest, parseHttpRequest } from './http';
import type { HttpHeaders, HttpRequest } from './http';
import { initialHttpAppState } from './app-state';

const RUNS = { numRuns: 1000 };
const TARGETS = ['web1', 'web2', 'web3', 'admin1', 'mail1', 'mail2'] as const;

/** The policy, failing the test if it does not validate. */
function policyOf(input: unknown): Policy {
  const result = parsePolicy(input, TARGETS);
  if (!result.ok) throw new Error(`policy rejected: ${result.error}`);
  return result.policy;
}

/** A parsed GET request. */
function get(target: string, headers: HttpHeaders = []): HttpRequest {
  const result = parseHttpRequest(buildHttpRequest({ method: 'GET', target, headers }));
  if (result.kind !== 'complete') throw new Error('request did not parse');
  return result.request;
}

const POLICY = policyOf({
  rules: [
    { name: 'api', match: { kind: 'http-path-prefix', prefix: '/api/' }, targets: ['web2', 'web3'] },
    { name: 'tenant-blue', match: { kind: 'http-header', name: 'X-Tenant', value: 'blue' }, targets: ['web3'] },
    { name: 'sticky', match: { kind: 'http-cookie', name: 'server', value: 'web1' }, targets: ['web1'] },
    { name: 'admins', match: { kind: 'http-user', user: 'root' }, targets: ['admin1'] },
    { name: 'sales-mail', match: { kind: 'smtp-rcpt-domain', domain: 'Sales.Example.com' }, targets: ['mail2'] },
  ],
  fallback: ['web1', 'web2'],
});

describe('selectTargets', () => {
  it.each<[string, Facts, string, string[], string]>([
    ['an API path', { protocol: 'http', path: '/api/orders' }, 'api', ['web2', 'web3', 'web1'], "rule 'api' matched path /api/orders (prefix /api/)"],
    ['a path that only shares letters', { protocol: 'http', path: '/apiary' }, FALLBACK_RULE, ['web1', 'web2'], 'no rule matched; trying the fallback targets'],
    ['a tenant header, any name case', { protocol: 'http', path: '/', headers: [['x-tenant', 'blue']] }, 'tenant-blue', ['web3', 'web1', 'web2'], "rule 'tenant-blue' matched header X-Tenant: blue"],
    ['a tenant header with another value', { protocol: 'http', path: '/', headers: [['X-Tenant', 'Blue']] }, FALLBACK_RULE, ['web1', 'web2'], 'no rule matched; trying the fallback targets'],
    ['a sticky cookie', { protocol: 'http', cookies: { server: 'web1' } }, 'sticky', ['web1', 'web2'], "rule 'sticky' matched cookie server=web1"],
    ['an authenticated admin', { protocol: 'http', user: 'root' }, 'admins', ['admin1', 'web1', 'web2'], "rule 'admins' matched user root"],
    ['an anonymous client', { protocol: 'http', user: null }, FALLBACK_RULE, ['web1', 'web2'], 'no rule matched; trying the fallback targets'],
    ['a recipient domain, any case', { protocol: 'smtp', rcptDomains: ['example.org', 'SALES.example.COM'] }, 'sales-mail', ['mail2', 'web1', 'web2'], "rule 'sales-mail' matched recipient domain sales.example.com"],
    ['the first of several matching rules', { protocol: 'http', path: '/api/x', user: 'root', cookies: { server: 'web1' } }, 'api', ['web2', 'web3', 'web1'], "rule 'api' matched path /api/x (prefix /api/)"],
  ])('routes %s', (_what, facts, rule, candidates, reason) => {
    expect(selectTargets(POLICY, facts)).toEqual({ rule, candidates, reason });
  });

  it('keeps protocols apart: HTTP rules never match SMTP facts and vice versa', () => {
    expect(selectTargets(POLICY, { protocol: 'smtp', path: '/api/x', user: 'root' }).rule).toBe(FALLBACK_RULE);
    expect(selectTargets(POLICY, { protocol: 'http', rcptDomains: ['sales.example.com'] }).rule).toBe(FALLBACK_RULE);
  });

  it('does not match a cookie rule on an inherited property', () => {
    const policy = policyOf({ rules: [{ name: 'proto', match: { kind: 'http-cookie', name: 'constructor', value: 'function Object() { [native code] }' }, targets: ['web1'] }], fallback: [] });
    expect(selectTargets(policy, { protocol: 'http', cookies: {} })).toEqual({ rule: FALLBACK_RULE, candidates: [], reason: 'no rule matched; trying the fallback targets' });
  });

  it('lists each candidate once, in the rule order first, and can end with none (claim 17)', () => {
    const policy = policyOf({ rules: [{ name: 'all', match: { kind: 'any' }, targets: ['web2', 'web1'] }], fallback: ['web1', 'web3', 'web2'] });
    expect(selectTargets(policy, { protocol: 'smtp' })).toEqual({ rule: 'all', candidates: ['web2', 'web1', 'web3'], reason: "rule 'all' matched any connection" });
    expect(selectTargets(policyOf({ rules: [], fallback: [] }), { protocol: 'http' }).candidates).toEqual([]);
  });
});

describe('facts from the dialogue', () => {
  it('takes path, headers, cookies and Basic user from the deciding request', () => {
    const request = get('/api/orders?id=7', [['Cookie', 'server=web1'], ['Authorization', basicCredentials('root', 'pw')]]);
    expect(httpFacts(request)).toEqual({ protocol: 'http', path: '/api/orders', headers: request.headers, cookies: { server: 'web1' }, user: 'root' });
  });

  it('falls back to what earlier exchanges established, the deciding request winning', () => {
    const earlier = { ...initialHttpAppState(), user: 'root', cookies: { server: 'web2', lang: 'en' } };
    const facts = httpFacts(get('/', [['Cookie', 'server=web1']]), earlier);
    expect(facts.user).toBe('root');
    expect(facts.cookies).toEqual({ server: 'web1', lang: 'en' });
    expect(selectTargets(POLICY, facts).rule).toBe('sticky');
  });

  it('lists distinct lower-cased recipient domains, skipping Postmaster', () => {
    const facts = smtpFacts({ helo: 'c', mailFrom: '', rcptTo: ['a@Sales.Example.com', 'b@sales.example.com', 'Postmaster', 'c@x.org'] });
    expect(facts).toEqual({ protocol: 'smtp', rcptDomains: ['sales.example.com', 'x.org'] });
    expect(selectTargets(POLICY, facts).candidates).toEqual(['mail2', 'web1', 'web2']);
  });
});

describe('parsePolicy errors name the field path', () => {
  const rule = (overrides: Record<string, unknown>): Record<string, unknown> => ({ name: 'r', match: { kind: 'any' }, targets: ['web1'], ...overrides });

  it.each<[string, unknown, string]>([
    ['not an object', 5, 'policy: must be an object, not 5'],
    ['a missing field', { rules: [] }, 'fallback: is missing'],
    ['an unknown field', { rules: [], fallback: [], weights: {} }, 'weights: unknown field'],
    ['rules not an array', { rules: 'api', fallback: [] }, 'rules: must be an array'],
    ['a bad rule name', { rules: [rule({ name: 'a b' })], fallback: [] }, 'rules.0.name: must be 1–64 of letters, digits, ".", "_", "-", starting with a letter or digit'],
    ['an unknown match kind', { rules: [rule({ match: { kind: 'regex' } })], fallback: [] }, 'rules.0.match.kind: unknown match kind "regex"'],
    ['a match that is not an object', { rules: [rule({ match: 'any' })], fallback: [] }, 'rules.0.match: must be an object, not "any"'],
    ['a prefix without a slash', { rules: [rule({ match: { kind: 'http-path-prefix', prefix: 'api' } })], fallback: [] }, 'rules.0.match.prefix: must start with "/"'],
    ['an extra match field', { rules: [rule({ match: { kind: 'any', prefix: '/' } })], fallback: [] }, 'rules.0.match.prefix: unknown field'],
    ['a header name with a space', { rules: [rule({ match: { kind: 'http-header', name: 'X Tenant', value: 'a' } })], fallback: [] }, 'rules.0.match.name: must be a token (RFC 9110 §5.6.2)'],
    ['an empty user', { rules: [rule({ match: { kind: 'http-user', user: '' } })], fallback: [] }, 'rules.0.match.user: must not be empty'],
    ['a bad domain', { rules: [rule({ match: { kind: 'smtp-rcpt-domain', domain: '-x.org' } })], fallback: [] }, 'rules.0.match.domain: must be a domain name'],
    ['a rule without targets', { rules: [rule({ targets: [] })], fallback: [] }, 'rules.0.targets: needs at least one target'],
    ['a target that is not a string', { rules: [rule({}), rule({ name: 's', targets: [7] })], fallback: [] }, 'rules.1.targets.0: must be a string, not 7'],
    ['an unknown target', { rules: [rule({ name: 'a' }), rule({ name: 'b' }), rule({ name: 'c', targets: ['app9'] })], fallback: [] }, "rules.2.targets.0: unknown target 'app9'"],
    ['a repeated target', { rules: [rule({ targets: ['web1', 'web2', 'web1'] })], fallback: [] }, "rules.0.targets.2: duplicate target 'web1'"],
    ['a repeated rule name', { rules: [rule({ name: 'api' }), rule({ name: 'api' })], fallback: [] }, "rules.1.name: duplicate rule name 'api' (also rules.0)"],
    ['the reserved rule name', { rules: [rule({ name: 'fallback' })], fallback: [] }, "rules.0.name: 'fallback' is reserved for the fallback list"],
    ['an unknown fallback target', { rules: [], fallback: ['web1', 'gone'] }, "fallback.1: unknown target 'gone'"],
    ['too many rules', { rules: Array.from({ length: 65 }, (_, index) => rule({ name: `r${String(index)}` })), fallback: [] }, 'rules: at most 64 rules'],
  ])('%s', (_what, input, error) => {
    expect(parsePolicy(input, TARGETS)).toEqual({ ok: false, error });
  });

  it('accepts the example policy as it is', () => {
    expect(POLICY.rules.map((r) => r.name)).toEqual(['api', 'tenant-blue', 'sticky', 'admins', 'sales-mail']);
  });
});

// ---------------------------------------------------------------- properties

const targetArb = fc.constantFrom(...TARGETS);
const matchArb = fc.oneof(
  fc.record({ kind: fc.constant('http-path-prefix'), prefix: fc.constantFrom('/', '/api/', '/a') }),
  fc.record({ kind: fc.constant('http-header'), name: fc.constantFrom('X-Tenant', 'Accept'), value: fc.constantFrom('blue', 'red') }),
  fc.record({ kind: fc.constant('http-cookie'), name: fc.constantFrom('server', 'lang'), value: fc.constantFrom('web1', 'en') }),
  fc.record({ kind: fc.constant('http-user'), user: fc.constantFrom('root', 'alice') }),
  fc.record({ kind: fc.constant('smtp-rcpt-domain'), domain: fc.constantFrom('x.org', 'Sales.Example.com') }),
  fc.constant({ kind: 'any' }),
);
const policyInputArb = fc.record({
  rules: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), match: matchArb, targets: fc.uniqueArray(targetArb, { minLength: 1, maxLength: 4 }) }), {
    maxLength: 6, selector: (r) => r.name,
  }).map((rules) => rules.filter((r) => r.name !== FALLBACK_RULE)),
  fallback: fc.uniqueArray(targetArb, { maxLength: 4 }),
});
const factsArb: fc.Arbitrary<Facts> = fc.record({
  protocol: fc.constantFrom('http' as const, 'smtp' as const),
  path: fc.constantFrom('/', '/api/x', '/about'),
  headers: fc.constantFrom<HttpHeaders>([], [['x-tenant', 'blue']], [['Accept', 'red']]),
  cookies: fc.dictionary(fc.constantFrom('server', 'lang'), fc.constantFrom('web1', 'en')),
  user: fc.constantFrom(null, 'root', 'alice'),
  rcptDomains: fc.array(fc.constantFrom('x.org', 'sales.example.com'), { maxLength: 3 }),
});

describe('properties', () => {
  it('a valid policy always selects unique, known candidates: the deciding rule\'s targets first, then the fallback', () => {
    fc.assert(fc.property(policyInputArb, factsArb, (input, facts) => {
      const policy = policyOf(input);
      const { rule, candidates } = selectTargets(policy, facts);
      expect(new Set(candidates).size).toBe(candidates.length);
      for (const candidate of candidates) expect(TARGETS).toContain(candidate);
      const decided = policy.rules.find((r) => r.name === rule);
      const expected = [...new Set([...(decided?.targets ?? []), ...policy.fallback])];
      expect(candidates).toEqual(expected);
      if (decided === undefined) expect(rule).toBe(FALLBACK_RULE);
    }), RUNS);
  });

  it('never throws on arbitrary JSON, and an error always names a path', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.record({ rules: fc.array(fc.jsonValue(), { maxLength: 3 }), fallback: fc.jsonValue() })), (input) => {
      const result = parsePolicy(input, TARGETS);
      if (!result.ok) expect(result.error).toMatch(/^[A-Za-z0-9_.]+: /);
    }), RUNS);
  });
});
