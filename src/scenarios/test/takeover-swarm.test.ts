// The takeover swarm: 400 seeds, each a sysplex with a backup stack whose
// routing stack crashes at a random moment (sometimes a target stack too,
// sometimes the routing stack comes back for a takeback), with faults on every
// link. No connection may be lost unless the stack that held it crashed and
// the trace says so; the invariants hold for every other connection. A failure
// prints the command that replays it.
import { describe, expect, it } from 'vitest';
import { declaredLosses } from '../../sim/checkers/losses';
import { formatIpv4Address } from '../../sim/wire/ipv4-address';
import { drawTakeoverSwarm, runTakeoverSwarm } from '../takeover-swarm';

const SEEDS = 400;

describe('takeover swarm', () => {
  it(`loses only connections of crashed stacks, and says so, over ${SEEDS} seeds`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const failed = runTakeoverSwarm(seed).expectations.filter((e) => !e.ok);
      if (failed.length > 0) failures.push(`seed ${seed}: ${failed.map((e) => `${e.name} (${e.detail})`).join('; ')} — reproduce: npm run sim -- takeover-swarm --seed ${seed}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('draws takeovers at varied moments, with takebacks, target crashes and SYN-time runs among them', () => {
    const draws = Array.from({ length: 200 }, (_, i) => drawTakeoverSwarm(i + 1));
    const crashTimes = new Set(draws.map((d) => d.crash?.atUs));
    expect(draws.every((d) => d.crash?.stack === 'SYS1' && d.backup?.stack === 'SYS2')).toBe(true);
    expect(crashTimes.size).toBeGreaterThan(150);
    expect(draws.filter((d) => d.restart !== undefined).length).toBeGreaterThan(40);
    expect(draws.filter((d) => (d.crashes ?? []).length > 0).length).toBeGreaterThan(20);
    expect(draws.filter((d) => d.distribution !== undefined).length).toBeGreaterThan(40);
    expect(new Set(draws.map((d) => d.routerConvergenceUs)).size).toBeGreaterThan(150);
  });

  it('is not vacuous: connections are lost with the crashed stacks and others survive the takeover through the backup', () => {
    let lost = 0;
    let rebuilt = 0;
    let survivors = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = runTakeoverSwarm(seed);
      lost += declaredLosses(r.sim.trace).byConn.size;
      const rows = r.sim.trace.events.flatMap((e) => (e.kind === 'crt' && e.node === 'SYS2' && (e.reason ?? '').startsWith('takeover:') ? [e] : []));
      rebuilt += rows.length;
      // A client done after the crash whose row the backup rebuilt kept its connection through the takeover.
      const doneSources = new Set(r.sysplex.clients.flatMap((c) => (c.state === 'done' && c.connection ? [`${formatIpv4Address(c.connection.tcb.localAddress)}:${c.connection.tcb.localPort}`] : [])));
      survivors += rows.filter((row) => doneSources.has(row.source)).length;
    }
    expect(lost).toBeGreaterThan(20);
    expect(rebuilt).toBeGreaterThan(20);
    expect(survivors).toBeGreaterThan(10);
  });
});
