/**
 * `scale-1000`: the patent's handoff at scale, for the lab's scale view. A
 * thousand HTTP clients log in, get a welcome page from the routing app, and
 * each deciding request moves its connection to a target (half to WEB3 on
 * SYS3, half to WEB2 on SYS2 by the fallback).
 *
 * Sizing: over a 20 ms client link a dialogue lives ≈ 210 ms, and clients
 * start 700 µs apart, so ≈ 300 connections are live at the peak. The run stops
 * at 1 s of simulated time, after every client has closed (its side is in
 * TIME-WAIT) but before the 60 s TIME-WAIT timers, which would stretch the
 * timeline sixty-fold for two thousand events nobody needs to watch. That is
 * ≈ 150k trace events, 5–8 s of simulation in Node on the shared 2-core box.
 */
import { parseSysplexParams, type SysplexParamsInput } from './sysplex-params';
import { invariantsHold, runSysplex, transferPhases, type SysplexRun } from './sysplex-scenarios';
import type { Expectation, ScenarioDefinition } from './types';
import type { SysplexParams } from './sysplex-params';

/** Clients of the default run. */
export const SCALE_CLIENTS = 1_000;

const OVERRIDES: SysplexParamsInput = {
  clients: SCALE_CLIENTS,
  followUps: 0,
  clientSpacingUs: 700,
  clientLink: { delayUs: 20_000 },
  decidingValues: ['/orders/42', '/catalog/7'],
  horizonUs: 1_000_000,
};

/**
 * Every client got its three replies, the last from the target the policy picked, and closed its side.
 * (A client is "closing", not "done", until TIME-WAIT ends, after the horizon.)
 */
function clientsServed(r: SysplexRun): Expectation {
  const bad = r.sysplex.clients.flatMap((c, i) => {
    const last = c.replies.at(-1)?.text ?? '';
    const served = c.replies.length === 3 && (last.includes('WEB3') || last.includes('WEB2'));
    return served && (c.state === 'closing' || c.state === 'done') ? [] : [`client${i + 1}: ${c.state}, ${c.replies.length} replies`];
  });
  return { name: 'every client was served by a target and closed', ok: bad.length === 0, detail: bad.length === 0 ? `${r.sysplex.clients.length} clients` : bad.slice(0, 3).join('; ') };
}

function checks(r: SysplexRun): Expectation[] {
  const committed = transferPhases(r, 'committed');
  return [
    clientsServed(r),
    ...invariantsHold(r),
    { name: 'every connection was handed off once', ok: committed === r.sysplex.clients.length, detail: `${committed} transfers committed` },
  ];
}

function parse(input: unknown): ReturnType<typeof parseSysplexParams> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, error: '(top level): expected an object of parameter overrides' };
  return parseSysplexParams({ ...OVERRIDES, ...input });
}

const defaults = parse({});
if (!defaults.ok) throw new Error(`built-in scenario scale-1000 has bad defaults: ${defaults.error}`);

/** The scale scenario (claims: the handoff's, as http-transfer shows them, a thousand times over). */
export const scale1000: ScenarioDefinition<SysplexParams> = {
  id: 'scale-1000',
  title: '1,000 clients',
  description: 'A thousand clients 0.7 ms apart over a 20 ms link (≈ 300 connections live at once), each handed off to WEB2 or WEB3: the scale view.',
  claims: [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 15, 18, 19, 20, 21, 23, 24, 25, 26, 27],
  defaults: defaults.params,
  parse,
  run: (params, seed) => runSysplex(params, seed, checks),
};
