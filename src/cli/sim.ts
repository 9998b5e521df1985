/**
 * `npm run sim -- <scenario> [--seed N] [--pcap FILE] [--pcap-dir DIR] [--trace FILE] [--json] [--list]`
 * `npm run sim -- compare [--seed N] [--clients N] [--json]` (src/cli/compare.ts)
 *
 * Runs a scenario headless: a built-in id, a path to a JSON scenario file, or
 * a share link from the lab (a URL or fragment with `#v1.…`, or an older
 * `?scenario=…` link); quote a link for the shell. `--seed` overrides the
 * link's or file's seed.
 * Exit codes: 0 ok, 1 an expectation or invariant failed, 2 bad input (with a
 * one-line error on stderr).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { captureRecords, capturePoints } from '../sim/net/capture';
import { writePcap } from '../sim/wire/pcap';
import { loadBuiltIn, loadScenarioText, parseSeed, type LoadResult } from '../scenarios/load';
import { BUILT_IN_SCENARIOS } from '../scenarios/registry';
import { summarize } from '../scenarios/summary';
import { compareCommand } from './compare';
import { loadShare, looksLikeShareLink } from '../share';

class BadInput extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        seed: { type: 'string' },
        clients: { type: 'string' },
        pcap: { type: 'string' },
        'pcap-dir': { type: 'string' },
        trace: { type: 'string' },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new BadInput((e as Error).message);
  }
}

async function load(target: string, seedArg: string | undefined): Promise<LoadResult> {
  const seed = seedArg === undefined ? undefined : parseSeed(seedArg, '--seed');
  if (seed && !seed.ok) return seed;
  // Before the file check: a link contains "/" too.
  if (looksLikeShareLink(target)) return loadShare(target, seed?.seed);
  const looksLikeFile = target.endsWith('.json') || target.includes('/') || existsSync(target);
  if (!looksLikeFile) return loadBuiltIn(target, seed?.seed ?? 1);
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read scenario file ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return loadScenarioText(text, seed?.seed);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write('usage: npm run sim -- <scenario-id | file.json | share-link> [--seed N] [--pcap FILE] [--pcap-dir DIR] [--trace FILE] [--json] [--list]\n       npm run sim -- compare [--seed N] [--clients N] [--json]\n');
    return 0;
  }
  if (values.list) {
    for (const s of BUILT_IN_SCENARIOS) process.stdout.write(`${s.id.padEnd(20)} ${s.description}\n`);
    process.stdout.write(`${'compare'.padEnd(20)} One workload run three ways — the patent’s handoff, an L7 proxy, SYN-time ROUNDROBIN — and what each cost (compare [--clients N] [--json]).\n`);
    return 0;
  }
  const target = positionals[0];
  if (!target) throw new BadInput('no scenario given (npm run sim -- --list shows the built-in ones)');
  if (positionals.length > 1) throw new BadInput(`unexpected argument '${positionals[1]}'`);
  if (target === 'compare') return compare(values);
  if (values.clients !== undefined) throw new BadInput('--clients applies to compare only');
  const loaded = await load(target, values.seed);
  if (!loaded.ok) throw new BadInput(loaded.error);
  const { scenario, params, seed } = loaded.value;
  const run = scenario.run(params as never, seed);
  const summary = summarize(scenario.id, seed, run);
  writeOutputs(run.sim, run.clientCapture, values);
  if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printHuman(summary);
  if (!summary.ok) {
    process.stderr.write(`expectation failed; reproduce with: npm run sim -- ${shellWord(target)} --seed ${seed}\n`);
    return 1;
  }
  return 0;
}

/** The comparison of handoff, proxy and SYN-time distribution (src/cli/compare.ts). */
function compare(values: { seed?: string | undefined; clients?: string | undefined; json: boolean }): number {
  const r = compareCommand(values);
  if (!r.ok) throw new BadInput(r.error);
  process.stdout.write(r.output);
  return r.code;
}

function writeOutputs(sim: Parameters<typeof capturePoints>[0] extends infer T ? { trace: T } : never, clientCapture: `${string}/${string}`, values: { pcap?: string | undefined; 'pcap-dir'?: string | undefined; trace?: string | undefined }): void {
  const trace = sim.trace;
  if (values.pcap) writeFileSync(values.pcap, writePcap(captureRecords(trace, clientCapture)));
  const dir = values['pcap-dir'];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const point of capturePoints(trace)) writeFileSync(join(dir, `${point.replace('/', '-')}.pcap`), writePcap(captureRecords(trace, point)));
  }
  if (values.trace) writeFileSync(values.trace, trace.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** The argument as the shell needs it: links hold `#`, `?` and `&`. */
function shellWord(text: string): string {
  return /^[\w./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function printHuman(s: ReturnType<typeof summarize>): void {
  const lines = [`${s.scenario} seed=${s.seed} hash=${s.traceHash} events=${s.events} packets=${s.packets} simTime=${(s.simTimeUs / 1e6).toFixed(6)}s`];
  for (const c of s.connections) lines.push(`  ${c.role} ${c.name} ${c.finalState}${c.closeReason ? ` (${c.closeReason})` : ''} sent=${c.appBytesSent} received=${c.appBytesReceived} segments=${c.segmentsSent} retransmissions=${c.retransmissions}`);
  for (const [name, e] of Object.entries(s.expectations)) lines.push(`  ${e.ok ? 'ok  ' : 'FAIL'} ${name}: ${e.detail}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof BadInput) {
    process.stderr.write(`sim: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
