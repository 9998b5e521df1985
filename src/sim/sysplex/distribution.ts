/**
 * SYN-time distribution as z/OS Sysplex Distributor ships it
 * (`VIPADISTRIBUTE DISTMETHOD`, see docs/domain.md §1.4): the distributing
 * stack picks a target stack once, on the client's SYN, and never moves the
 * connection afterwards. Each method is a pure choice over the targets' live
 * DPT view (ready or not, active connections) plus a little state of its own
 * (a round-robin pointer, smooth-weighted-round-robin credits, the hot-standby
 * active target), so a test can check it against its definition on fixed input.
 *
 * Lab assumptions, where IBM does not say how:
 * - ROUNDROBIN and the weight methods walk targets in DESTIP order (the order
 *   of the scenario's target apps); every tie goes to the earliest target.
 * - BASEWLM and SERVERWLM hand out connections in proportion to the weights
 *   with smooth weighted round robin (as nginx does): over any run of
 *   sum-of-weights SYNs each target gets exactly its weight, interleaved.
 *   IBM documents the proportion, not the order within a cycle.
 * - When every ready target's weight is 0, the weight methods fall back to
 *   round robin among the ready targets rather than refuse the connection.
 */

/** The methods the lab models; 'patent-handoff' (the default) is not SYN-time distribution. */
export type SynMethod = 'roundrobin' | 'weightedactive' | 'basewlm' | 'serverwlm' | 'hotstandby';

/** WLM inputs of one target stack that a scenario may change over time. */
export interface WlmInputs {
  /** WLM weight: system weight (BASEWLM) or server-specific weight (SERVERWLM). */
  readonly weight: number;
  /** Target server responsiveness, 0–100 (100 = every SYN forwarded is accepted at once). */
  readonly tsr: number;
  /** Server health reported to WLM, 0–100 (SERVERWLM only). */
  readonly health: number;
  /** Abnormal completions per 1000 (SERVERWLM only). */
  readonly abnorm: number;
}

/** A distribution method with its configuration, keyed by target stack name (as DESTIP names stacks). */
export type DistributionConfig =
  | { readonly method: 'roundrobin' }
  | { readonly method: 'weightedactive'; readonly weights: Readonly<Record<string, number>> }
  | { readonly method: 'basewlm' | 'serverwlm'; readonly wlm: Readonly<Record<string, WlmInputs>> }
  | { readonly method: 'hotstandby'; readonly preferred: string; readonly backups: readonly { readonly stack: string; readonly rank: number }[]; readonly autoSwitchback: boolean };

/** What the distributor knows about a target stack at SYN time (its VDPT row). */
export interface TargetView {
  readonly stack: string;
  /** Rdy > 0 and the stack is still a member of the sysplex group. */
  readonly ready: boolean;
  readonly activeConn: number;
}

/** A choice and why, in words the UI can narrate. */
export interface Choice {
  /** The chosen stack, or null when no target is ready. */
  readonly stack: string | null;
  /** IBM's name of the method, upper case. */
  readonly method: string;
  readonly reason: string;
}

/** Default WEIGHTEDACTIVE weight of a target the scenario names no weight for (IBM's documented default WEIGHT is 10 — unverified). */
export const DEFAULT_ACTIVE_WEIGHT = 10;

/** WLM inputs of a target the scenario says nothing about: equal weights, fully responsive and healthy. */
export const DEFAULT_WLM: WlmInputs = { weight: 1, tsr: 100, health: 100, abnorm: 0 };

/**
 * SERVERWLM's effective weight: the server-specific weight scaled by TSR%,
 * health% and the share of normal completions; BASEWLM uses TSR only.
 * Integer arithmetic, rounded down, so a test can state the exact value.
 */
export function effectiveWeight(method: 'basewlm' | 'serverwlm', w: WlmInputs): number {
  if (method === 'basewlm') return Math.floor((w.weight * w.tsr) / 100);
  return Math.floor((w.weight * w.tsr * w.health * (1000 - w.abnorm)) / 10_000_000);
}

/** IBM's upper-case name of a method, as `Netstat VDPT` flags and the trace show it. */
export function methodName(m: SynMethod): string {
  return m.toUpperCase();
}

/** The SYN-time distributor of one distributed DVIPA port: the method and its running state. */
export class Distributor {
  private roundRobinNext = 0;
  private readonly credits = new Map<string, number>();
  private hotActive: string | null = null;
  private readonly wlm = new Map<string, WlmInputs>();

  constructor(
    readonly config: DistributionConfig,
    /** Target stacks in DESTIP order. */
    readonly stacks: readonly string[],
  ) {
    if (config.method === 'basewlm' || config.method === 'serverwlm') for (const s of stacks) this.wlm.set(s, config.wlm[s] ?? DEFAULT_WLM);
  }

  /** Current WLM inputs of a stack (weight methods). */
  wlmOf(stack: string): WlmInputs {
    return this.wlm.get(stack) ?? DEFAULT_WLM;
  }

  /** WLM changed a stack's inputs (a scenario's timed change). */
  updateWlm(stack: string, change: Partial<WlmInputs>): void {
    this.wlm.set(stack, { ...this.wlmOf(stack), ...change });
  }

  /** The weight a VDPT row shows for a stack (WLM: column), or null for ROUNDROBIN and HOTSTANDBY. */
  weightOf(stack: string): number | null {
    const c = this.config;
    if (c.method === 'weightedactive') return c.weights[stack] ?? DEFAULT_ACTIVE_WEIGHT;
    if (c.method === 'basewlm' || c.method === 'serverwlm') return effectiveWeight(c.method, this.wlmOf(stack));
    return null;
  }

  /** The stack HOTSTANDBY currently sends new connections to (Flg: Active), if any. */
  get activeStandby(): string | null {
    return this.hotActive;
  }

  /** Choose the target for one SYN, given the targets' views in DESTIP order. */
  choose(views: readonly TargetView[]): Choice {
    const c = this.config;
    const ready = views.filter((v) => v.ready);
    const method = methodName(c.method);
    if (ready.length === 0) return { stack: null, method, reason: `${method}: no target has a ready listener (Rdy 0 everywhere)` };
    if (c.method === 'roundrobin') return this.roundRobin(views, method);
    if (c.method === 'weightedactive') return weightedActive(ready, (s) => c.weights[s] ?? DEFAULT_ACTIVE_WEIGHT);
    if (c.method === 'hotstandby') return this.hotStandby(c, ready);
    return this.smoothWeighted(c.method, views);
  }

  /** ROUNDROBIN: the next ready target in DESTIP order after the last one chosen. */
  private roundRobin(views: readonly TargetView[], method: string): Choice {
    const n = views.length;
    const skipped: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = (this.roundRobinNext + k) % n;
      const v = views[i];
      if (!v) continue;
      if (!v.ready) {
        skipped.push(v.stack);
        continue;
      }
      this.roundRobinNext = (i + 1) % n;
      return { stack: v.stack, method, reason: `${method}: ${v.stack} is next in turn${skipped.length > 0 ? ` (${skipped.join(', ')} not ready, skipped)` : ''}` };
    }
    return { stack: null, method, reason: `${method}: no ready target` };
  }

  /** BASEWLM / SERVERWLM: smooth weighted round robin over the effective weights of the ready targets. */
  private smoothWeighted(m: 'basewlm' | 'serverwlm', views: readonly TargetView[]): Choice {
    const method = methodName(m);
    const ready = views.filter((v) => v.ready);
    const weights = ready.map((v) => ({ stack: v.stack, weight: effectiveWeight(m, this.wlmOf(v.stack)) }));
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    const listed = weights.map((w) => `${w.stack} ${w.weight}`).join(', ');
    if (total === 0) {
      const rr = this.roundRobin(views, method);
      return { ...rr, reason: `${method}: every ready target has weight 0; round robin instead — ${rr.reason.slice(method.length + 2)}` };
    }
    let best: { stack: string; credit: number } | null = null;
    for (const w of weights) {
      const credit = (this.credits.get(w.stack) ?? 0) + w.weight;
      this.credits.set(w.stack, credit);
      if (best === null || credit > best.credit) best = { stack: w.stack, credit };
    }
    if (best === null) return { stack: null, method, reason: `${method}: no ready target` };
    this.credits.set(best.stack, best.credit - total);
    return { stack: best.stack, method, reason: `${method}: ${best.stack} has the most credit (${best.credit} of ${total}); weights ${listed}${m === 'serverwlm' ? ` (${this.serverFactors(best.stack)})` : ''}` };
  }

  private serverFactors(stack: string): string {
    const w = this.wlmOf(stack);
    return `${stack}: weight ${w.weight} × TSR ${w.tsr}% × health ${w.health}% × ${1000 - w.abnorm}/1000 normal`;
  }

  /**
   * HOTSTANDBY: every new connection to the preferred target while it is
   * ready; otherwise to the ready backup with the highest rank. With
   * autoswitchback the preferred target wins back as soon as it is ready
   * again; without, the active backup keeps new connections until it fails.
   */
  private hotStandby(c: Extract<DistributionConfig, { method: 'hotstandby' }>, ready: readonly TargetView[]): Choice {
    const isReady = (s: string): boolean => ready.some((v) => v.stack === s);
    const ranked = [...c.backups].sort((a, b) => b.rank - a.rank);
    const previous = this.hotActive;
    const keep = previous !== null && isReady(previous) && (!c.autoSwitchback || previous === c.preferred || !isReady(c.preferred));
    const backup = ranked.find((b) => isReady(b.stack));
    const next = keep ? previous : isReady(c.preferred) ? c.preferred : (backup?.stack ?? null);
    this.hotActive = next;
    const why = next === null ? 'neither the preferred target nor any backup is ready'
      : keep && next !== c.preferred ? `backup ${next} stays active${isReady(c.preferred) ? ` (${c.preferred} is back, but autoswitchback is off)` : ''}`
      : next === c.preferred ? (previous !== null && previous !== next ? `preferred ${next} is ready again: switch back from ${previous}` : `preferred ${next} is ready`)
      : `preferred ${c.preferred} is not ready; backup ${next} (rank ${backup?.rank ?? '?'}) takes new connections`;
    return { stack: next, method: 'HOTSTANDBY', reason: `HOTSTANDBY: ${why}` };
  }
}

/**
 * WEIGHTEDACTIVE: the ready target that minimises (ActiveConn + 1) / weight —
 * the one that stays furthest below its share after taking this connection —
 * compared by cross-multiplication so no fractions are involved; a tie goes to
 * the earliest target in DESTIP order.
 */
export function weightedActive(ready: readonly TargetView[], weightOf: (stack: string) => number): Choice {
  const ratio = (v: TargetView): string => `(${v.activeConn}+1)/${weightOf(v.stack)}`;
  let best: TargetView | null = null;
  for (const v of ready) if (best === null || (v.activeConn + 1) * weightOf(best.stack) < (best.activeConn + 1) * weightOf(v.stack)) best = v;
  if (best === null) return { stack: null, method: 'WEIGHTEDACTIVE', reason: 'WEIGHTEDACTIVE: no ready target' };
  const chosen = best;
  const others = ready.filter((v) => v !== chosen).map((v) => {
    const tie = (v.activeConn + 1) * weightOf(chosen.stack) === (chosen.activeConn + 1) * weightOf(v.stack);
    return `${tie ? '=' : '<'} ${v.stack} ${ratio(v)}${tie ? ' (tie: earlier target)' : ''}`;
  });
  return { stack: chosen.stack, method: 'WEIGHTEDACTIVE', reason: `WEIGHTEDACTIVE: ${chosen.stack} active ${ratio(chosen)} ${others.join(', ')}`.trimEnd() };
}
