// bench-engine.mjs -- `npm run bench`: bundle src/cli/bench.ts and run it in a fresh Node.
//
// Why a bundle: the lab runs the engine as one bundled worker script (Vite/Rollup joins the
// modules into one scope, so a call into another module is a plain call). Run through tsx, each
// module is transformed on its own and every imported function is reached through a getter on
// the module's exports object; in a short (cold) run those getters are ~14% of the CPU profile.
// esbuild's bundle is the closer stand-in for what ships. The simulation is the same code either
// way: the trace hashes do not change.
//
// Usage: node scripts/bench-engine.mjs [bench args...]   (see src/cli/bench.ts)
// Exit code: the bench's own (0 ok, 2 bad input), or 1 if bundling fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'node_modules', '.cache', 'handoff-lab', 'bench.mjs');

async function bundle() {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'src', 'cli', 'bench.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
}

try {
  await bundle();
} catch (error) {
  process.stderr.write(`bench: could not bundle src/cli/bench.ts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
// --expose-gc: the heap-per-connection phase forces collections before and after it measures.
const run = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
