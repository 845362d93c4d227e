/**
 * Profiling helper: a CPU profile of the first request after a publish, taken inside workerd
 * through its inspector (the DevTools protocol), for the bundle-scaling budget (issue 18).
 *
 *   npx tsx bench/profile-publish.ts [100 KB|1 MB|10 MB] [reps] [path/to/built/index.js]
 *
 * Builds the visitor worker as a deploy would (or takes a script built before, to compare), serves a seeded bundle of that size, warms the
 * isolate, then `reps` times: publishes a new version, waits out the pointer's TTL, and profiles
 * the one request that loads it. Prints the request's time and the functions with the most self
 * time (sampled every 100 µs; the profiler's own cost inflates every figure). Minified names are
 * printed with their position in the built script, whose path is printed first.
 */
import { bundleVersion } from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { buildWorker } from './build.ts';
import { workerProfiler, type CpuProfile } from './inspector.ts';
import { SCALES, scaledBundle } from './scaled-bundle.ts';
import { publish, startWorker } from './server.ts';

const [sizeName = '1 MB', repsArg = '3', prebuilt] = process.argv.slice(2);
const shape = SCALES.find((s) => s.name === sizeName);
if (!shape) throw new Error(`size must be one of: ${SCALES.map((s) => s.name).join(', ')}`);
const reps = Math.min(10, Math.max(1, Number(repsArg) || 3));
const INSPECTOR_PORT = 20000 + Math.floor(Math.random() * 40000);
process.env.BENCH_INSPECT = String(INSPECTOR_PORT);
/** wrangler.toml's POINTER_TTL_MS, plus a margin. */
const AFTER_TTL_MS = 5300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function timedGet(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return performance.now() - t;
}

function selfTimes(profile: CpuProfile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((sample, i) => {
    const f = byId.get(sample)!.callFrame;
    const where = f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}` : '';
    const key = `${f.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

const script = prebuilt ?? buildWorker().script;
console.log(`built script: ${script}`);
const { mf, running } = await startWorker(script);
try {
  const bundle = await scaledBundle(shape);
  await publish(mf, bundle);
  const url = `${running.url}/p/1`;
  for (let i = 0; i < 10; i++) await timedGet(url);
  const cdp = await workerProfiler(INSPECTOR_PORT);
  const { version: _, ...body } = bundle;
  for (let rep = 0; rep < reps; rep++) {
    const nextBody = {
      ...body,
      site: { ...body.site, name: `${body.site.name} (profile ${rep})` },
    };
    const next: Bundle = { ...nextBody, version: await bundleVersion(nextBody) };
    await sleep(AFTER_TTL_MS);
    await publish(mf, next);
    await sleep(AFTER_TTL_MS);
    await cdp.start();
    const ms = await timedGet(url);
    const profile = await cdp.stop();
    const top = selfTimes(profile);
    const total = top.reduce((sum, [, t]) => sum + t, 0);
    console.log(
      `\n${shape.name}, publish ${rep + 1}/${reps}: request ${ms.toFixed(1)} ms, profile ${total.toFixed(1)} ms`,
    );
    for (const [name, t] of top.slice(0, 12))
      console.log(`${t.toFixed(2).padStart(8)} ms  ${name}`);
  }
  cdp.close();
} finally {
  await running.dispose();
}
