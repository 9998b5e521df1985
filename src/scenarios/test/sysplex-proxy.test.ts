/**
 * `distribution: { method: 'proxy' }` on an ordinary sysplex scenario: the
 * L7 proxy on SYS1 keeps each client connection and relays it over a second
 * TCP connection to the target the policy picks. Every client completes, the
 * checkers hold (the client still sees one connection to the DVIPA), nothing
 * is transferred, and the targets only ever see connections from SYS1 — never
 * a client's address — while every response byte passes SYS1 on its way out.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { parseSysplexParams } from '../sysplex-params';
import { clientsDone, invariantsHold, runSysplex, transferPhases } from '../sysplex-scenarios';

function runProxy(overrides: Record<string, unknown>) {
  const parsed = parseSysplexParams({ distribution: { method: 'proxy' }, ...overrides });
  if (!parsed.ok) throw new Error(parsed.error);
  return runSysplex(parsed.params, 1, (r) => [...clientsDone(r), ...invariantsHold(r)]);
}

describe('proxy distribution', () => {
  it('relays every client connection to a target and back, transparently', () => {
    const r = runProxy({ clients: 4, decidingValues: ['/orders/1'] });
    for (const e of r.expectations) expect(e.ok, `${e.name}: ${e.detail}`).toBe(true);
    expect(transferPhases(r, 'committed')).toBe(0);
    const relays = r.sim.trace.events.filter((e) => e.kind === 'app' && e.app === 'ROUTER' && e.message.startsWith('relays '));
    expect(relays).toHaveLength(4);
    // Targets accept from the routing stack's XCF link, never from a client.
    const clientAddresses = r.sysplex.net.clients.map((c) => formatIpv4Address(c.iface('eth0').address));
    const served = r.sim.trace.events.filter((e) => e.kind === 'app-bytes' && e.node !== 'SYS1' && e.app.startsWith('WEB'));
    expect(served.length).toBeGreaterThan(0);
    for (const e of served) if (e.kind === 'app-bytes') expect(clientAddresses.some((a) => e.conn.startsWith(`${a}:`)), e.conn).toBe(false);
    expect(r.sysplex.routingApp).toBeNull();
    // Not the patent: no event of the run carries a claim.
    expect(r.sim.trace.events.filter((e) => (e.claims ?? []).length > 0).map((e) => e.index)).toEqual([]);
    expect(r.sysplex.proxyApp?.name).toBe('ROUTER');
    // The stack relays through the proxy from the start: it neither waits for a routing app nor distributes.
    const lifecycle = r.sim.trace.events.flatMap((e) => (e.kind === 'state-change' && e.machine === 'routing-stack' ? [e.to] : []));
    expect(lifecycle).toEqual(['proxying']);
    expect(r.sysplex.routingStack.state).toBe('proxying');
  });

  it('picks the target by the policy on the first request of each connection', () => {
    const r = runProxy({ clients: 1, policy: { rules: [{ name: 'login', match: { kind: 'http-path-prefix', prefix: '/login' }, targets: ['WEB3'] }], fallback: ['WEB2'] } });
    expect(r.sysplex.clients[0]?.replies.map((x) => x.text.split(' served by ')[1]?.split(' ')[0])).toEqual(['WEB3', 'WEB3', 'WEB3', 'WEB3']);
  });

  it('answers 503 when no target listens', () => {
    const r = runProxy({ clients: 1, targets: [{ app: 'WEB2', stack: 'SYS2', stopsAtUs: 0 }], policy: { rules: [], fallback: ['WEB2'] } });
    expect(r.sysplex.clients[0]?.replies.map((x) => x.status)).toEqual([503]);
  });

  it('is refused with targets that only the patent’s method allows', () => {
    expect(parseSysplexParams({ distribution: { method: 'proxy' }, targets: [{ app: 'WEB2', stack: 'SYS2', serves: ['/a'] }], policy: { rules: [], fallback: ['WEB2'] } })).toMatchObject({ ok: false, error: expect.stringMatching(/^targets\.0\.serves: .*'proxy'/) as unknown });
  });
});
