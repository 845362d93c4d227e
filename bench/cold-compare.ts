/**
 * Cold start of several built visitor scripts side by side, in one interleaved run (before →
 * after a change): `npx tsx bench/cold-compare.ts a/index.js b/index.js …` (each an index.js from
 * `wrangler deploy --dry-run --outdir`). Prints one cold-start table per script; writes nothing.
 * Run it under the bench lock on a shared machine. `BENCH_QUICK=1` for 5 rounds instead of 21.
 */
import { coldStartSection } from './report.ts';
import { coldStartOf } from './scale.ts';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: npx tsx bench/cold-compare.ts <index.js> [<index.js> …]');
  process.exit(2);
}
const log = (line: string) => console.error(`[bench] ${line}`);
const results = coldStartOf(scripts, log, process.env.BENCH_QUICK === '1');
results.forEach((c, i) => console.log(`#### ${scripts[i]}\n\n${coldStartSection(c)}\n`));
