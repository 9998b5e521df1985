/**
 * `npm run swarm -- [--seeds N] [--start S] [--sysplex]`: run swarm cases S..S+N−1 (TCP, or whole sysplex scenarios) and
 * report each failure with the command that replays it.
 */
import { parseArgs } from 'node:util';
import { runSwarm } from '../scenarios/swarm';
import { runSysplexSwarm } from '../scenarios/sysplex-swarm';

const { values } = parseArgs({ args: process.argv.slice(2), options: { seeds: { type: 'string', default: '1000' }, start: { type: 'string', default: '1' }, sysplex: { type: 'boolean', default: false } } });
const seeds = Number(values.seeds);
const start = Number(values.start);
if (!Number.isSafeInteger(seeds) || seeds < 1 || !Number.isSafeInteger(start) || start < 0 || start + seeds > 0x1_0000_0000) {
  process.stderr.write('swarm: --seeds and --start must be non-negative integers (seeds ≥ 1, seeds below 2^32)\n');
  process.exit(2);
}
let failures = 0;
for (let seed = start; seed < start + seeds; seed++) {
  const run = values.sysplex ? runSysplexSwarm(seed) : runSwarm(seed);
  const failed = run.expectations.filter((e) => !e.ok);
  if (failed.length > 0) {
    failures++;
    process.stdout.write(`seed ${seed} FAILED: ${failed.map((e) => `${e.name} (${e.detail})`).join('; ')}\n  reproduce: npm run sim -- ${values.sysplex ? 'sysplex-swarm' : 'swarm'} --seed ${seed}\n`);
  }
}
process.stdout.write(`${seeds - failures} passed, ${failures} failed\n`);
process.exitCode = failures > 0 ? 1 : 0;
