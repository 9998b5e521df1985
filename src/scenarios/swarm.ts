/**
 * The swarm scenario: everything about the run is drawn from the seed — TCP
 * profile, faults on each direction of each link (loss, duplication,
 * reordering, jitter), sizes, buffer sizes, reading pauses, Nagle and delayed
 * ACK, and who closes when. Faults are on for the first 20 s and then healed
 * (TigerBeetle's safety-then-liveness phases), so every run must finish with
 * both byte streams delivered exactly once, in order, and both connections
 * closed — or, if a side gave up while faults raged, with a recorded reason and
 * no wrong byte delivered. `npm run sim -- swarm --seed N` replays seed N.
 */
import { Prng } from '../sim/core/prng';
import { seconds } from '../sim/core/time';
import { NO_FAULTS, type LinkFaults } from '../sim/net/link';
import * as v from 'valibot';
import { parseWith, type TcpScenarioParams } from './params';
import { requestResponse } from './tcp-scenarios';
import type { CloseOrder } from './apps/request-response';
import type { Expectation, ScenarioDefinition, ScenarioRun } from './types';
import { runExchangeWith, type ExchangeResult } from './tcp-scenarios';

/** Faults are healed at this time. */
export const HEAL_AT_US = seconds(20);
/** 'together' closes this late, when even a backed-off exchange has finished after the heal. */
export const CLOSE_TOGETHER_AT_US = seconds(300);

/** A fault mix drawn from the stream: each kind present about half the time. */
function drawFaults(r: Prng): LinkFaults {
  const pick = (max: number): number => (r.chancePerMille(500) ? r.between(0, max) : 0);
  return { ...NO_FAULTS, lossPerMille: pick(150), duplicatePerMille: pick(80), reorderPerMille: pick(150), reorderDelayUs: r.between(0, 5_000), jitterUs: pick(3_000) };
}

/** Everything the seed decides. */
export interface SwarmDraw {
  readonly params: TcpScenarioParams;
  readonly closeOrder: CloseOrder;
  readonly faults: readonly [LinkFaults, LinkFaults, LinkFaults, LinkFaults];
}

/** Draw a swarm case from a seed (its own stream, so the run's streams stay untouched). */
export function drawSwarm(seed: number): SwarmDraw {
  const r = new Prng(seed).child('swarm-case');
  const orders: CloseOrder[] = ['client-first', 'server-first', 'together', 'client-half-close'];
  const params: TcpScenarioParams = {
    ...requestResponse.defaults,
    profile: r.chancePerMille(500) ? 'linux' : 'rfc',
    requestBytes: r.between(1, 30_000),
    responseBytes: r.between(0, 150_000),
    clientReceiveBufferBytes: r.chancePerMille(300) ? r.between(2_048, 16_384) : 131_072,
    clientReadPauseUs: r.chancePerMille(300) ? r.between(0, 3_000_000) : 0,
    nagle: r.chancePerMille(700),
    delayedAck: r.chancePerMille(700),
    horizonUs: seconds(1_000),
  };
  const closeOrder = orders[r.below(orders.length)] ?? 'client-first';
  return { params, closeOrder, faults: [drawFaults(r), drawFaults(r), drawFaults(r), drawFaults(r)] };
}

/** Run one swarm case and check it. */
export function runSwarm(seed: number): ScenarioRun {
  const draw = drawSwarm(seed);
  return runExchangeWith(draw.params, seed, { closeOrder: draw.closeOrder, faults: draw.faults, healAtUs: HEAL_AT_US, closeAtUs: CLOSE_TOGETHER_AT_US }, (r) => swarmChecks(r, draw));
}

function swarmChecks(r: ExchangeResult, draw: SwarmDraw): Expectation[] {
  const run = r.run;
  const illegal = run.sim.trace.events.filter((e) => e.kind === 'tcp' && e.what === 'illegal-transition').length;
  const out: Expectation[] = [{ name: 'no illegal state transition', ok: illegal === 0, detail: `${illegal}` }];
  for (const c of run.connections) {
    const state = c.connection.tcb.state;
    const reason = c.connection.closeReason;
    const ended = state === 'CLOSED' || state === 'TIME-WAIT';
    const explained = reason === 'timeout' || reason === 'reset';
    out.push({ name: `${c.role} ended CLOSED or TIME-WAIT, or with a recorded reason`, ok: ended, detail: `${state}${reason ? ` (${reason})` : ''}` });
    const expected = c.role === 'client' ? draw.params.responseBytes : draw.params.requestBytes;
    const log = c.role === 'client' ? r.clientLog : r.serverLog;
    out.push({
      name: `${c.role} app got the peer's bytes exactly once, in order`,
      ok: log.mismatches === 0 && (log.received === expected || (explained && log.received < expected)),
      detail: `${log.received}/${expected} bytes, ${log.mismatches} wrong${explained ? `, ${reason}` : ''}`,
    });
  }
  return out;
}

/** The swarm as a built-in scenario: no parameters, the seed decides everything. */
export const swarmScenario: ScenarioDefinition<Record<string, never>> = {
  id: 'swarm',
  title: 'Swarm case',
  description: 'Random faults, sizes, buffers, pauses and close order drawn from the seed; faults heal at 20 s.',
  claims: [],
  defaults: {},
  parse: (input) => parseWith(v.strictObject({}), input),
  run: (_params, seed) => runSwarm(seed),
};
