// Fails when the JavaScript a first visit loads (the scripts dist/index.html
// references, and their static imports) exceeds the cap, gzip-compressed.
// Run after `npm run build`; `npm test` runs it after the browser tests built the app.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';

const CAP_BYTES = 170 * 1024;
const dist = 'dist';
const html = join(dist, 'index.html');
if (!existsSync(html)) {
  console.error('check-bundle: dist/index.html is missing; run `npm run build` first');
  process.exit(1);
}
const seen = new Set();
const queue = [...readFileSync(html, 'utf8').matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => join(dist, m[1]));
let total = 0;
while (queue.length > 0) {
  const file = queue.shift();
  if (seen.has(file) || !existsSync(file)) continue;
  seen.add(file);
  const code = readFileSync(file);
  total += gzipSync(code, { level: 9 }).length;
  // Static imports of other chunks load on first visit too; dynamic import() chunks do not.
  for (const m of code.toString('utf8').matchAll(/(?:^|[;\n])\s*import\s*(?:[^'"]*?from\s*)?["'](\.\/[^"']+\.js)["']/g)) queue.push(join(dirname(file), m[1]));
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`first-load JS: ${kb(total)} KB gzip in ${seen.size} file(s); cap ${kb(CAP_BYTES)} KB`);
// Workers the first-load code starts at once (the simulation worker) load in parallel with the first
// paint and are not part of the cap, like dynamic imports; say how large they are all the same.
const workers = new Set();
for (const file of seen) for (const m of readFileSync(file, 'utf8').matchAll(/new Worker\((?:new URL\()+[`"'](?:\.\/)?([^`"']+\.js)[`"']/g)) workers.add(join(dist, 'assets', m[1]));
for (const w of workers) if (existsSync(w)) console.log(`  plus a worker started at load: ${w} ${kb(gzipSync(readFileSync(w), { level: 9 }).length)} KB gzip (not in the cap)`);
if (total > CAP_BYTES) {
  console.error(`check-bundle: first-load JavaScript is ${kb(total)} KB gzip, over the ${kb(CAP_BYTES)} KB cap`);
  process.exit(1);
}
