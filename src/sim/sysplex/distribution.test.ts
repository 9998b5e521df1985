/**
 * Each SYN-time distribution method against its definition on fixed input
 * (docs/domain.md §1.4): a sequence of SYNs with given ready flags and active
 * counts, and the exact targets the definition demands. The weight methods
 * are also checked for their proportion over a whole cycle, recomputed here
 * from the weights rather than taken from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { Distributor, effectiveWeight, weightedActive, type DistributionConfig, type TargetView } from './distribution';

const up = (stack: string, activeConn = 0): TargetView => ({ stack, ready: true, activeConn });
const down = (stack: string, activeConn = 0): TargetView => ({ stack, ready: false, activeConn });

/** Run n SYNs with fixed views, returning the chosen stacks. */
function picks(d: Distributor, views: readonly TargetView[], n: number): (string | null)[] {
  return Array.from({ length: n }, () => d.choose(views).stack);
}

/** Run SYNs where every chosen connection stays active (WEIGHTEDACTIVE's input changes with its output). */
function picksKeepingActive(weights: Record<string, number>, stacks: readonly string[], n: number): string[] {
  const active = new Map(stacks.map((s) => [s, 0]));
  const d = new Distributor({ method: 'weightedactive', weights }, stacks);
  return Array.from({ length: n }, () => {
    const stack = d.choose(stacks.map((s) => up(s, active.get(s) ?? 0))).stack ?? '';
    active.set(stack, (active.get(stack) ?? 0) + 1);
    return stack;
  });
}

describe('ROUNDROBIN', () => {
  it('cycles over the targets in DESTIP order', () => {
    const d = new Distributor({ method: 'roundrobin' }, ['SYS2', 'SYS3', 'SYS4']);
    expect(picks(d, [up('SYS2'), up('SYS3'), up('SYS4')], 7)).toEqual(['SYS2', 'SYS3', 'SYS4', 'SYS2', 'SYS3', 'SYS4', 'SYS2']);
  });

  it('skips a target with no ready listener and names it in the reason', () => {
    const d = new Distributor({ method: 'roundrobin' }, ['SYS2', 'SYS3', 'SYS4']);
    const views = [up('SYS2'), down('SYS3'), up('SYS4')];
    expect(d.choose(views).stack).toBe('SYS2');
    const second = d.choose(views);
    expect(second.stack).toBe('SYS4');
    expect(second.reason).toBe('ROUNDROBIN: SYS4 is next in turn (SYS3 not ready, skipped)');
    expect(d.choose(views).stack).toBe('SYS2');
  });

  it('ignores how many connections a target already has', () => {
    const d = new Distributor({ method: 'roundrobin' }, ['SYS2', 'SYS3']);
    expect(picks(d, [up('SYS2', 50), up('SYS3', 0)], 4)).toEqual(['SYS2', 'SYS3', 'SYS2', 'SYS3']);
  });

  it('chooses nobody when no target is ready', () => {
    const d = new Distributor({ method: 'roundrobin' }, ['SYS2', 'SYS3']);
    const c = d.choose([down('SYS2'), down('SYS3')]);
    expect(c.stack).toBeNull();
    expect(c.reason).toMatch(/no target has a ready listener/);
  });
});

describe('WEIGHTEDACTIVE', () => {
  it('weights 10:20 with long-lived connections: the target minimising (active+1)/weight, ties to the earlier target', () => {
    expect(picksKeepingActive({ SYS2: 10, SYS3: 20 }, ['SYS2', 'SYS3'], 9)).toEqual(['SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3', 'SYS3', 'SYS2', 'SYS3']);
  });

  it('keeps active connections within one connection of the weight ratio after every SYN', () => {
    const weights = { SYS2: 10, SYS3: 20, SYS4: 30 };
    const stacks = ['SYS2', 'SYS3', 'SYS4'];
    const chosen = picksKeepingActive(weights, stacks, 60);
    const total = 60;
    const active = new Map(stacks.map((s) => [s, 0]));
    chosen.forEach((s, i) => {
      active.set(s, (active.get(s) ?? 0) + 1);
      for (const t of stacks) {
        const share = ((i + 1) * weights[t as keyof typeof weights]) / 60; // weight sum 60
        expect(Math.abs((active.get(t) ?? 0) - share)).toBeLessThanOrEqual(1);
      }
    });
    expect(chosen.length).toBe(total);
  });

  it('the reason compares the ratios, as in "SYS3 active 1/20 < SYS2 1/10"', () => {
    const c = weightedActive([up('SYS2'), up('SYS3')], (s) => (s === 'SYS2' ? 10 : 20));
    expect(c.stack).toBe('SYS3');
    expect(c.reason).toBe('WEIGHTEDACTIVE: SYS3 active (0+1)/20 < SYS2 (0+1)/10');
    const tie = weightedActive([up('SYS2'), up('SYS3', 1)], (s) => (s === 'SYS2' ? 10 : 20));
    expect(tie.stack).toBe('SYS2');
    expect(tie.reason).toMatch(/= SYS3 \(1\+1\)\/20 \(tie: earlier target\)/);
  });

  it('a stack left out of the weights gets the default 10; a not-ready target gets nothing', () => {
    const d = new Distributor({ method: 'weightedactive', weights: { SYS3: 20 } }, ['SYS2', 'SYS3']);
    expect(d.weightOf('SYS2')).toBe(10);
    expect(d.choose([up('SYS2'), down('SYS3')]).stack).toBe('SYS2');
  });
});

describe('BASEWLM and SERVERWLM', () => {
  const wlm = (weight: number, tsr = 100, health = 100, abnorm = 0) => ({ weight, tsr, health, abnorm });

  it('BASEWLM hands out connections in proportion to the system weights, interleaved (smooth weighted round robin)', () => {
    const d = new Distributor({ method: 'basewlm', wlm: { SYS2: wlm(3), SYS3: wlm(1) } }, ['SYS2', 'SYS3']);
    const got = picks(d, [up('SYS2'), up('SYS3')], 8);
    expect(got).toEqual(['SYS2', 'SYS2', 'SYS3', 'SYS2', 'SYS2', 'SYS2', 'SYS3', 'SYS2']);
  });

  it('over any whole cycle each target gets exactly its weight', () => {
    const weights = { SYS2: 5, SYS3: 2, SYS4: 3 };
    const d = new Distributor({ method: 'basewlm', wlm: { SYS2: wlm(5), SYS3: wlm(2), SYS4: wlm(3) } }, ['SYS2', 'SYS3', 'SYS4']);
    for (let cycle = 0; cycle < 4; cycle++) {
      const got = picks(d, [up('SYS2'), up('SYS3'), up('SYS4')], 10);
      for (const [s, w] of Object.entries(weights)) expect(got.filter((x) => x === s).length).toBe(w);
    }
  });

  it('BASEWLM scales by TSR; a weight change applies from the next SYN', () => {
    const d = new Distributor({ method: 'basewlm', wlm: { SYS2: wlm(4, 50), SYS3: wlm(2) } }, ['SYS2', 'SYS3']);
    expect(d.weightOf('SYS2')).toBe(2);
    expect(picks(d, [up('SYS2'), up('SYS3')], 4).filter((s) => s === 'SYS2').length).toBe(2);
    d.updateWlm('SYS3', { weight: 0 });
    expect(picks(d, [up('SYS2'), up('SYS3')], 5)).toEqual(['SYS2', 'SYS2', 'SYS2', 'SYS2', 'SYS2']);
  });

  it('SERVERWLM: weight × TSR% × health% × normal completions, rounded down', () => {
    expect(effectiveWeight('serverwlm', wlm(64, 50, 100, 0))).toBe(32);
    expect(effectiveWeight('serverwlm', wlm(64, 100, 50, 0))).toBe(32);
    expect(effectiveWeight('serverwlm', wlm(40, 100, 100, 250))).toBe(30);
    expect(effectiveWeight('serverwlm', wlm(40, 50, 50, 500))).toBe(5);
    expect(effectiveWeight('basewlm', wlm(40, 50, 50, 500))).toBe(20); // health and abnorm are SERVERWLM's
  });

  it('SERVERWLM: a server at half health gets half the connections of a healthy one with the same weight', () => {
    const d = new Distributor({ method: 'serverwlm', wlm: { SYS2: wlm(8, 100, 50), SYS3: wlm(8) } }, ['SYS2', 'SYS3']);
    const got = picks(d, [up('SYS2'), up('SYS3')], 12);
    expect(got.filter((s) => s === 'SYS2').length).toBe(4);
    expect(got.filter((s) => s === 'SYS3').length).toBe(8);
    expect(d.choose([up('SYS2'), up('SYS3')]).reason).toMatch(/^SERVERWLM: SYS\d has the most credit .* weights SYS2 4, SYS3 8 \(SYS\d: weight 8 × TSR 100% × health (50|100)% × 1000\/1000 normal\)$/);
  });

  it('all weights 0: round robin among the ready targets instead of refusing', () => {
    const d = new Distributor({ method: 'serverwlm', wlm: { SYS2: wlm(8, 0), SYS3: wlm(8, 100, 0) } }, ['SYS2', 'SYS3']);
    const c = d.choose([up('SYS2'), up('SYS3')]);
    expect(c.stack).toBe('SYS2');
    expect(c.reason).toMatch(/every ready target has weight 0; round robin instead/);
    expect(d.choose([up('SYS2'), up('SYS3')]).stack).toBe('SYS3');
  });
});

describe('HOTSTANDBY', () => {
  const config = (autoSwitchback: boolean): DistributionConfig => ({ method: 'hotstandby', preferred: 'SYS2', backups: [{ stack: 'SYS3', rank: 50 }, { stack: 'SYS4', rank: 200 }], autoSwitchback });
  const stacks = ['SYS2', 'SYS3', 'SYS4'];

  it('the preferred target gets every connection while it is ready, whatever its load', () => {
    const d = new Distributor(config(true), stacks);
    expect(picks(d, [up('SYS2', 99), up('SYS3'), up('SYS4')], 3)).toEqual(['SYS2', 'SYS2', 'SYS2']);
    expect(d.activeStandby).toBe('SYS2');
  });

  it('when the preferred fails, the ready backup with the highest rank; then the next rank', () => {
    const d = new Distributor(config(true), stacks);
    d.choose([up('SYS2'), up('SYS3'), up('SYS4')]);
    const c = d.choose([down('SYS2'), up('SYS3'), up('SYS4')]);
    expect(c.stack).toBe('SYS4');
    expect(c.reason).toBe('HOTSTANDBY: preferred SYS2 is not ready; backup SYS4 (rank 200) takes new connections');
    expect(d.choose([down('SYS2'), up('SYS3'), down('SYS4')]).stack).toBe('SYS3');
    expect(d.choose([down('SYS2'), down('SYS3'), down('SYS4')]).stack).toBeNull();
  });

  it('autoswitchback: back to the preferred as soon as it is ready again', () => {
    const d = new Distributor(config(true), stacks);
    d.choose([down('SYS2'), up('SYS3'), up('SYS4')]);
    const c = d.choose([up('SYS2'), up('SYS3'), up('SYS4')]);
    expect(c.stack).toBe('SYS2');
    expect(c.reason).toBe('HOTSTANDBY: preferred SYS2 is ready again: switch back from SYS4');
  });

  it('without autoswitchback the active backup keeps new connections until it fails', () => {
    const d = new Distributor(config(false), stacks);
    d.choose([down('SYS2'), up('SYS3'), up('SYS4')]);
    const kept = d.choose([up('SYS2'), up('SYS3'), up('SYS4')]);
    expect(kept.stack).toBe('SYS4');
    expect(kept.reason).toBe('HOTSTANDBY: backup SYS4 stays active (SYS2 is back, but autoswitchback is off)');
    expect(d.choose([up('SYS2'), up('SYS3'), down('SYS4')]).stack).toBe('SYS2');
  });
});
