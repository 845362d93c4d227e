/**
 * Issue 11's origin-mode ratio, before → after in one run: two or more built visitor scripts side
 * by side, each in a workerd of its own with the same origin and pass-through proxy (bench/origin.ts),
 * the routes and scripts interleaved round by round, so drift and neighbours hit each alike.
 *
 *   npx tsx bench/origin-ab.ts [rounds] label=path/to/index.js label=current …
 *   ORIGIN_AB_ROUTES=pass-through,origin-first,origin-known npx tsx bench/origin-ab.ts 6 old=/tmp/old/index.js new=current
 *
 * `current` builds this worktree as a deploy would (bench/build.ts). Each round drives every route
 * of every script for 3 s at 8 connections (the full bench's load), the scripts' order rotating.
 * Printed per script and route: p50 and TTFB p50 (client, last byte and headers) with their ratio
 * to the same script's pass-through at the same origin delay, requests per second, and **the
 * workerd process's CPU time per request** (/proc schedstat, all threads; bench/proc-cpu.ts) —
 * for the pass-through that is the proxy and the origin, for Tessera its own work besides, so the
 * difference is what a request costs the runtime's thread, whatever the machine's load.
 * `origin-none` and `origin-none-instant` (this bench only): a first visit at consent `none`.
 * Request-path GET routes (bench/load.ts: `bare`, `known-isolate-kv`, …) run the same way, on the
 * worker's own socket, against `bare` (`entry:<route>`: through miniflare's entry worker instead).
 * A script may be the runtime's floor instead of Tessera (bench/floor/: `floor=bench/floor/plain.js`,
 * `logged.js`, `queued.js`): a worker with none of Tessera's code answering the same routes with
 * only the calls a personalized page cannot avoid (docs/performance.md, "The floor"); `floor:decided`
 * builds bench/floor/decided.ts, that floor deciding and rendering with Tessera's pure core
 * (docs/performance.md, "A floor that decides"), and `floor:origin` bench/floor/origin.ts, the
 * same for origin mode on the `origin-first*` and `origin-known*` routes ("An origin floor that
 * decides").
 * `BENCH_ORIGIN_PROCESS=own` runs each script's origin in a workerd of its own (bench/server.ts);
 * the CPU column then sums both processes.
 *
 * `BENCH_AB_PROCESS=shared` loads every script into ONE workerd instead, as workers of their own
 * (bench/server.ts `startWorker([…])`: same bindings, seeded once, each on a socket of its own)
 * beside one origin and one pass-through proxy: the comparison is then within one process, whose
 * CPU per request is read over each route's phase as before. Two processes of the same script
 * differ by ±80–140 µs per request, more than the 20–50 µs changes this is for; two workers of
 * one process by far less (docs/performance.md, "Same-process A/B"). The pass-through routes run
 * once per round (they are the same worker for every script), the base of every script's ratios;
 * `entry:` routes reach only the first script there. A round runs route by route, each route's
 * scripts back to back in rotating order, and each phase's CPU is read 250 ms after its load
 * stops, so work its requests left running (the record, GC) is not charged to the next script.
 * `CPU ± µs` (both modes) is the standard error of a route's per-phase CPU per request: how far
 * the rounds agree, not how far two processes or two workers doing the same work would.
 * `rounds: p50 × ± SE` is each round's p50 over the pass-through's in the same round, mean and
 * standard error over the rounds; shared, `p50 × − <first>'s ± SE` is a script's per-round ratio
 * minus the first script's on the same route, paired by round (the two ran back to back): a
 * difference within about two standard errors of 0 is none this run can tell.
 */
import { loadavg } from 'node:os';
import type { Miniflare } from 'miniflare';
import { buildWorker } from './build.ts';
import { routes } from './load.ts';
import { buildFloor, importBuilt } from './node-build.ts';
import type { standardPageBytes } from './micro.ts';
import {
  ORIGIN_DELAY_MS,
  newAcc,
  originHtml,
  originSpecs,
  pct,
  round,
  spread,
  type Acc,
  type OriginSpec,
} from './origin.ts';
import { cpuMs, workerdChildren } from './proc-cpu.ts';
import { mintCookies, seedWorker, startWorker, type Running } from './server.ts';
import { buildBundle, STANDARD } from './workload.ts';

const [roundsArg = '4', ...scriptArgs] = process.argv.slice(2);
const rounds = Math.min(20, Math.max(1, Number(roundsArg) || 4));
if (scriptArgs.length === 0)
  throw new Error('give at least one label=path/to/index.js or label=current');
const wanted = (
  process.env.ORIGIN_AB_ROUTES ??
  'pass-through,origin-first,pass-through-instant,origin-first-instant'
).split(',');
const CONNECTIONS = 8;
const ROUND_SECONDS = 3;
/** Shared: the pause after a phase before its CPU is read (ms). */
const SETTLE_MS = 250;
const r2 = (x: number) => Math.round(x * 100) / 100;

const scripts = await Promise.all(
  scriptArgs.map(async (arg) => {
    const at = arg.indexOf('=');
    if (at < 1) throw new Error(`"${arg}" is not label=path`);
    const file = arg.slice(at + 1);
    const script =
      file === 'current'
        ? buildWorker().script
        : file.startsWith('floor:')
          ? await buildFloor(file.slice('floor:'.length))
          : file;
    return { label: arg.slice(0, at), script };
  }),
);

const built = await importBuilt<{ standardPageBytes: typeof standardPageBytes }>('bench/micro.ts');
const bundle = await buildBundle(STANDARD);
const html = originHtml(bundle.pages[0]!.slots, await built.standardPageBytes());
console.log(`load average before: ${loadavg().map(r2).join(' ')}`);

const shared = process.env.BENCH_AB_PROCESS === 'shared';
const isPassThrough = (name: string) => name.startsWith('pass-through');
if (shared) console.log(`one workerd for all ${scripts.length} scripts (BENCH_AB_PROCESS=shared)`);

interface Started {
  mf: Miniflare;
  running: Running;
  pids: number[];
  specs: OriginSpec[];
  /** Per route: its CPU, and per phase (round) its CPU per request and its p50. */
  accs: Map<string, Acc & { cpu: number; phases: number[]; p50s: number[] }>;
}
const started: Started[] = [];
/** What to stop at the end: one per process. */
const toDispose: Running[] = [];
try {
  // Shared: every script in one workerd, started and seeded once.
  const one = shared
    ? await (async () => {
        const before = workerdChildren();
        const { mf, running } = await startWorker(
          scripts.map((s) => s.script),
          { html },
        );
        toDispose.push(running);
        const pids = [...workerdChildren()].filter((p) => !before.has(p));
        if (pids.length < 1) throw new Error('no new workerd found');
        await seedWorker(mf, bundle);
        return { mf, running, pids };
      })()
    : undefined;
  for (const [i, s] of scripts.entries()) {
    let mf: Miniflare, running: Running, pids: number[], direct: string;
    if (one) {
      ({ mf, running, pids } = one);
      direct = running.directUrls![i]!;
    } else {
      const before = workerdChildren();
      ({ mf, running } = await startWorker(s.script, { html }));
      toDispose.push(running);
      // One workerd, or two with the origin in a process of its own (BENCH_ORIGIN_PROCESS=own).
      pids = [...workerdChildren()].filter((p) => !before.has(p));
      if (pids.length < 1) throw new Error('no new workerd found');
      await seedWorker(mf, bundle);
      direct = running.directUrl!;
    }
    const cookies = await mintCookies(Math.floor(Date.now() / 1000));
    // The request path's GET routes too (bench/load.ts), on the worker's own socket, `bare` their
    // baseline: their CPU per request against the bare route's (issue 18's ratios).
    const bareBytes = (await (await fetch(`${direct}/`)).arrayBuffer()).byteLength;
    const origin = originSpecs(direct, running.proxyUrl!, cookies, ORIGIN_DELAY_MS);
    const all: OriginSpec[] = [
      ...origin,
      // Here only: a first visit at consent `none` (no tracker: nothing for the end of <body>).
      ...origin
        .filter((o) => o.name === 'origin-first' || o.name === 'origin-first-instant')
        .map((o) => ({
          ...o,
          name: o.name.replace('first', 'none'),
          label: `${o.label}, consent none`,
          cookies: () => 'tsr_consent=none',
        })),
      ...routes(cookies, bareBytes, [])
        .filter((r) => !r.post)
        .flatMap((r) =>
          // `entry:<route>`: the same route through miniflare's entry worker (running.url).
          [
            ['', direct],
            ['entry:', running.url],
          ].map(([prefix, site]) => ({
            name: prefix + r.name,
            label: r.label,
            url: site + r.path,
            delayMs: -1,
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.cookies ? { cookies: r.cookies } : {}),
          })),
        ),
    ];
    const specs = wanted
      // Shared: the pass-through is one worker, measured once per round (as the first script's).
      .filter((n) => !(one && i > 0 && isPassThrough(n)))
      .map((n) => {
        if (one && i > 0 && n.startsWith('entry:'))
          throw new Error(`${n}: miniflare's entry reaches only the first script when shared`);
        const spec = all.find((x) => x.name === n);
        if (!spec) throw new Error(`no route ${n}; routes: ${all.map((x) => x.name).join(', ')}`);
        return spec;
      });
    started.push({
      mf,
      running,
      pids,
      specs,
      accs: new Map(
        specs.map((x) => [
          x.name,
          { ...newAcc(), cpu: 0, phases: [] as number[], p50s: [] as number[] },
        ]),
      ),
    });
  }
  for (const s of started) for (const spec of s.specs) await round(spec, CONNECTIONS, 2);
  const phase = async (s: Started, spec: OriginSpec) => {
    const acc = s.accs.get(spec.name)!;
    const cpu = () => s.pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const c = cpu();
    const n = acc.total.length;
    await round(spec, CONNECTIONS, ROUND_SECONDS, acc);
    // Shared: what the phase's requests left running (waitUntil's record and log, GC) is theirs,
    // not the next phase's, which may be another script's.
    if (shared) await new Promise((r) => setTimeout(r, SETTLE_MS));
    const used = cpu() - c;
    acc.cpu += used;
    acc.phases.push((used / Math.max(1, acc.total.length - n)) * 1000);
    acc.p50s.push(pct(acc.total.slice(n), 50));
  };
  for (let r = 0; r < rounds; r++) {
    if (shared) {
      // Route by route, the scripts' turns rotating: a route's A and B run back to back.
      for (const name of wanted)
        for (let k = 0; k < started.length; k++) {
          const s = started[(k + r) % started.length]!;
          const spec = s.specs.find((x) => x.name === name);
          if (spec) await phase(s, spec);
        }
    } else {
      for (let k = 0; k < started.length; k++) {
        const s = started[(k + r) % started.length]!;
        for (const spec of s.specs) await phase(s, spec);
      }
    }
    console.log(`round ${r + 1}/${rounds} done (load average ${r2(loadavg()[0]!)})`);
  }
  const rows = [];
  for (let i = 0; i < started.length; i++) {
    const s = started[i]!;
    for (const spec of s.specs) {
      const a = s.accs.get(spec.name)!;
      const baseName =
        spec.delayMs < 0
          ? spec.name.startsWith('entry:')
            ? 'entry:bare'
            : 'bare'
          : spec.delayMs === 0
            ? 'pass-through-instant'
            : 'pass-through';
      // Shared: the one pass-through, measured with the first script's routes.
      const base =
        s.accs.get(baseName) ??
        (shared && isPassThrough(baseName) ? started[0]!.accs.get(baseName) : undefined);
      const x = (f: (acc: Acc) => number) => (base ? r2(f(a) / f(base)) : NaN);
      const cpuPer = (acc: Acc & { cpu: number }) => (acc.cpu / acc.total.length) * 1000;
      // Each round's p50 against the pass-through's in the same round: how far the rounds agree
      // on the ratio (the pooled p50 × above is the figure; this is its spread).
      const perRound = base
        ? a.p50s.map((p, k) => p / (base.p50s[k] ?? NaN)).filter(Number.isFinite)
        : [];
      const ratio = spread(perRound);
      // Shared: the same route of the first script ran in the same round, next to this one; the
      // per-round difference of the two ratios, paired by round, says whether they differ at all.
      const first = i > 0 && shared ? started[0]!.accs.get(spec.name) : undefined;
      const paired =
        first && base
          ? a.p50s
              .map((p, k) => (p - (first.p50s[k] ?? NaN)) / (base.p50s[k] ?? NaN))
              .filter(Number.isFinite)
          : [];
      const diff = spread(paired);
      rows.push({
        script: scripts[i]!.label,
        route: spec.name,
        'p50 ms': r2(pct(a.total, 50)),
        'p50 ×': x((acc) => pct(acc.total, 50)),
        'rounds: p50 × ± SE': perRound.length
          ? `${ratio.mean.toFixed(3)} ± ${ratio.se.toFixed(3)}`
          : '',
        [`p50 × − ${scripts[0]!.label}'s ± SE`]: paired.length
          ? `${diff.mean >= 0 ? '+' : ''}${diff.mean.toFixed(3)} ± ${diff.se.toFixed(3)}`
          : '',
        'TTFB p50 ×': x((acc) => pct(acc.ttfb, 50)),
        'p99 ×': x((acc) => pct(acc.total, 99)),
        'req/s': Math.round(a.total.length / a.seconds),
        'workerd CPU µs/req': Math.round(cpuPer(a)),
        'CPU over pass-through µs': base ? Math.round(cpuPer(a) - cpuPer(base)) : NaN,
        // The standard error of the per-phase figures: how far this run's rounds agree.
        'CPU ± µs': Math.round(spread(a.phases).se),
        errors: a.errors,
      });
    }
  }
  // BENCH_AB_PHASES=1: every phase's CPU per request, in order (a trend across rounds shows).
  if (process.env.BENCH_AB_PHASES === '1')
    for (const [i, s] of started.entries())
      for (const [name, a] of s.accs)
        console.log(`${scripts[i]!.label} ${name}: ${a.phases.map(Math.round).join(' ')}`);
  console.log(
    `\n${rounds} rounds × ${ROUND_SECONDS} s × ${CONNECTIONS} connections per route and script:`,
  );
  console.table(rows);
  console.log(`load average after: ${loadavg().map(r2).join(' ')}`);
} finally {
  await Promise.all(toDispose.map((running) => running.dispose()));
}
