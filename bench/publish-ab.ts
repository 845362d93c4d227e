/**
 * Before → after, in one run: the first request after a publish in a warm isolate (issue 18's
 * "≤ 20 ms of worker time" for a 1 MB bundle), for two or more built visitor scripts side by side.
 *
 *   npx tsx bench/publish-ab.ts [size] [reps] label=path/to/index.js label=path/to/index.js …
 *   npx tsx bench/publish-ab.ts "1 MB" 5 before=/tmp/a/index.js after=current
 *
 * `current` builds this worktree as a deploy would (bench/build.ts). Every script gets a workerd
 * of its own, all running at once; each round waits out the pointer's TTL once for all of them,
 * then times, script by script (the order rotating each round, so a neighbour hits each alike):
 * the first request after the TTL with nothing new (re-reads the pointer), then — after a new
 * version of the same size is published to each and the TTL passes again — the first request that
 * loads it. The bundle's KV read alone is timed through a second worker in each workerd; what is
 * left, new version − same version − KV read, is the worker's own time for a new version, by
 * difference (medians over the rounds), as bench/scale.ts reports it.
 *
 * `BENCH_POINTER_TTL_MS=0` (passed to the workers): no waiting — every request re-reads the
 * pointer, so a round is a publish, a short pause, the request that loads the new version and one
 * more for the same version; many more rounds fit in a minute, so the medians are steadier. The
 * work timed is the same: new version − same version − KV read.
 */
import { bundleVersion } from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { contentKeys } from '../shared/kv-keys.ts';
import { buildWorker } from './build.ts';
import { pointerTtlMs } from './scale.ts';
import { SCALES, scaledBundle } from './scaled-bundle.ts';
import { publish, startWorker } from './server.ts';

const [sizeName = '1 MB', repsArg = '5', ...scriptArgs] = process.argv.slice(2);
const shape = SCALES.find((s) => s.name === sizeName);
if (!shape) throw new Error(`size must be one of: ${SCALES.map((s) => s.name).join(', ')}`);
const reps = Math.min(60, Math.max(1, Number(repsArg) || 5));
if (scriptArgs.length === 0) throw new Error('give at least one label=path/to/index.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function timedGet(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t;
}

const scripts = scriptArgs.map((arg) => {
  const at = arg.indexOf('=');
  if (at < 1) throw new Error(`"${arg}" is not label=path`);
  const file = arg.slice(at + 1);
  return { label: arg.slice(0, at), script: file === 'current' ? buildWorker().script : file };
});

const ttl = process.env.BENCH_POINTER_TTL_MS
  ? Number(process.env.BENCH_POINTER_TTL_MS)
  : pointerTtlMs();
const wait = ttl === 0 ? 300 : ttl + 250;
const bundle = await scaledBundle(shape);
const { version: _, ...body } = bundle;
console.log(`load average before: ${(await import('node:os')).loadavg().map(r2).join(' ')}`);
const started = await Promise.all(scripts.map((s) => startWorker(s.script)));
try {
  const url = (i: number) => `${started[i]!.running.url}/p/1`;
  await Promise.all(started.map(({ mf }) => publish(mf, bundle)));
  for (let i = 0; i < started.length; i++) for (let k = 0; k < 10; k++) await timedGet(url(i));
  const repoint = scripts.map((): number[] => []);
  const republish = scripts.map((): number[] => []);
  let next: Bundle = bundle;
  for (let rep = 0; rep < reps; rep++) {
    const order = scripts.map((_, i) => (i + rep) % scripts.length);
    if (ttl > 0) {
      await sleep(wait);
      for (const i of order) repoint[i]!.push(await timedGet(url(i)));
    }
    const nextBody = { ...body, site: { ...body.site, name: `${body.site.name} (ab ${rep})` } };
    next = { ...nextBody, version: await bundleVersion(nextBody) };
    await Promise.all(started.map(({ mf }) => publish(mf, next)));
    await sleep(wait);
    for (const i of order) republish[i]!.push(await timedGet(url(i)));
    if (ttl === 0) {
      await sleep(50);
      for (const i of order) repoint[i]!.push(await timedGet(url(i)));
    }
    console.log(
      `round ${rep + 1}/${reps}: ${scripts
        .map((s, i) => `${s.label} ${r2(republish[i]!.at(-1)! - repoint[i]!.at(-1)!)} ms`)
        .join(', ')} (new − same version, KV read included)`,
    );
  }
  const rows = [];
  for (let i = 0; i < scripts.length; i++) {
    const seeder = await started[i]!.mf.getWorker('bench-seeder');
    const read = async (key: string) => {
      const t = performance.now();
      const res = await seeder.fetch(`http://seeder.local/content-length?key=${key}`);
      await res.text();
      return performance.now() - t;
    };
    const present: number[] = [];
    const missing: number[] = [];
    for (let k = 0; k < 7; k++) {
      present.push(await read(encodeURIComponent(contentKeys.bundle(next.version))));
      missing.push(await read(encodeURIComponent(contentKeys.bundle('0000000000000000'))));
    }
    const kvReadMs = Math.max(0, median(present) - median(missing));
    const same = median(repoint[i]!);
    const fresh = median(republish[i]!);
    rows.push({
      script: scripts[i]!.label,
      'same version ms': r2(same),
      'new version ms': r2(fresh),
      'KV read ms': r2(kvReadMs),
      "worker's own ms (by difference)": r2(fresh - same - kvReadMs),
      'new − same, each round': republish[i]!.map((t, k) => r2(t - repoint[i]![k]!)).join(' '),
    });
  }
  console.log(`\n${shape.name}, ${reps} rounds (medians):`);
  console.table(rows);
  console.log(`load average after: ${(await import('node:os')).loadavg().map(r2).join(' ')}`);
} finally {
  await Promise.all(started.map(({ running }) => running.dispose()));
}
