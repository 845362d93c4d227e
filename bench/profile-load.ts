/**
 * Profiling helper: where a route's time goes inside workerd under load (issue 18's ratios). A
 * CPU profile of the visitor worker's isolate, taken through workerd's inspector while autocannon
 * drives one route at 8 connections for a few seconds, for each route named:
 *
 *   npx tsx bench/profile-load.ts [route …]     # default: bare known-isolate-kv anonymous-isolate-kv
 *   npx tsx bench/profile-load.ts origin-plain-instant origin-first-instant   # origin mode (bench/origin.ts)
 *
 * Prints, per route: requests served, the isolate's sampled busy time per request (everything
 * but `(idle)`), and self time per request by area: the runtime's own frames (`(program)`,
 * `(garbage collector)`, natives such as `Response` or `clearTimeout`) and the script's
 * functions by where their source lives (a package, or a folder of worker/ or shared/, through
 * the build's source map). Sampled every 100 µs; the profiler's own cost inflates every figure,
 * so compare routes with each other, not with unprofiled times.
 */
import autocannon from 'autocannon';
import { buildWorker } from './build.ts';
import { workerProfiler, type CpuProfile, type ProfileNode } from './inspector.ts';
import { routes, type RouteSpec } from './load.ts';
import type { standardPageBytes } from './micro.ts';
import { importBuilt } from './node-build.ts';
import { ORIGIN_DELAY_MS, originHtml, originSpecs } from './origin.ts';
import { sourceAt } from './size.ts';
import { mintCookies, mintDecideTokens, seedWorker, startWorker } from './server.ts';
import { buildBundle, STANDARD } from './workload.ts';

const names = process.argv.slice(2);
const wanted = names.length ? names : ['bare', 'known-isolate-kv', 'anonymous-isolate-kv'];
const SECONDS = 4;
const INSPECTOR_PORT = 20000 + Math.floor(Math.random() * 40000);
process.env.BENCH_INSPECT = String(INSPECTOR_PORT);

/** A request-path route, or an origin-mode route (its url complete, its origin delay a header). */
type Profiled = Pick<RouteSpec, 'post' | 'cookies' | 'headers'> & { name: string; url: string };

function load(route: Profiled, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let served = 0;
    const instance = autocannon(
      {
        url: route.url,
        connections: 8,
        duration: seconds,
        requests: [
          {
            method: route.post ? 'POST' : 'GET',
            setupRequest: (req) => {
              if (route.post)
                return {
                  ...req,
                  headers: { ...req.headers, ...route.post.headers() },
                  body: route.post.body(),
                };
              const cookie = route.cookies?.();
              return {
                ...req,
                headers: { ...req.headers, ...route.headers, ...(cookie ? { cookie } : {}) },
              };
            },
          },
        ],
      },
      (error) => (error ? reject(error) : resolve(served)),
    );
    instance.on('response', () => served++);
  });
}

/**
 * Where a sampled frame belongs: a function of the script by its source's area (a package, or
 * the folder under worker/ or shared/), or the runtime itself (a frame with no script position:
 * `(program)`, `(garbage collector)`, a native such as `Response`, `clearTimeout`, `verify`).
 */
function areaOf(
  f: ProfileNode['callFrame'],
  source: (line: number, column: number) => string | undefined,
): string {
  if (!f.url) return `runtime: ${f.functionName || '(anonymous)'}`;
  const s = source(f.lineNumber, f.columnNumber);
  if (!s) return 'script: generated';
  if (s.startsWith('nm:')) return `script: ${s.slice(3).split('/')[0]}`;
  const own = /(?:^|\/)((?:worker|shared)\/.*)$/.exec(s)?.[1] ?? s;
  const [top, dir] = own.split('/');
  return `script: ${top}/${dir?.includes('.') ? dir : `${dir}/`}`;
}

function selfTimes(
  profile: CpuProfile,
  key: (f: ProfileNode['callFrame']) => string,
): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((sample, i) => {
    const k = key(byId.get(sample)!.callFrame);
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return self;
}

const build = buildWorker();
const source = sourceAt(build.script);
const bundle = await buildBundle(STANDARD);
const built = await importBuilt<{ standardPageBytes: typeof standardPageBytes }>('bench/micro.ts');
const { mf, running } = await startWorker(build.script, {
  html: originHtml(bundle.pages[0]!.slots, await built.standardPageBytes()),
});
try {
  await seedWorker(mf, bundle);
  const now = Math.floor(Date.now() / 1000);
  const cookies = await mintCookies(now);
  const first = await fetch(`${running.url}/`);
  const bareBytes = (await first.arrayBuffer()).byteLength;
  const specs: Profiled[] = [
    ...routes(cookies, bareBytes, await mintDecideTokens(now)).map((r) => ({
      ...r,
      url: running.url + r.path,
    })),
    ...originSpecs(running.directUrl!, running.proxyUrl!, cookies, ORIGIN_DELAY_MS).map((o) => ({
      name: o.name,
      url: o.url,
      headers: { 'x-bench-delay': String(o.delayMs), ...o.headers },
      ...(o.cookies ? { cookies: o.cookies } : {}),
    })),
  ];
  const cdp = await workerProfiler(INSPECTOR_PORT);
  for (const name of wanted) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no route ${name}; routes: ${specs.map((s) => s.name).join(', ')}`);
    await load(spec, 2); // warm-up, also fills the in-isolate KV stand-in
    await cdp.start();
    const served = await load(spec, SECONDS);
    const profile = await cdp.stop();
    const self = selfTimes(profile, (f) => areaOf(f, source));
    const idle = self.get('runtime: (idle)') ?? 0;
    const busy = [...self].reduce((sum, [k, t]) => (k === 'runtime: (idle)' ? sum : sum + t), 0);
    const us = (ms: number) => ((ms / served) * 1000).toFixed(1).padStart(7);
    console.log(
      `\n${name}: ${served} requests in ${SECONDS} s (${Math.round(served / SECONDS)} req/s); isolate busy ${us(busy)} µs/request, idle ${us(idle)} µs/request`,
    );
    const top = [...self].filter(([k]) => k !== 'runtime: (idle)').sort((a, b) => b[1] - a[1]);
    const script = top.filter(([k]) => k.startsWith('script:')).reduce((sum, [, t]) => sum + t, 0);
    console.log(
      `${us(script)} µs  the script's own functions, in all; the runtime's ${us(busy - script)} µs`,
    );
    for (const [k, t] of top.slice(0, 24)) console.log(`${us(t)} µs  ${k}`);
    if (process.env.PROFILE_FUNCTIONS) {
      // The script's functions one by one: source file, and the minified name with its position.
      const fns = selfTimes(profile, (f) =>
        f.url
          ? `${areaOf(f, source).slice(8)} ${f.functionName || '(anonymous)'}@${f.lineNumber}:${f.columnNumber} ${source(f.lineNumber, f.columnNumber)?.split('/').slice(-2).join('/') ?? ''}`
          : '',
      );
      const list = [...fns].filter(([k]) => k).sort((a, b) => b[1] - a[1]);
      for (const [k, t] of list.slice(0, Number(process.env.PROFILE_FUNCTIONS) || 30))
        console.log(`  ${us(t)} µs  ${k}`);
    }
  }
  cdp.close();
} finally {
  await running.dispose();
}
