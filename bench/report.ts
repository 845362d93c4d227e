/**
 * Turns a run into `bench/results.json`, the generated tables in docs/performance.md and the
 * headline line in README.md (each between `<!-- bench:… -->` markers; the prose around them is
 * written by hand).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScriptSize } from './build.ts';
import type { RouteResult } from './load.ts';
import type { MicroResults, ScalePoint } from './micro.ts';
import type { OriginRow } from './origin.ts';
import type { ColdStart, ScaleRow } from './scale.ts';
import { eventSection, type EventPathResult } from './events.ts';
import { ROOT } from './build.ts';
import { ownWorkParts } from './workerd-micro.ts';

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  node: string;
  workerd: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
}

export interface Sample {
  route: string;
  status: Record<string, number>;
  reasons: Record<string, number>;
  /** Responses with a CSP nonce, with the tracker tag, with a slot decided by an experiment. */
  seen: { csp: number; tracker: number; experimentSlots: number };
  /** Latency with one request in flight (ms). */
  unloaded: { p50: number; p90: number };
  /** Median server-timing durations (ms) the worker reported. */
  serverTiming: Record<string, number>;
}

export interface Budget {
  name: string;
  limit: string;
  measured: string;
  ok: boolean;
}

export interface Results {
  machine: Machine;
  workload: Record<string, unknown>;
  load: {
    connections: number;
    warmupSeconds: number;
    roundSeconds: number;
    rounds: number;
    routes: (RouteResult & { p50x: number; p99x: number; rpsx: number })[];
    samples: Sample[];
    workerLogLines: number;
  };
  /** Origin mode against a pass-through proxy of the same origin (bench/origin.ts). */
  origin?: {
    connections: number;
    warmupSeconds: number;
    roundSeconds: number;
    rounds: number;
    samples: number;
    delayMs: number;
    routes: OriginRow[];
  };
  /** Bundle scaling (bench/scale.ts). */
  scale?: ScaleRow[];
  /** Cold start of the visitor worker's script in workerd (bench/scale.ts). */
  cold?: ColdStart;
  /** POST /events → the control plane's consumer → the profile in KV (bench/events.ts). */
  events?: EventPathResult;
  micro: MicroResults;
  workerdMicro?: { name: string; us: number }[];
  /** The visitor-facing worker's script (the one under the 60 KB budget). */
  size: ScriptSize;
  /** The control plane's script (admin API, consumers, cron); no budget, reported for the record. */
  controlSize?: ScriptSize;
  budgets: Budget[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Marginal cost per unit between successive points; linear growth keeps it flat or falling. */
export function marginal(
  points: ScalePoint[],
  by: 'rules' | 'slots',
  key: 'worstUs' | 'knownUs' | 'worstDecideUs',
): number[] {
  return points.slice(1).map((p, i) => r2((p[key] - points[i]![key]) / (p[by] - points[i]![by])));
}

/**
 * Linear (or better) when no step grows the cost by more than it grows the size, with a 1.5×
 * allowance for noise: a fixed overhead keeps linear growth well under it (10 → 100 rules
 * multiplies a linear cost by < 10), quadratic growth would multiply it by ~100.
 */
export function isLinear(
  points: ScalePoint[],
  by: 'rules' | 'slots',
  key: 'worstUs' | 'knownUs' | 'worstDecideUs',
): boolean {
  return points
    .slice(1)
    .every((p, i) => p[key] / points[i]![key] <= 1.5 * (p[by] / points[i]![by]));
}

function table(head: string[], rows: (string | number)[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function markdown(r: Results): string {
  const m = r.machine;
  const routes = table(
    [
      'route',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'req/s',
      'non-2xx',
      'errors',
      'timeouts',
      'p50 × bare',
      'p99 × bare',
      'req/s × bare',
      'bytes',
    ],
    r.load.routes.map((x) => [
      x.label,
      x.p50,
      x.p95,
      x.p99,
      x.max,
      x.rps,
      x.non2xx,
      x.errors,
      x.timeouts,
      x.p50x,
      x.p99x,
      x.rpsx,
      x.bytesPerResponse,
    ]),
  );
  const ops = table(
    ['operation (Node V8, tinybench)', 'p50 µs', 'mean µs', 'p99 µs'],
    r.micro.ops.map((o) => [o.name, o.p50Us, o.meanUs, o.p99Us]),
  );
  const workerd = r.workerdMicro?.length
    ? `\n\nThe same operations inside workerd (the worker's runtime; per-op time from a loop of N calls, client-timed, N = 0 subtracted):\n\n${table(
        ['operation (workerd)', 'µs/op'],
        r.workerdMicro.map((o) => [o.name, o.us]),
      )}`
    : '';
  const scale = (points: ScalePoint[], by: 'rules' | 'slots') =>
    table(
      [
        by,
        'rules',
        'slots',
        'decide + render, known µs',
        'decide + render, worst µs',
        'decide, worst µs',
      ],
      points.map((p) => [p[by], p.rules, p.slots, p.knownUs, p.worstUs, p.worstDecideUs]),
    ) +
    `\n\nMarginal cost per ${by === 'rules' ? 'rule' : 'slot'} (worst case, decide + render): ${marginal(points, by, 'worstUs').join(' → ')} µs; ` +
    `decide alone: ${marginal(points, by, 'worstDecideUs').join(' → ')} µs — ${isLinear(points, by, 'worstUs') ? 'linear or better' : '**grows faster than linear**'}.`;
  const bareUnloaded = r.load.samples.find((s) => s.route === 'bare')?.unloaded.p50 ?? NaN;
  const samples = table(
    [
      'route',
      'unloaded p50 ms',
      'unloaded p90 ms',
      'p50 × bare',
      'status',
      'CSP nonce',
      'tracker tag',
      'experiment slot',
      'reasons (sampled)',
      'server-timing median (ms)',
    ],
    r.load.samples.map((s) => [
      s.route,
      s.unloaded.p50,
      s.unloaded.p90,
      r2(s.unloaded.p50 / bareUnloaded),
      Object.entries(s.status)
        .map(([k, v]) => `${k}×${v}`)
        .join(' '),
      s.seen.csp,
      s.seen.tracker,
      s.seen.experimentSlots,
      Object.entries(s.reasons)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ') || '—',
      Object.entries(s.serverTiming)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—',
    ]),
  );
  const budgets = table(
    ['budget', 'limit', 'measured', ''],
    r.budgets.map((b) => [b.name, b.limit, b.measured, b.ok ? 'met' : '**missed**']),
  );
  return `Run ${m.date} on ${m.nproc} × ${m.cpu}, Node ${m.node}, workerd ${m.workerd}; load average ${m.loadAverageBefore.map(r2).join(' / ')} before, ${m.loadAverageAfter.map(r2).join(' / ')} after.

### Budgets

${budgets}

### Request path under load (${r.load.connections} connections; ${r.load.warmupSeconds} s warm-up per route, then ${r.load.rounds} interleaved rounds of ${r.load.roundSeconds} s per route)

${routes}

Sampled responses: ${r.load.samples[0] ? Object.values(r.load.samples[0].status).reduce((a, b) => a + b, 0) : 0} per route before the load, one request in flight, the routes in turn. *Unloaded* latency is the client's (Node fetch) round trip; CSP nonce / tracker tag / experiment slot count the responses that carried a nonced CSP, the tracker's script tag, and at least one slot decided by an experiment (the work issues 5 and 7 added is on the measured path); Server-Timing is the worker's own (workerd's clock only moves on I/O, so CPU work reads as 0):

${samples}

${breakdown(r)}

${originSection(r)}

${scaleSection(r)}

${r.events ? eventSection(r.events) : ''}

Worker log lines during the run (decision records and anything else written to stdout/stderr): ${r.load.workerLogLines}.

### Micro-benchmarks

${ops}${workerd}

Standard page HTML: ${r.micro.standardPageBytes} bytes.

### Scaling with rules (5 slots)

${scale(r.micro.rules, 'rules')}

### Scaling with slots (6 rules each)

${scale(r.micro.slots, 'slots')}

${sizeSection(r)}`;
}

/** Bundle scaling and cold start (bench/scale.ts). */
export function scaleSection(r: Pick<Results, 'scale' | 'cold'>): string {
  if (!r.scale || !r.cold) return '';
  const rows = table(
    [
      'bundle',
      'JSON KiB',
      'pages',
      'variants',
      'rules',
      'hash check ms (V8)',
      'JSON.parse ms (V8)',
      'shape check ms (V8)',
      'compile ms (V8)',
      'new version, all steps ms (V8)',
      'heap kept MB (V8)',
      'first request after publish, fresh isolate ms (workerd)',
      'warm request ms (workerd)',
      'first − warm ms',
      'warm isolate: after TTL, same version ms',
      'warm isolate: after TTL, new version ms',
      'KV read of the bundle ms',
      'worker’s own time for a new version ms (by difference)',
    ],
    r.scale.map((x) => [
      x.name,
      r2(x.bytes / 1024),
      x.pages,
      x.variants,
      x.rules,
      x.hashMs,
      x.parseMs,
      x.checkMs,
      x.compileMs,
      x.totalMs,
      x.heapMB ?? '—',
      x.firstMs,
      x.warmMs,
      r2(x.firstMs - x.warmMs),
      x.repointMs,
      x.republishMs,
      x.kvReadMs,
      x.workerMs,
    ]),
  );
  return `### Bundle scaling and cold start

Seeded bundles (bench/scale.ts), each page showing 10 slots. V8 columns: Node, medians of several runs, the steps the bundle store runs once per version per isolate (shared/data/bundle-store.ts: the stored text hashed against its version, JSON.parse, the shape check, compile). workerd columns: a fresh workerd per bundle, the bundle published, then the first page request (a cold isolate: it reads, checks and compiles the bundle and runs the script's code paths for the first time) and 15 warm ones; client-timed, so they include the local KV read of the whole bundle. Then, in the same warm isolate, a publish as production sees it: after the pointer's TTL (wrangler.toml, 5 s) the first request either finds the same version (re-reads the pointer only) or a new version of the same size (reads and loads it); the bundle's KV read alone is timed through a second worker in the same workerd, and what is left — new version − same version − KV read — is the worker's own time for a new version, by difference (medians of 3).

${rows}

${coldStartSection(r.cold)}`;
}

/** Cold start of the visitor worker's script, by phase (bench/cold-start.ts). */
export function coldStartSection(c: ColdStart): string {
  const w = c.workerd;
  const v = c.v8;
  const rows = table(
    [
      'phase',
      'workerd: script ms',
      'workerd: trivial module ms',
      '**workerd: the script’s own ms**',
      'V8 (Node): script ms',
      'V8 (Node): trivial module ms',
      '**V8 (Node): the script’s own ms**',
    ],
    [
      [
        'compile',
        w.compile.script,
        w.compile.trivial,
        `**${w.compile.own}**`,
        v.compile.script,
        v.compile.trivial,
        `**${v.compile.own}**`,
      ],
      ['link', '(with evaluation)', '', '', v.link.script, v.link.trivial, `**${v.link.own}**`],
      [
        'module evaluation (workerd: with link)',
        w.evaluate.script,
        w.evaluate.trivial,
        `**${w.evaluate.own}**`,
        v.evaluate.script,
        v.evaluate.trivial,
        `**${v.evaluate.own}**`,
      ],
      [
        'compile + evaluation',
        w.total.script,
        w.total.trivial,
        `**${w.total.own}**`,
        v.total.script,
        v.total.trivial,
        `**${v.total.own}**`,
      ],
    ],
  );
  return `Cold start of the built visitor script (budget: module evaluation ≤ 10 ms), medians of ${c.runs} fresh processes each, the script alternating with a trivial module (bench/cold-start.ts). ${c.workerdVersion}: its own Perfetto trace of start-up — compile is \`WorkerdApi::compileModules()\`, evaluation the main module's instantiation and evaluation (between two \`compileGlobals()\` spans, see bench/cold-start.ts), each minus the trivial module's. V8 ${c.nodeV8Version} (Node): \`vm.SourceTextModule\` compile, link and evaluate timed directly, the script's one \`cloudflare:workers\` import replaced by the same vars.

${rows}`;
}

/** Origin mode against the pass-through proxy of the same origin, at each origin delay. */
export function originSection(r: Pick<Results, 'origin'>): string {
  const o = r.origin;
  if (!o) return '';
  const rows = table(
    [
      'route',
      'origin answers in',
      'unloaded TTFB p50 ms',
      'unloaded p50 ms',
      'p50 ms',
      'p99 ms',
      'TTFB p50 ms',
      'TTFB p99 ms',
      'p50 × pass-through',
      'p50 × per round (mean ± SE)',
      'p99 × pass-through',
      'TTFB p50 ×',
      'TTFB p99 ×',
      'added p50 ms',
      'req/s',
      'errors',
      'server-timing median (ms)',
    ],
    o.routes.map((x) => [
      x.label,
      `${x.delayMs} ms`,
      x.unloaded.ttfbP50,
      x.unloaded.p50,
      x.p50,
      x.p99,
      x.ttfbP50,
      x.ttfbP99,
      x.p50x,
      Number.isFinite(x.p50xRounds.se)
        ? `${x.p50xRounds.mean} ± ${x.p50xRounds.se}`
        : String(x.p50xRounds.mean),
      x.p99x,
      x.ttfbP50x,
      x.ttfbP99x,
      x.addedP50,
      x.rps,
      x.errors,
      Object.entries(x.serverTiming)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—',
    ]),
  );
  return `### Origin mode against a pass-through proxy of the same origin (${o.connections} connections; ${o.warmupSeconds} s warm-up, ${o.rounds} interleaved rounds of ${o.roundSeconds} s per route)

The origin is a worker in the same workerd answering a page of Tessera's standard size with every slot marked; the proxy and Tessera are each reached on a socket of their own (no miniflare entry worker in between, unlike the table above), after ${o.delayMs} ms (a fast CMS) or at once (0 ms: nothing to hide Tessera's own work behind). Times are the client's (Node \`http\`, keep-alive): TTFB to the response headers, p50/p99 to the last byte; *unloaded* is ${o.samples} requests per route with one in flight, the routes in turn, before the load. *Added* is the p50 difference to the pass-through at the same origin delay — Tessera's cost in ms, whatever the origin's speed. Rows marked *KV in-isolate* are the second set (worker/bench/isolate-kv.ts, \`BENCH_ROUTES=on\` only): KV reads answered by an in-isolate stand-in for an edge cache hit, and, where marked, the decision record's queue send dropped in the isolate too (the record is still built, hashed, serialised and logged) — what remains is the worker's own share plus the runtime's; the row with no slot marker is a diagnosis (Tessera's pass over the page without deciding, filling or logging anything). Rows marked *origin mode's floor* are bench/floor/origin.ts, a second worker in the same workerd that does only what a page personalized this way cannot avoid (the cookie, the origin fetch, HTMLRewriter with the stylesheet, the five markers filled by Tessera's pure core and the tracker, the record batched to the queue) and nothing else of Tessera: how close a budget is to what this runtime allows, in the same run. The row *the rewriter alone* is bench/floor/rewriter.ts, a third worker: the origin's page through HTMLRewriter with the same seven crossings as Tessera's (two tags first inside \`<body>\`, the five markers, the document's end) filling fixed content, with no cookie, no decision and no record — what any worker filling these slots with HTMLRewriter pays here. *Per round* is each round's p50 over the pass-through's p50 in the same round, mean ± standard error over the ${o.rounds} rounds: how far the rounds agree on the ratio.

${rows}`;
}

function sizeTable(size: ScriptSize): string {
  return `| | raw | gzip |
|---|---|---|
| as wrangler reports it | ${size.wranglerKiB ?? '?'} KiB | ${size.wranglerGzipKiB ?? '?'} KiB |
| emitted index.js (gzip -9) | ${r2(size.rawBytes / 1024)} KiB | ${r2(size.gzipBytes / 1024)} KiB |`;
}

/** Both scripts' sizes, by part (\`npm run bench -- --size\` prints just this). */
export function sizeSection(r: Pick<Results, 'size' | 'controlSize'>): string {
  const control = r.controlSize
    ? `

### Control plane script size (\`wrangler deploy --dry-run -c control/wrangler.toml --outdir\`)

${sizeTable(r.controlSize)}

${parts(r.controlSize)}`
    : '';
  return `### Visitor worker script size (\`wrangler deploy --dry-run --outdir\`)

${sizeTable(r.size)}

${parts(r.size)}${control}`;
}

function parts(size: ScriptSize): string {
  if (!size.parts?.length) return '';
  return `What each part costs (bench/size.ts: bytes attributed through the source map; a part's gzip cost is how much smaller the gzipped script is without it, so the column does not add up exactly):

${table(
  ['part', 'raw KiB', 'gzip KiB'],
  size.parts.map((p) => [p.part, r2(p.rawBytes / 1024), r2(p.gzipBytes / 1024)]),
)}`;
}

/** The known visitor against the bare route, one request in flight, and what the difference is made of. */
function breakdown(r: Results): string {
  const unloaded = (n: string) => r.load.samples.find((s) => s.route === n)?.unloaded.p50;
  const w = (prefix: string) => r.workerdMicro?.find((o) => o.name.startsWith(prefix))?.us;
  const bare = unloaded('bare');
  const known = unloaded('known');
  const own = ownWorkParts(r.workerdMicro ?? []);
  const kv = w('KV get, key present');
  const send = w('queue send');
  if (
    bare === undefined ||
    known === undefined ||
    own.some((x) => x === undefined) ||
    kv === undefined ||
    send === undefined
  )
    return '';
  const ownUs = own.reduce((a, b) => a! + b!, 0)!;
  const ms = (us: number) => r2(us / 1000);
  return `Where the known visitor's extra time goes (one request in flight; the parts measured inside workerd, table below):

| | ms |
|---|---|
| bare route, unloaded p50 | ${bare} |
| known visitor, unloaded p50 | ${known} |
| difference | ${r2(known - bare)} |
| the worker's own work: cookie verify + profile parse + request context + pure page path (consent, decide, experiments, render, nonce, tracker, the decision record built and serialised) + the record's pseudonym HMAC | ${ms(ownUs)} |
| one local KV read (miniflare KV, in the same workerd) — before the response, 1 per visitor, 2 in parallel for a customer | ${ms(kv)} |
| the profile read as the worker itself timed it on this route (Server-Timing \`kv\`, median; workerd's clock has ms steps) | ${r.load.samples.find((s) => s.route === 'known')?.serverTiming.kv ?? '?'} |
| one local queue send (miniflare queue) — in waitUntil after the response, on the same thread | ${ms(send)} |
| the budget's allowance at p50 ≤ 1.5× the bare route | ${r2(bare * 0.5)} |`;
}

function replaceBetween(file: string, marker: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- bench:${marker}:start -->`;
  const end = `<!-- bench:${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a)
    throw new Error(`${path.relative(ROOT, file)} has no ${start} … ${end} markers`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`);
}

export function headline(r: Results): string {
  const by = (n: string) => r.load.routes.find((x) => x.name === n)!;
  const a = by('anonymous');
  const k = by('known');
  const e = by('experiment');
  const d = r.load.routes.find((x) => x.name === 'decision');
  const dr = r.micro.ops.find((o) => o.name.startsWith('decide + render (standard page, known'));
  const ai = r.load.routes.find((x) => x.name === 'anonymous-isolate-kv');
  const ki = r.load.routes.find((x) => x.name === 'known-isolate-kv');
  const load = r.machine.loadAverageBefore[0];
  return (
    `Last run (${r.machine.date.slice(0, 10)}, ${r.machine.nproc} cores shared, load average ${load === undefined ? '?' : r2(load)}): ` +
    `with miniflare's local KV (on the worker's own thread) anonymous page p50 **${a.p50x}×** / p99 **${a.p99x}×** the bare route, ` +
    `known visitor p50 **${k.p50x}×**, experiment page p50 **${e.p50x}×**` +
    (ai && ki
      ? `; with KV answered in-isolate (a stand-in for an edge cache hit: the worker's own share) anonymous p50 **${ai.p50x}×**, known visitor p50 **${ki.p50x}×** / p99 **${ki.p99x}×**`
      : '') +
    (d
      ? `, decision API call p50 **${d.p50x}×** (${d.p50} ms vs the known page's ${k.p50} ms)`
      : '') +
    '; ' +
    `${r.load.routes.reduce((n, x) => n + x.non2xx + x.errors + x.timeouts, 0)} errors; decide + render ${dr?.p50Us ?? '?'} µs median; ` +
    `visitor script ${r.size.wranglerGzipKiB ?? r2(r.size.gzipBytes / 1024)} KiB gzip` +
    (r.controlSize
      ? ` (control plane ${r.controlSize.wranglerGzipKiB ?? r2(r.controlSize.gzipBytes / 1024)} KiB).`
      : '.')
  );
}

export function writeResults(r: Results): void {
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  replaceBetween(path.join(ROOT, 'docs', 'performance.md'), 'results', markdown(r));
  replaceBetween(path.join(ROOT, 'README.md'), 'headline', headline(r));
}
