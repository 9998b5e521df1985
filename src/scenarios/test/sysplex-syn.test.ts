/**
 * SYN-time distribution end to end: the built-in syn-* scenarios run with
 * every expectation and invariant holding; each method's choices, read back
 * from the trace, agree with the method's definition recomputed here from the
 * VDPT rows the trace recorded just before each SYN; the parameter relations
 * reject what cannot be built; and the default is still the patent's handoff.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/core/trace';
import { parseSysplexParams, type SysplexParamsInput } from '../sysplex-params';
import { clientsDone, invariantsHold, runSysplex, type SysplexRun } from '../sysplex-scenarios';
import { lastVdpt, synBaseWlm, synChoices, synHotStandby, synRoundRobin, synServerWlm, synWeightedActive } from '../zos-scenarios';
import { findScenario } from '../registry';

function run(input: SysplexParamsInput, seed = 1): SysplexRun {
  const parsed = parseSysplexParams(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return runSysplex(parsed.params, seed, (r) => [...clientsDone(r), ...invariantsHold(r)]);
}

function expectAllOk(r: SysplexRun): void {
  const failed = r.expectations.filter((e) => !e.ok).map((e) => `${e.name}: ${e.detail}`);
  expect(failed).toEqual([]);
}

const targets = (r: SysplexRun): string[] => synChoices(r).map((c) => c.target);

/** VDPT ActiveConn per stack as recorded up to (not including) trace index `before`. */
function activeBefore(events: readonly TraceEntry[], before: number): Map<string, number> {
  const active = new Map<string, number>();
  for (const e of events) {
    if (e.index >= before) break;
    if (e.kind === 'app' && e.app === 'VDPT' && e.data) active.set(String(e.data.stack), Number(e.data.activeConn));
  }
  return active;
}

describe('built-in SYN-time scenarios', () => {
  for (const s of [synRoundRobin, synWeightedActive, synBaseWlm, synServerWlm, synHotStandby]) {
    it(`${s.id}: every expectation holds, seeds 1–3, and neither it nor any event claims a patent claim`, () => {
      expect(findScenario(s.id)).toBe(s);
      expect(s.claims).toEqual([]);
      for (const seed of [1, 2, 3]) {
        const r = s.run(s.defaults, seed) as SysplexRun;
        expectAllOk(r);
        expect(r.sim.trace.events.filter((e) => (e.claims ?? []).length > 0).map((e) => e.kind === 'app' ? e.message : e.kind)).toEqual([]);
        expect(r.sysplex.routingApp).toBeNull();
      }
    });
  }
});

describe('the distributor in a running sysplex', () => {
  it('forwards the SYN over XCF, adds the CRT row first, and the target app answers from the DVIPA (no transfer, no routing-app dialogue)', () => {
    const r = run({ distribution: { method: 'roundrobin' }, clients: 2 });
    expectAllOk(r);
    const events = r.sim.trace.events;
    const add = events.find((e) => e.kind === 'crt' && e.action === 'add');
    const install = events.find((e) => e.kind === 'tcb' && e.action === 'install');
    expect(add).toMatchObject({ node: 'SYS1', destXcf: '10.9.0.2', reason: 'SYN routed by ROUNDROBIN' });
    expect(install).toMatchObject({ node: 'SYS2' });
    expect(add!.index).toBeLessThan(install!.index);
    expect(events.some((e) => e.kind === 'app' && e.app === 'ROUTER' && e.message.includes('answered by the routing app'))).toBe(false);
    expect(r.sysplex.clients[0]?.replies.at(-1)?.text).toMatch(/served by WEB2/);
    expect(r.sysplex.clients[1]?.replies.at(-1)?.text).toMatch(/served by WEB3/);
  });

  it('VDPT counters update live: TotalConn per target, ActiveConn up while connections overlap and back to 0', () => {
    const r = run({ distribution: { method: 'roundrobin' }, clients: 6, followUps: 4 });
    expectAllOk(r);
    const peaks = new Map<string, number>();
    for (const e of r.sim.trace.events) if (e.kind === 'app' && e.app === 'VDPT' && e.data) peaks.set(String(e.data.stack), Math.max(peaks.get(String(e.data.stack)) ?? 0, Number(e.data.activeConn)));
    expect(Math.max(...peaks.values())).toBeGreaterThan(1);
    expect(Object.fromEntries(lastVdpt(r))).toEqual({ SYS2: { totalConn: 3, activeConn: 0, rdy: 1 }, SYS3: { totalConn: 3, activeConn: 0, rdy: 1 } });
  });

  it('WEIGHTEDACTIVE: every choice minimises (ActiveConn+1)/WEIGHT over the VDPT rows recorded before that SYN', () => {
    const weights: Record<string, number> = { SYS2: 10, SYS3: 20, SYS4: 30 };
    const r = run({ stacks: ['SYS1', 'SYS2', 'SYS3', 'SYS4'], targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS3' }, { app: 'WEB4', stack: 'SYS4' }], distribution: { method: 'weightedactive', weights }, clients: 14, followUps: 3, clientSpacingUs: 3_000 });
    expectAllOk(r);
    const choices = synChoices(r);
    expect(choices).toHaveLength(14);
    for (const c of choices) {
      const active = activeBefore(r.sim.trace.events, c.index);
      const score = (s: string): number => ((active.get(s) ?? 0) + 1) / (weights[s] ?? 10);
      const best = Math.min(...Object.keys(weights).map(score));
      expect(score(c.target), c.reason).toBe(best);
      const firstBest = Object.keys(weights).find((s) => score(s) === best);
      expect(c.target, `tie rule: ${c.reason}`).toBe(firstBest);
    }
  });

  it('BASEWLM with a WLM change at a given time: 3:1, then 1:3', () => {
    const r = run({ distribution: { method: 'basewlm', wlm: { SYS2: { weight: 3 }, SYS3: { weight: 1 } }, changes: [{ atUs: 30_000, stack: 'SYS2', weight: 1 }, { atUs: 30_000, stack: 'SYS3', weight: 3 }] }, clients: 8, clientSpacingUs: 5_000 });
    expectAllOk(r);
    // SYNs at 12.3, 17.3, 22.3, 27.3 ms take 3:1; from 32.3 ms the change gives 1:3 (credits carry over).
    expect(targets(r).slice(0, 4)).toEqual(['SYS2', 'SYS2', 'SYS3', 'SYS2']);
    expect(targets(r).slice(4).filter((s) => s === 'SYS3').length).toBe(3);
    expect(r.sim.trace.events.some((e) => e.kind === 'app' && e.app === 'VDPT' && e.message.includes('WLM update: weight 3'))).toBe(true);
  });

  it('SERVERWLM: a server at 50 % health gets a third of the connections next to a healthy one', () => {
    const r = run({ distribution: { method: 'serverwlm', wlm: { SYS2: { weight: 8, health: 50 }, SYS3: { weight: 8 } } }, clients: 6 });
    expectAllOk(r);
    expect(targets(r).filter((s) => s === 'SYS2').length).toBe(2);
    expect(synChoices(r)[0]?.reason).toMatch(/^SERVERWLM: .*weights SYS2 4, SYS3 8/);
    const vdpt = r.sim.trace.events.find((e) => e.kind === 'app' && e.app === 'VDPT' && e.data?.stack === 'SYS2');
    expect(vdpt?.kind === 'app' ? vdpt.message : '').toMatch(/^Dest: 10\.10\.10\.10\.\.80 DestXCF: 10\.9\.0\.2 TotalConn: 0 Rdy: 1 WLM: 4 TSR: 100 Health: 50 Abnorm: 0 ActiveConn: 0 Flg: ServerWLM/);
  });

  it('SMTP under ROUNDROBIN: the target app greets on accept and serves the whole session', () => {
    const r = run({ protocol: 'smtp', targets: [{ app: 'MAIL-HQ', stack: 'SYS2' }, { app: 'MAIL-SALES', stack: 'SYS3' }], policy: { rules: [], fallback: ['MAIL-HQ'] }, decidingValues: ['hq.example'], distribution: { method: 'roundrobin' }, clients: 2 });
    expectAllOk(r);
    expect(r.sysplex.clients[1]?.replies[0]?.status).toBe(220);
  });

  for (const autoSwitchback of [true, false]) {
    it(`HOTSTANDBY: the preferred app stops listening, the backup takes over, and when it listens again ${autoSwitchback ? 'new connections switch back' : 'the backup stays active'}`, () => {
      const r = run({
        targets: [{ app: 'WEB2', stack: 'SYS2', stopsAtUs: 130_000, listensAgainAtUs: 230_000 }, { app: 'WEB3', stack: 'SYS3' }],
        distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS3', rank: 1 }], autoSwitchback },
        clients: 4,
        clientSpacingUs: 100_000,
      });
      expectAllOk(r);
      expect(targets(r)).toEqual(['SYS2', 'SYS2', 'SYS3', autoSwitchback ? 'SYS2' : 'SYS3']);
    });
  }

  it('a target stack crashes with live connections: XCF tells SYS1, their CRT rows go, new SYNs avoid it, exactly-once and one-owner hold', () => {
    const r = run({ distribution: { method: 'roundrobin' }, clients: 6, followUps: 3, crash: { stack: 'SYS2', atUs: 20_000 }, horizonUs: 1_200_000_000 });
    const inv = Object.fromEntries(r.invariants.map((c) => [c.name, c.ok]));
    expect(inv['exactly-once']).toBe(true);
    expect(inv['one-owner']).toBe(true);
    const removed = r.sim.trace.events.filter((e) => e.kind === 'crt' && e.action === 'remove' && (e.reason ?? '').includes('left the sysplex group'));
    expect(removed.length).toBeGreaterThan(0);
    const afterCrash = synChoices(r).filter((c) => (r.sim.trace.events[c.index]?.time ?? 0) > 20_000);
    expect(afterCrash.length).toBeGreaterThan(0);
    expect(afterCrash.every((c) => c.target === 'SYS3')).toBe(true);
    expect(lastVdpt(r).get('SYS2')).toMatchObject({ rdy: 0, activeConn: 0 });
  });

  it('no ready target: the SYN is dropped (the client retransmits) and a target that starts listening later gets it', () => {
    const r = run({ targets: [{ app: 'WEB2', stack: 'SYS2', stopsAtUs: 5_000, listensAgainAtUs: 1_500_000 }, { app: 'WEB3', stack: 'SYS3', stopsAtUs: 5_000 }], distribution: { method: 'roundrobin' }, clients: 1 });
    expectAllOk(r);
    const choices = synChoices(r);
    expect(choices[0]?.target).toBe('');
    expect(choices.at(-1)?.target).toBe('SYS2');
    expect(r.sim.trace.events.some((e) => e.kind === 'packet-drop' && e.reason === 'no-listener' && (e.detail ?? '').includes('no ready target'))).toBe(true);
  });
});

describe('distribution parameters', () => {
  const error = (input: SysplexParamsInput): string => {
    const p = parseSysplexParams(input);
    return p.ok ? 'ok' : p.error;
  };

  it('absent means the patent’s handoff, and existing scenarios keep their parameters', () => {
    const p = parseSysplexParams({});
    expect(p.ok && p.params.distribution).toBeUndefined();
    expect(p.ok && 'clientSpacingUs' in p.params).toBe(false);
    expect(error({ distribution: { method: 'patent-handoff' } })).toBe('ok');
  });

  it('each method takes only its own fields', () => {
    expect(error({ distribution: { method: 'roundrobin', weights: { SYS2: 1 } } as never })).toMatch(/^distribution\.weights: /);
    expect(error({ distribution: { method: 'basewlm', wlm: { SYS2: { health: 50 } } } as never })).toMatch(/^distribution\.wlm\.SYS2\.health: /);
    expect(error({ distribution: { method: 'weightedactive', weights: { SYS2: 0 } } })).toMatch(/^distribution\.weights\.SYS2: /);
    expect(error({ distribution: { method: 'leastconn' } as never })).toMatch(/^distribution\.method: /);
    expect(error({ distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [] } })).toMatch(/at least one backup/);
  });

  it('names the field when a relation fails', () => {
    expect(error({ distribution: { method: 'weightedactive', weights: { SYS9: 10 } } })).toBe('distribution.weights.SYS9: \'SYS9\' is not a target stack (targets run on SYS2, SYS3)');
    expect(error({ distribution: { method: 'serverwlm', changes: [{ atUs: 1, stack: 'SYS1', weight: 2 }] } })).toMatch(/^distribution\.changes\.0\.stack: 'SYS1' is not a target stack/);
    expect(error({ distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS2', rank: 1 }] } })).toMatch(/^distribution\.backups\.0\.stack: 'SYS2' is the preferred target/);
    expect(error({ stacks: ['SYS1', 'SYS2', 'SYS3', 'SYS4'], targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB3', stack: 'SYS3' }, { app: 'WEB4', stack: 'SYS4' }], distribution: { method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS3', rank: 5 }, { stack: 'SYS4', rank: 5 }] } })).toMatch(/^distribution\.backups\.1\.rank: rank 5 is given twice/);
    expect(error({ distribution: { method: 'hotstandby', preferred: 'SYS4', backups: [{ stack: 'SYS3', rank: 5 }] } })).toMatch(/^distribution\.preferred: 'SYS4' is not a target stack/);
    expect(error({ targets: [{ app: 'WEB2', stack: 'SYS2' }, { app: 'WEB2B', stack: 'SYS2' }], policy: { rules: [], fallback: ['WEB2'] }, distribution: { method: 'roundrobin' } })).toMatch(/^targets\.1\.stack: .*'SYS2' already runs WEB2/);
    expect(error({ targets: [{ app: 'WEB2', stack: 'SYS2', serves: ['/a'] }, { app: 'WEB3', stack: 'SYS3' }], distribution: { method: 'roundrobin' } })).toMatch(/^targets\.0\.serves: moving a connection on is the patent’s method/);
    expect(error({ targets: [{ app: 'WEB2', stack: 'SYS2', refuse: 'always' }, { app: 'WEB3', stack: 'SYS3' }], distribution: { method: 'roundrobin' } })).toMatch(/^targets\.0\.refuse: /);
    expect(error({ targets: [{ app: 'WEB2', stack: 'SYS2', listensAgainAtUs: 10 }, { app: 'WEB3', stack: 'SYS3' }] })).toMatch(/^targets\.0\.listensAgainAtUs: must come after stopsAtUs/);
  });
});
