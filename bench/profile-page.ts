/**
 * Profiling helper: the pure page path in a tight loop, for `node --cpu-prof`. Build it the way
 * the micro-benchmarks run (esbuild, no keepNames wrappers; see node-build.ts), then profile:
 *   npx esbuild bench/profile-page.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=node_modules/.cache/tessera-bench/profile-page.mjs
 *   node --cpu-prof node_modules/.cache/tessera-bench/profile-page.mjs [known|worst|experiment|page] [n]
 */
import { decideAndRender, wholePage } from './pipeline.ts';
import { visits } from './visits.ts';
import { buildBundle, STANDARD } from './workload.ts';

const [which = 'known', n = '200000'] = process.argv.slice(2);
const v = visits(await buildBundle(STANDARD));
const visit = which === 'worst' ? v.worst : which === 'experiment' ? v.inExperiment() : v.known;
const run = which === 'page' ? () => wholePage(v.known) : () => decideAndRender(visit);
const t = performance.now();
for (let i = 0; i < Number(n); i++) run();
console.log(`${which}: ${(((performance.now() - t) / Number(n)) * 1000).toFixed(2)} µs/op`);
