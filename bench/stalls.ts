/**
 * Finding the tail's stalls (issue 18): drives request-path routes (bench/load.ts) through the
 * entry worker at 8 connections, one route at a time in rounds, and prints per round p50 / p99 /
 * max and every request slower than 200 ms with the moment it started (seconds since the worker
 * started; `c` with a cookie, `n` without). Stalls that hit every connection at the same moment
 * are the process (a GC, a simulator), not one request's work.
 *
 *   STALL_ROUTES=experiment-isolate-kv,known-isolate-kv STALL_SECONDS=20 STALL_ROUNDS=3 \
 *     npx tsx bench/stalls.ts
 *
 * STALL_PROFILE=1 adds a CPU profile of the worker's isolate (workerd's inspector, sampled every
 * 500 µs) and prints its garbage-collector runs and sample gaps over 50 ms.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { buildWorker } from './build.ts';
import { workerProfiler, type CpuProfile } from './inspector.ts';
import { routes } from './load.ts';
import { originHtml, pct } from './origin.ts';
import { importBuilt } from './node-build.ts';
import type { standardPageBytes } from './micro.ts';
import { mintCookies, mintDecideTokens, seedWorker, startWorker } from './server.ts';
import { buildBundle, STANDARD } from './workload.ts';

// STALL_PROFILE=1: a CPU profile of the worker's isolate over the whole run (workerd's inspector),
// searched for the moments its thread was away from the script for long: a sample gap or a run of
// garbage-collector samples over 50 ms, printed on the same clock as the slow requests.
const PROFILE = process.env.STALL_PROFILE === '1';
const INSPECTOR_PORT = 20000 + Math.floor(Math.random() * 40000);
if (PROFILE) process.env.BENCH_INSPECT = String(INSPECTOR_PORT);

function pauses(profile: CpuProfile, startedAt: number): string[] {
  const gc = new Set(
    profile.nodes
      .filter((n) => n.callFrame.functionName === '(garbage collector)')
      .map((n) => n.id),
  );
  const out: string[] = [];
  let at = startedAt;
  let gcRun = 0;
  let gcFrom = 0;
  profile.samples.forEach((sample, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    if (delta > 50) out.push(`${(at / 1000).toFixed(2)}s gap ${Math.round(delta)}ms`);
    at += delta;
    if (gc.has(sample)) {
      if (gcRun === 0) gcFrom = at;
      gcRun += delta;
    } else {
      if (gcRun > 50) out.push(`${(gcFrom / 1000).toFixed(2)}s GC ${Math.round(gcRun)}ms`);
      gcRun = 0;
    }
  });
  return out;
}

const built = await importBuilt<{ standardPageBytes: typeof standardPageBytes }>('bench/micro.ts');
const bundle = await buildBundle(STANDARD);
const { mf, running } = await startWorker(buildWorker().script, {
  html: originHtml(bundle.pages[0]!.slots, await built.standardPageBytes()),
});
const t0 = performance.now();
// This process's own garbage collections over 50 ms: the client runs here, so a pause here
// stalls every connection at once just as a pause in workerd would.
const gcs: string[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (e.duration > 50)
      gcs.push(`${((e.startTime - t0) / 1000).toFixed(2)}s:${Math.round(e.duration)}ms`);
}).observe({ entryTypes: ['gc'] });
try {
  await seedWorker(mf, bundle);
  const now = Math.floor(Date.now() / 1000);
  const cookies = await mintCookies(now);
  // The bare route sized like the anonymous page, as the full bench does.
  const bareBytes = (await (await fetch(`${running.url}/`)).arrayBuffer()).byteLength;
  const all = routes(cookies, bareBytes, await mintDecideTokens(now));
  const names = (process.env.STALL_ROUTES ?? 'experiment-isolate-kv,known-isolate-kv').split(',');
  const specs = names.map((name) => {
    const spec = all.find((x) => x.name === name);
    if (!spec) throw new Error(`no route ${name}; routes: ${all.map((x) => x.name).join(', ')}`);
    return spec;
  });
  const secs = Number(process.env.STALL_SECONDS ?? 20);
  const cdp = PROFILE ? await workerProfiler(INSPECTOR_PORT, 500) : undefined;
  await cdp?.start();
  const profiledFrom = performance.now() - t0;
  const rounds = Number(process.env.STALL_ROUNDS ?? 3);
  for (let r = 0; r < rounds; r++)
    for (const spec of specs) {
      const lat: number[] = [];
      const slow: string[] = [];
      let errors = 0;
      const until = performance.now() + secs * 1000;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < until) {
            const start = performance.now();
            const cookie = spec.cookies?.();
            const res = await fetch(
              running.url + spec.path,
              spec.post
                ? { method: 'POST', headers: spec.post.headers(), body: spec.post.body() }
                : { headers: { ...spec.headers, ...(cookie ? { cookie } : {}) } },
            ).catch(() => undefined);
            await res?.arrayBuffer();
            if (!res?.ok) errors++;
            const ms = performance.now() - start;
            lat.push(ms);
            if (ms > 200)
              slow.push(
                `${((start - t0) / 1000).toFixed(2)}s:${Math.round(ms)}ms(${cookie ? 'c' : 'n'})`,
              );
          }
        }),
      );
      const p = (q: number) => pct(lat, q).toFixed(1);
      console.log(
        `  this process's GC pauses > 50 ms so far: ${gcs.splice(0).join(' ') || 'none'}`,
      );
      console.log(
        `${spec.name} r${r}: n=${lat.length} errors ${errors} p50 ${p(50)} p99 ${p(99)} max ${lat.reduce((a, b) => Math.max(a, b), 0).toFixed(0)}; slow: ${slow.slice(0, 20).join(' ')}`,
      );
    }
  if (cdp) {
    const profile = await cdp.stop();
    console.log(
      `the worker's isolate, away over 50 ms: ${pauses(profile, profiledFrom).join(' ') || 'never'}`,
    );
    cdp.close();
  }
} finally {
  await running.dispose();
}
