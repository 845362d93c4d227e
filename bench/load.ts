/**
 * Drives the running worker with autocannon at a fixed concurrency: five routes, each warmed up,
 * then measured in interleaved rounds (bare, anonymous, known, experiment, decision, bare, …) so
 * a noisy
 * neighbour on the machine hits every route alike. Latencies of every response are kept and the
 * percentiles computed over all rounds.
 */
import autocannon from 'autocannon';
import type { Cookies } from './server.ts';

export interface RouteSpec {
  name:
    | 'bare'
    | 'anonymous'
    | 'known'
    | 'experiment'
    | 'decision'
    | 'anonymous-isolate-kv'
    | 'known-isolate-kv'
    | 'experiment-isolate-kv'
    | 'decision-isolate-kv'
    | 'known-isolate-kv-queue';
  label: string;
  path: string;
  /** Extra request headers (the in-isolate KV stand-in's `x-bench-kv: isolate`). */
  headers?: Record<string, string>;
  /** Cookie header per request (rotating through a pool), or none. */
  cookies?: () => string | undefined;
  /** A POST route: its headers, and its body per request (rotating through a pool). */
  post?: { headers: () => Record<string, string>; body: () => string };
}

export interface RouteResult {
  name: RouteSpec['name'];
  label: string;
  path: string;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerResponse: number;
}

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  roundSeconds: number;
  rounds: number;
}

function rotate<T>(pool: T[]): () => T {
  let i = 0;
  return () => pool[i++ % pool.length]!;
}

/**
 * `decideTokens`: bearer tokens with the `decide` scope (a pool of callers). The decision route
 * asks, for the same visitors as the known page (same order), what the same page (`home`, path
 * `/`) gives them — a real call, logged like the page view.
 */
export function routes(cookies: Cookies, bareBytes: number, decideTokens: string[]): RouteSpec[] {
  const known = rotate(cookies.known);
  // Experiment page: half known visitors, a quarter returning without a profile, a quarter first visits.
  const mixed: (string | undefined)[] = cookies.known
    .flatMap((k, i) => [
      k,
      cookies.returning[i],
      i % 2 ? undefined : cookies.known[(i + 7) % cookies.known.length],
      undefined,
    ])
    .slice(0, 4000);
  /** The decision API's calls (each route its own rotation): a caller's token, a known visitor, page home. */
  const decide = (extra: Record<string, string> = {}): RouteSpec['post'] => {
    const subjects = rotate(cookies.subjects);
    const tokens = rotate(decideTokens);
    return {
      headers: () => ({
        authorization: `Bearer ${tokens()}`,
        ...extra,
        'content-type': 'application/json',
      }),
      body: () =>
        JSON.stringify({
          subject: subjects(),
          channel: 'server',
          consent: 'personal',
          page: 'home',
        }),
    };
  };
  return [
    {
      name: 'bare',
      label: 'bare route (static HTML, same size)',
      path: `/__tessera/bare?bytes=${bareBytes}`,
    },
    {
      name: 'anonymous',
      label: 'anonymous personalized page (first visit, new cookie)',
      path: '/',
    },
    {
      name: 'known',
      label: 'known visitor (signed cookie + profile read)',
      path: '/',
      cookies: known,
    },
    {
      name: 'experiment',
      label: 'page under experiments (mixed visitors)',
      path: '/exp',
      cookies: rotate(mixed),
    },
    {
      name: 'decision',
      label: 'decision API: POST /v1/decisions, the known visitors, page home',
      path: '/v1/decisions',
      post: decide(),
    },
    // The second set (issue 18): the same two pages with KV answered by an in-isolate stand-in
    // for an edge cache hit (worker/bench/isolate-kv.ts), so the ratio shows the worker's share.
    {
      name: 'anonymous-isolate-kv',
      label: 'anonymous page, KV answered in-isolate (stands for an edge cache hit)',
      path: '/',
      headers: ISOLATE_KV,
    },
    {
      name: 'known-isolate-kv',
      label: 'known visitor, KV answered in-isolate (stands for an edge cache hit)',
      path: '/',
      cookies: rotate(cookies.known),
      headers: ISOLATE_KV,
    },
    // The tail's second set: the page under experiments and the decision API, KV in-isolate.
    {
      name: 'experiment-isolate-kv',
      label: 'page under experiments, KV answered in-isolate (stands for an edge cache hit)',
      path: '/exp',
      cookies: rotate(mixed),
      headers: ISOLATE_KV,
    },
    {
      name: 'decision-isolate-kv',
      label: 'decision API, KV answered in-isolate (stands for an edge cache hit)',
      path: '/v1/decisions',
      post: decide(ISOLATE_KV),
    },
    {
      // Only to find where the tail comes from: the decision-log send dropped in the isolate too.
      name: 'known-isolate-kv-queue',
      label: 'known visitor, KV in-isolate and the decision-log send dropped (tail diagnosis only)',
      path: '/',
      cookies: rotate(cookies.known),
      headers: { ...ISOLATE_KV, 'x-bench-queue': 'isolate' },
    },
  ];
}

const ISOLATE_KV = { 'x-bench-kv': 'isolate' };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Acc {
  latencies: number[];
  requests: number;
  seconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytes: number;
}

function once(
  url: string,
  route: RouteSpec,
  connections: number,
  seconds: number,
  acc?: Acc,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url + route.path,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: route.post ? 'POST' : 'GET',
            setupRequest: (req) => {
              if (route.post) {
                const body = route.post.body();
                return { ...req, headers: { ...req.headers, ...route.post.headers() }, body };
              }
              const cookie = route.cookies?.();
              const headers = { ...req.headers, ...route.headers, ...(cookie ? { cookie } : {}) };
              return { ...req, headers };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        if (acc) {
          acc.seconds += seconds;
          acc.non2xx += result.non2xx;
          acc.errors += result.errors;
          acc.timeouts += result.timeouts;
        }
        resolve();
      },
    );
    if (acc) {
      instance.on('response', (_client, statusCode, resBytes, responseTime) => {
        acc.latencies.push(responseTime);
        acc.requests++;
        acc.bytes += resBytes;
        void statusCode;
      });
    }
  });
}

export async function runLoad(
  url: string,
  specs: RouteSpec[],
  o: LoadOptions,
  log: (line: string) => void,
): Promise<RouteResult[]> {
  const accs = new Map<string, Acc>(
    specs.map((s) => [
      s.name,
      { latencies: [], requests: 0, seconds: 0, non2xx: 0, errors: 0, timeouts: 0, bytes: 0 },
    ]),
  );
  for (const spec of specs) {
    log(`load: warm-up ${spec.name} (${o.warmupSeconds}s)`);
    await once(url, spec, o.connections, o.warmupSeconds);
  }
  for (let round = 1; round <= o.rounds; round++) {
    for (const spec of specs) {
      log(
        `load: round ${round}/${o.rounds} ${spec.name} (${o.roundSeconds}s × ${o.connections} connections)`,
      );
      await once(url, spec, o.connections, o.roundSeconds, accs.get(spec.name));
    }
  }
  return specs.map((spec) => {
    const a = accs.get(spec.name)!;
    const sorted = Float64Array.from(a.latencies).sort();
    const arr = Array.from(sorted);
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      name: spec.name,
      label: spec.label,
      path: spec.path,
      requests: a.requests,
      seconds: a.seconds,
      rps: Math.round(a.requests / a.seconds),
      p50: round3(percentile(arr, 50)),
      p95: round3(percentile(arr, 95)),
      p99: round3(percentile(arr, 99)),
      max: round3(arr[arr.length - 1] ?? NaN),
      non2xx: a.non2xx,
      errors: a.errors,
      timeouts: a.timeouts,
      bytesPerResponse: a.requests ? Math.round(a.bytes / a.requests) : 0,
    };
  });
}
