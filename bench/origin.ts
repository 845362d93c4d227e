/**
 * Origin mode in the benchmark (issue 11): the same origin reached two ways, in the same workerd
 * and the same run —
 *
 *   pass-through   a bare proxy worker: fetch the origin, return its response (the baseline:
 *                  what any worker in front of a site costs)
 *   origin mode    Tessera in front of the same origin (page `/o/*` of the bench bundle, every
 *                  slot of the standard page marked in the origin's HTML), for a first visit (no
 *                  cookie: one is minted) and for a known visitor (cookie + profile read); and
 *                  `/ob/*`, whose bandit the known visitor meets for the first time on every view
 *                  (the arms cookie must be in the headers, so they wait for the decisions)
 *
 * The origin is a worker answering a page the size of Tessera's own standard page after
 * `x-bench-delay` ms (a header the proxy and Tessera both forward): 20 ms stands for a fast CMS
 * (real origins answer in 50–500 ms), 0 ms shows Tessera's own cost with nothing to hide it
 * behind. Latency is measured per request by the client: time to the first byte of the response
 * (headers) and to its last byte, over keep-alive connections at fixed concurrency, in
 * interleaved rounds like the main load.
 */
import { Agent, request } from 'node:http';
import type { WorkerOptions } from 'miniflare';
import type { Cookies } from './server.ts';
import { ORIGIN_BANDIT_SLOT } from './workload.ts';

export const ORIGIN_URL = 'https://origin.bench';
export const ORIGIN_PATH = '/o/article';
/** The realistic origin's think time (ms); BENCH_ORIGIN_DELAY_MS overrides it. */
export const ORIGIN_DELAY_MS = Number(process.env.BENCH_ORIGIN_DELAY_MS ?? 20);

/** The origin's page: a marker per slot, filler paragraphs up to `bytes`. */
export function originHtml(slotIds: string[], bytes: number): string {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Field notes · Northwind</title>' +
    '<link rel="stylesheet" href="/assets/site.css"></head><body><header class="site">Northwind Journal</header><main>';
  const markers = slotIds
    .map(
      (s) =>
        `<section class="promo" data-tessera-slot="${s}"><p>The origin's own ${s}.</p></section>`,
    )
    .join('');
  const tail = '</main><footer>© Northwind</footer></body></html>';
  const para =
    '<p>Clean, dry, wax, store: the four habits our repair bench wishes every hiker had.</p>';
  let filler = '';
  while (head.length + markers.length + filler.length + para.length + tail.length <= bytes)
    filler += para;
  const half = Math.floor(filler.length / para.length / 2) * para.length;
  return head + filler.slice(0, half) + markers + filler.slice(half) + tail;
}

/** `/ob/*` (the page with a bandit): the same page with one more marker, for the bandit's slot. */
export const ORIGIN_BANDIT_PATH = '/ob/article';
const withBanditSlot = (html: string) =>
  html.replace(
    '<main>',
    `<main><aside data-tessera-slot="${ORIGIN_BANDIT_SLOT}"><p>Deals.</p></aside>`,
  );

/** `/o/plain` (diagnosis only): the same page with no slot marker — nothing for Tessera to fill. */
export const ORIGIN_PLAIN_PATH = '/o/plain';
const withoutMarkers = (html: string) => html.replace(/ data-tessera-slot="[^"]*"/g, '');

const originScript = (html: string) => `const HTML = ${JSON.stringify(html)};
const BANDIT_HTML = ${JSON.stringify(withBanditSlot(html))};
const PLAIN_HTML = ${JSON.stringify(withoutMarkers(html))};
export default {
  async fetch(request) {
    const delay = Number(request.headers.get('x-bench-delay') || 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const bandit = new URL(request.url).pathname.startsWith('/ob/');
    const plain = new URL(request.url).pathname === ${JSON.stringify(ORIGIN_PLAIN_PATH)};
    return new Response(bandit ? BANDIT_HTML : plain ? PLAIN_HTML : HTML, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    });
  },
};`;

const proxy = (target: string) => `export default {
  fetch(request) {
    const url = new URL(request.url);
    return fetch(new Request(${JSON.stringify(target)} + url.pathname + url.search, request));
  },
};`;

export const ORIGIN_WORKER = 'bench-origin';

/** The origin alone, as a worker (for a workerd of its own: `BENCH_ORIGIN_PROCESS=own`). */
export const originWorker = (
  html: string,
  compatibilityDate: string | undefined,
): WorkerOptions => ({
  name: ORIGIN_WORKER,
  modules: true,
  script: originScript(html),
  compatibilityDate,
});

/**
 * The pass-through proxy (on its own port) and, unless the origin runs in a process of its own
 * at `ownOrigin`, the origin, as workers of the bench's workerd.
 */
export function originWorkers(
  html: string,
  proxyPort: number,
  compatibilityDate: string | undefined,
  ownOrigin?: string,
): WorkerOptions[] {
  const socket = { unsafeDirectSockets: [{ host: '127.0.0.1', port: proxyPort }] };
  return ownOrigin
    ? [
        {
          name: 'bench-proxy',
          modules: true,
          script: proxy(ownOrigin),
          compatibilityDate,
          ...socket,
        },
      ]
    : [
        originWorker(html, compatibilityDate),
        {
          name: 'bench-proxy',
          modules: true,
          script: proxy(ORIGIN_URL),
          compatibilityDate,
          outboundService: ORIGIN_WORKER,
          ...socket,
        },
      ];
}

export interface OriginSpec {
  name: string;
  label: string;
  url: string;
  delayMs: number;
  cookies?: () => string | undefined;
  /** The in-isolate stand-ins this route asks for (worker/bench/isolate-kv.ts). */
  headers?: Record<string, string>;
}

/**
 * The second set, labelled as such (docs/performance.md, "Ratios the worker controls"): KV reads
 * answered by the in-isolate stand-in for an edge cache hit, and, on top of that, the decision
 * record's queue send dropped in the isolate (the record is still built, hashed and serialised).
 * Both are local-simulator costs on the worker's own thread here, network calls at the edge.
 */
export const ISOLATE_SETS = [
  { suffix: '-isolate-kv', label: 'KV in-isolate', headers: { 'x-bench-kv': 'isolate' } },
  {
    suffix: '-isolate-kv-queue',
    label: 'KV in-isolate, decision-record send dropped in-isolate',
    headers: { 'x-bench-kv': 'isolate', 'x-bench-queue': 'isolate' },
  },
] as const;

export interface OriginRouteResult {
  name: string;
  label: string;
  delayMs: number;
  /** One request in flight, the routes in turn (ms): TTFB and last byte, p50. */
  unloaded: { ttfbP50: number; p50: number };
  requests: number;
  rps: number;
  errors: number;
  /** Time to the last byte (ms). */
  p50: number;
  p99: number;
  /** Time to the first byte: the response's status line and headers (ms). */
  ttfbP50: number;
  ttfbP99: number;
  /** Each loaded round's p50 (ms), in round order. */
  roundP50s: number[];
  /** Server-Timing medians the worker reported (origin mode: origin, identity). */
  serverTiming: Record<string, number>;
}

function rotate<T>(pool: T[]): () => T {
  let i = 0;
  return () => pool[i++ % pool.length]!;
}

/**
 * `floor`: the socket of origin mode's floor (bench/floor/origin.ts, a second worker in the same
 * workerd): its first visit at both origin delays, so the same run says how close the budget is
 * to what any worker personalizing the page this way can reach (docs/performance.md, "An origin
 * floor that decides"). `rewriter`: the socket of the rewriter alone (bench/floor/rewriter.ts, a
 * third worker: the same seven crossings with fixed content, no cookie, no decision, no record),
 * at the realistic origin only: what any worker filling these slots with HTMLRewriter pays.
 */
export function originSpecs(
  tessera: string,
  proxy: string,
  cookies: Cookies,
  delayMs: number,
  floor?: string,
  rewriter?: string,
): OriginSpec[] {
  const known = rotate(cookies.known);
  const at = (d: number) => (d === delayMs ? '' : ` (${d} ms origin)`);
  const specs = (d: number, suffix: string): OriginSpec[] => [
    {
      name: `pass-through${suffix}`,
      label: `pass-through proxy of the origin${at(d)}`,
      url: proxy + ORIGIN_PATH,
      delayMs: d,
    },
    {
      name: `origin-first${suffix}`,
      label: `origin mode, first visit${at(d)}`,
      url: tessera + ORIGIN_PATH,
      delayMs: d,
    },
    {
      name: `origin-known${suffix}`,
      label: `origin mode, known visitor${at(d)}`,
      url: tessera + ORIGIN_PATH,
      delayMs: d,
      cookies: known,
    },
    ...ISOLATE_SETS.flatMap((set) => [
      {
        name: `origin-first${set.suffix}${suffix}`,
        label: `origin mode, first visit — ${set.label}${at(d)}`,
        url: tessera + ORIGIN_PATH,
        delayMs: d,
        headers: set.headers,
      },
      {
        name: `origin-known${set.suffix}${suffix}`,
        label: `origin mode, known visitor — ${set.label}${at(d)}`,
        url: tessera + ORIGIN_PATH,
        delayMs: d,
        cookies: known,
        headers: set.headers,
      },
    ]),
    {
      // No arms cookie is ever sent back: every view is a first exposure to the page's bandit,
      // whose claim the headers carry, so they wait for the profile read and the decisions.
      name: `origin-bandit${suffix}`,
      label: `origin mode, known visitor, first bandit exposure (headers wait)${at(d)}`,
      url: tessera + ORIGIN_BANDIT_PATH,
      delayMs: d,
      cookies: known,
    },
  ];
  // Diagnosis, at the instant origin only: Tessera's pass over a page with no marker (routing,
  // the new visitor's cookie, the rewriter, stylesheet and tracker; no decision, no record).
  const plain: OriginSpec = {
    name: 'origin-plain-instant',
    label: `origin mode, first visit, a page with no slot marker (diagnosis) — ${ISOLATE_SETS[1].label}${at(0)}`,
    url: tessera + ORIGIN_PLAIN_PATH,
    delayMs: 0,
    headers: ISOLATE_SETS[1].headers,
  };
  const floors = (d: number, suffix: string): OriginSpec[] =>
    floor
      ? [
          {
            name: `floor-first${suffix}`,
            label: `origin mode’s floor, first visit (the unavoidable, deciding with Tessera’s pure core)${at(d)}`,
            url: floor + ORIGIN_PATH,
            delayMs: d,
          },
        ]
      : [];
  const alone: OriginSpec[] = rewriter
    ? [
        {
          name: 'rewriter-first',
          label: `the rewriter alone, first visit (the same crossings, fixed content, nothing else)`,
          url: rewriter + ORIGIN_PATH,
          delayMs,
        },
      ]
    : [];
  return [
    ...specs(delayMs, ''),
    ...floors(delayMs, ''),
    ...alone,
    ...specs(0, '-instant'),
    ...floors(0, '-instant'),
    plain,
  ];
}

export interface Acc {
  total: number[];
  ttfb: number[];
  errors: number;
  seconds: number;
  timings: Record<string, number[]>;
}

/** One request: resolves with [ttfb, total] in ms, or rejects. */
function timed(agent: Agent, spec: OriginSpec, acc: Acc | undefined): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const cookie = spec.cookies?.();
    const start = performance.now();
    const req = request(
      spec.url,
      {
        agent,
        headers: {
          'x-bench-delay': String(spec.delayMs),
          'accept-encoding': 'identity',
          ...spec.headers,
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const ttfb = performance.now() - start;
        if (acc && acc.total.length % 50 === 0) {
          for (const part of String(res.headers['server-timing'] ?? '').split(',')) {
            const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
            if (m) (acc.timings[m[1]!] ??= []).push(Number(m[2]));
          }
        }
        res.on('data', () => {});
        res.on('end', () =>
          res.statusCode === 200
            ? resolve([ttfb, performance.now() - start])
            : reject(new Error(`status ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function round(
  spec: OriginSpec,
  connections: number,
  seconds: number,
  acc?: Acc,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        try {
          const [ttfb, total] = await timed(agent, spec, acc);
          acc?.ttfb.push(ttfb);
          acc?.total.push(total);
        } catch {
          if (acc) acc.errors++;
        }
      }
    }),
  );
  if (acc) acc.seconds += seconds;
  agent.destroy();
}

export const newAcc = (): Acc => ({ total: [], ttfb: [], errors: 0, seconds: 0, timings: {} });

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const ms3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runOriginLoad(
  specs: OriginSpec[],
  o: {
    connections: number;
    warmupSeconds: number;
    roundSeconds: number;
    rounds: number;
    samples: number;
  },
  log: (line: string) => void,
): Promise<OriginRouteResult[]> {
  const accs = new Map<string, Acc>(specs.map((s) => [s.name, newAcc()]));
  for (const spec of specs) {
    log(`origin load: warm-up ${spec.name} (${o.warmupSeconds}s)`);
    await round(spec, o.connections, o.warmupSeconds);
  }
  log(`origin: ${o.samples} requests per route one at a time, the routes in turn`);
  const single = new Map(
    specs.map((s) => [s.name, { ttfb: [] as number[], total: [] as number[] }]),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < o.samples; i++)
    for (const spec of specs) {
      const [ttfb, total] = await timed(agent, spec, undefined);
      single.get(spec.name)!.ttfb.push(ttfb);
      single.get(spec.name)!.total.push(total);
    }
  agent.destroy();
  /** Each round's p50 per route, for the spread of the ratio over rounds. */
  const roundP50s = new Map<string, number[]>(specs.map((s) => [s.name, []]));
  for (let r = 1; r <= o.rounds; r++)
    for (const spec of specs) {
      log(
        `origin load: round ${r}/${o.rounds} ${spec.name} (${o.roundSeconds}s × ${o.connections})`,
      );
      const acc = accs.get(spec.name)!;
      const n = acc.total.length;
      await round(spec, o.connections, o.roundSeconds, acc);
      roundP50s.get(spec.name)!.push(pct(acc.total.slice(n), 50));
    }
  return specs.map((spec) => {
    const a = accs.get(spec.name)!;
    const one = single.get(spec.name)!;
    return {
      name: spec.name,
      label: spec.label,
      delayMs: spec.delayMs,
      unloaded: { ttfbP50: ms3(pct(one.ttfb, 50)), p50: ms3(pct(one.total, 50)) },
      requests: a.total.length,
      rps: Math.round(a.total.length / a.seconds),
      errors: a.errors,
      p50: ms3(pct(a.total, 50)),
      p99: ms3(pct(a.total, 99)),
      ttfbP50: ms3(pct(a.ttfb, 50)),
      ttfbP99: ms3(pct(a.ttfb, 99)),
      roundP50s: roundP50s.get(spec.name)!.map(ms3),
      serverTiming: Object.fromEntries(Object.entries(a.timings).map(([k, v]) => [k, pct(v, 50)])),
    };
  });
}

/**
 * Mean ± standard error (rounded to 0.001) of one figure per round: how far the rounds agree.
 * For a p50 ratio, each round's p50 is divided by the pass-through's in the same round (a
 * minute or less apart in the full bench, back to back in origin-ab); the pooled p50 × column
 * stays the figure, this is its spread.
 */
export function spread(xs: number[]): { mean: number; se: number; rounds: number } {
  const ok = xs.filter(Number.isFinite);
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  const se =
    ok.length < 2
      ? NaN
      : Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1) / ok.length);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { mean: r3(mean), se: r3(se), rounds: ok.length };
}

/** Each row with its ratios to the pass-through at the same origin delay. */
export function withPassThroughRatios(rows: OriginRouteResult[]) {
  const x = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return rows.map((r) => {
    const base = rows.find((b) => b.name.startsWith('pass-through') && b.delayMs === r.delayMs)!;
    return {
      ...r,
      p50x: x(r.p50, base.p50),
      p99x: x(r.p99, base.p99),
      ttfbP50x: x(r.ttfbP50, base.ttfbP50),
      ttfbP99x: x(r.ttfbP99, base.ttfbP99),
      p50xRounds: spread(r.roundP50s.map((p, i) => p / (base.roundP50s[i] ?? NaN))),
      addedP50: ms3(r.p50 - base.p50),
    };
  });
}
export type OriginRow = ReturnType<typeof withPassThroughRatios>[number];
