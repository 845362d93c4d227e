/**
 * Before → after, in one run: the first request after a publish in a warm isolate (issue 18's
 * "≤ 20 ms of worker time" for a 1 MB bundle), for two or more built visitor scripts side by side.
 *
 *   npx tsx bench/publish-ab.ts [size] [reps] label=path/to/index.js label=path/to/index.js …
 *   npx tsx bench/publish-ab.ts "1 MB" 5 before:single=/tmp/a/index.js after=current
 *
 * A label ending in `:single` publishes that script its bundles in the single stored form
 * (shared/bundle/version.ts) under their single-form versions: what a build from before the parts
 * form reads, or how this build reads a version stored before it (e.g. after a rollback).
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
 * Besides the client's wall clock, each request is timed by the **CPU time of its workerd process**
 * (all its threads, from /proc/<pid>/task/<tid>/schedstat, in ns): what the request cost that
 * process — the worker, and miniflare's KV which runs in the same process — whatever else the
 * machine's two shared cores are doing. Wall-clock medians on this machine swing by 2× with the
 * neighbours' load; the CPU figures do not wait in anyone's queue.
 *
 * `BENCH_POINTER_TTL_MS=0` (passed to the workers): no waiting — every request re-reads the
 * pointer, so a round is a publish, a short pause, the request that loads the new version and one
 * more for the same version; many more rounds fit in a minute, so the medians are steadier. The
 * work timed is the same: new version − same version − KV read.
 */
import { loadavg } from 'node:os';
import type { Miniflare } from 'miniflare';
import {
  bundleText,
  bundleVersion,
  singleBundleText,
  singleBundleVersion,
} from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { contentKeys } from '../shared/kv-keys.ts';
import { buildWorker } from './build.ts';
import { cpuMs, workerdChildren } from './proc-cpu.ts';
import { pointerTtlMs } from './scale.ts';
import { SCALES, scaledBundle } from './scaled-bundle.ts';
import { publish, startWorker, type Running } from './server.ts';

const [sizeName = '1 MB', repsArg = '5', ...scriptArgs] = process.argv.slice(2);
const shape = SCALES.find((s) => s.name === sizeName);
if (!shape) throw new Error(`size must be one of: ${SCALES.map((s) => s.name).join(', ')}`);
const reps = Math.min(60, Math.max(1, Number(repsArg) || 5));
if (scriptArgs.length === 0) throw new Error('give at least one label=path/to/index.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timed {
  wall: number;
  cpu: number;
}
async function timedGet(url: string, pid: number): Promise<Timed> {
  const c = cpuMs(pid);
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const wall = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  // The response is complete; let the worker's waitUntil work (the decision record) finish too.
  await sleep(30);
  return { wall, cpu: cpuMs(pid) - c };
}

const scripts = scriptArgs.map((arg) => {
  const at = arg.indexOf('=');
  if (at < 1) throw new Error(`"${arg}" is not label=path`);
  const file = arg.slice(at + 1);
  const [label, form] = arg.slice(0, at).split(':');
  if (form !== undefined && form !== 'single') throw new Error(`"${arg}": the form is :single`);
  return {
    label: label!,
    single: form === 'single',
    script: file === 'current' ? buildWorker().script : file,
  };
});

/** The bundle in the form a script reads: its version and stored text. */
async function stored(bundle: Bundle, single: boolean): Promise<{ bundle: Bundle; text: string }> {
  if (!single) return { bundle, text: bundleText(bundle) };
  const { version: _, ...body } = bundle;
  const inOne = { ...body, version: await singleBundleVersion(body) };
  return { bundle: inOne, text: singleBundleText(inOne) };
}
const publishTo = async (mf: Miniflare, bundle: Bundle, single: boolean) => {
  const s = await stored(bundle, single);
  await publish(mf, s.bundle, s.text);
  return s.bundle.version;
};

const ttl = process.env.BENCH_POINTER_TTL_MS
  ? Number(process.env.BENCH_POINTER_TTL_MS)
  : pointerTtlMs();
const wait = ttl === 0 ? 300 : ttl + 250;
const bundle = await scaledBundle(shape);
const { version: _, ...body } = bundle;
console.log(`load average before: ${loadavg().map(r2).join(' ')}`);
const started: { mf: Miniflare; running: Running; pid: number }[] = [];
try {
  for (const s of scripts) {
    const before = workerdChildren();
    const one = await startWorker(s.script);
    const pids = [...workerdChildren()].filter((p) => !before.has(p));
    if (pids.length !== 1) throw new Error(`expected one new workerd, found ${pids.join(', ')}`);
    started.push({ ...one, pid: pids[0]! });
  }
  const url = (i: number) => `${started[i]!.running.url}/p/1`;
  const get = (i: number) => timedGet(url(i), started[i]!.pid);
  for (const [i, { mf }] of started.entries()) await publishTo(mf, bundle, scripts[i]!.single);
  for (let i = 0; i < started.length; i++) for (let k = 0; k < 10; k++) await get(i);
  const repoint = scripts.map((): Timed[] => []);
  const republish = scripts.map((): Timed[] => []);
  let next: Bundle = bundle;
  const lastVersion = scripts.map(() => bundle.version);
  for (let rep = 0; rep < reps; rep++) {
    const order = scripts.map((_, i) => (i + rep) % scripts.length);
    if (ttl > 0) {
      await sleep(wait);
      for (const i of order) repoint[i]!.push(await get(i));
    }
    const nextBody = { ...body, site: { ...body.site, name: `${body.site.name} (ab ${rep})` } };
    next = { ...nextBody, version: await bundleVersion(nextBody) };
    for (const [i, { mf }] of started.entries())
      lastVersion[i] = await publishTo(mf, next, scripts[i]!.single);
    await sleep(wait);
    for (const i of order) republish[i]!.push(await get(i));
    if (ttl === 0) {
      await sleep(50);
      for (const i of order) repoint[i]!.push(await get(i));
    }
    console.log(
      `round ${rep + 1}/${reps}, new − same version (CPU ms): ${scripts
        .map((s, i) => `${s.label} ${r2(republish[i]!.at(-1)!.cpu - repoint[i]!.at(-1)!.cpu)}`)
        .join(', ')}`,
    );
  }
  const rows = [];
  for (let i = 0; i < scripts.length; i++) {
    const { mf, pid } = started[i]!;
    const seeder = await mf.getWorker('bench-seeder');
    const read = async (key: string): Promise<Timed> => {
      const c = cpuMs(pid);
      const t = performance.now();
      const res = await seeder.fetch(`http://seeder.local/content-length?key=${key}`);
      await res.text();
      const wall = performance.now() - t;
      return { wall, cpu: cpuMs(pid) - c };
    };
    const present: Timed[] = [];
    const missing: Timed[] = [];
    for (let k = 0; k < 9; k++) {
      present.push(await read(encodeURIComponent(contentKeys.bundle(lastVersion[i]!))));
      missing.push(await read(encodeURIComponent(contentKeys.bundle('0000000000000000'))));
    }
    const m = (xs: Timed[], k: keyof Timed) => median(xs.map((x) => x[k]));
    const kv = (k: keyof Timed) => Math.max(0, m(present, k) - m(missing, k));
    const own = (k: keyof Timed) => m(republish[i]!, k) - m(repoint[i]!, k) - kv(k);
    rows.push({
      script: `${scripts[i]!.label}${scripts[i]!.single ? ' (single form)' : ''}`,
      'same version, wall': r2(m(repoint[i]!, 'wall')),
      'new version, wall': r2(m(republish[i]!, 'wall')),
      'KV read, wall': r2(kv('wall')),
      'own, wall': r2(own('wall')),
      'same version, CPU': r2(m(repoint[i]!, 'cpu')),
      'new version, CPU': r2(m(republish[i]!, 'cpu')),
      'KV read, CPU': r2(kv('cpu')),
      'own, CPU': r2(own('cpu')),
      'new − same CPU, quartiles': (() => {
        const d = republish[i]!.map((t, k) => t.cpu - repoint[i]![k]!.cpu).sort((a, b) => a - b);
        return [0.25, 0.5, 0.75].map((q) => r2(d[Math.floor(q * d.length)]!)).join(' / ');
      })(),
    });
  }
  console.log(
    `\n${shape.name}, ${reps} rounds, pointer TTL ${ttl} ms (medians, ms; own = new − same − KV read):`,
  );
  console.table(rows);
  console.log(`load average after: ${loadavg().map(r2).join(' ')}`);
} finally {
  await Promise.all(started.map(({ running }) => running.dispose()));
}
