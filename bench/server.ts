/**
 * Runs the built worker in workerd through miniflare's API, with the bindings wrangler.toml
 * declares (wrangler's own translation, `unstable_getMiniflareWorkerOptions`), in-memory storage,
 * on 127.0.0.1 and a random port. Seeds the bundle, the D1 schema and 10,000 profiles, and
 * mints visitor cookies with the worker's own signer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Miniflare, type WorkerOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from 'wrangler';
import { contentKeys, profileKeys } from '../shared/kv-keys.ts';
import type { BanditSnapshot } from '../shared/schema/bandit.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { bundleText } from '../shared/bundle/version.ts';
import { signAdminToken } from '../shared/auth/admin-token.ts';
import { keyringFor } from '../shared/auth/keyring.ts';
import { signVisitorToken } from '../shared/auth/visitor-token.ts';
import { loadConfig } from '../shared/config.ts';
import { CONTROL_CONFIG, ROOT } from './build.ts';
import { BENCH_ADMIN_KEYS, BENCH_VISITOR_KEYS, benchKeyring } from './keys.ts';
import { ORIGIN_URL, ORIGIN_WORKER, originWorker, originWorkers } from './origin.ts';
import {
  banditSnapshot,
  isCustomer,
  profile,
  PROFILE_COUNT,
  profileId,
  slotIdsOf,
} from './workload.ts';

export interface Running {
  url: string;
  port: number;
  /** The pass-through proxy of the origin (when started with an origin). */
  proxyUrl?: string;
  /** The worker on a socket of its own, like the proxy (when started with an origin). */
  directUrl?: string;
  /**
   * With several scripts (`startWorker([a, b, …])`): each one's socket, in the order given
   * (`directUrls[0]` is `directUrl`).
   */
  directUrls?: string[];
  /** Lines the worker wrote to stdout/stderr (decision logs among them), counted, not kept. */
  logLines: () => number;
  dispose: () => Promise<void>;
}

/** A port in 20000–60000 (never 8787); miniflare fails loudly if it is taken. */
const randomPort = () => 20000 + Math.floor(Math.random() * 40000);

/** Origin mode's extra workers (bench/origin.ts): the origin, and a bare proxy on its own port. */
export interface OriginSetup {
  html: string;
  /**
   * Where the origin runs: `shared` (default), a worker in Tessera's own workerd, so its timers and
   * responses wait on the same thread as Tessera's work; `own`, a workerd process of its own,
   * reached over a local socket as a real origin is over the network (`BENCH_ORIGIN_PROCESS=own`).
   */
  process?: 'shared' | 'own';
}

/** The origin in a workerd of its own; its URL, and how to stop it. */
async function startOwnOrigin(
  html: string,
  compatibilityDate: string | undefined,
): Promise<{ url: string; dispose: () => Promise<void> }> {
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: randomPort(),
    workers: [originWorker(html, compatibilityDate)],
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, dispose: () => mf.dispose() };
}

/**
 * The event path (bench/events.ts): the control plane next to the visitor worker, as `npm run dev`
 * runs both configs in one session — same KV namespaces, D1 database and queues, so POST /events
 * reaches the control plane's consumer with control/wrangler.toml's batch settings.
 */
export interface ControlSetup {
  /** The modules of the built control plane, its entry (the metering wrapper) first. */
  modules: { type: 'ESModule'; path: string; contents: string }[];
  /** POST /events per client address (EVENTS_IP_RATE): every bench request comes from 127.0.0.1. */
  eventsPerAddressLimit: number;
}

export const CONTROL_WORKER = 'tessera-control';

function controlWorker(control: ControlSetup): WorkerOptions {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, CONTROL_CONFIG));
  return {
    ...workerOptions,
    name: CONTROL_WORKER,
    modules: control.modules,
    modulesRoot: path.dirname(control.modules[0]!.path),
    // KV, D1 and queues are shared with the visitor worker by id and name, as in a dev session.
    bindings: {
      ...workerOptions.bindings,
      VISITOR_KEYS: BENCH_VISITOR_KEYS,
      ADMIN_KEYS: BENCH_ADMIN_KEYS,
    },
  } as WorkerOptions;
}

/**
 * `script`, or several scripts as workers of one workerd (bench/origin-ab.ts,
 * `BENCH_AB_PROCESS=shared`): `tessera`, `tessera-2`, … with the same bindings (so the same KV,
 * D1 and queues: seeding once seeds them all), each on a socket of its own (`directUrls`) when
 * started with an origin; the origin and the pass-through proxy are shared. Miniflare's entry
 * (`url`) reaches the first.
 */
export async function startWorker(
  script: string | string[],
  origin?: OriginSetup,
  control?: ControlSetup,
): Promise<{ mf: Miniflare; running: Running }> {
  const scripts = typeof script === 'string' ? [script] : script;
  if (scripts.length > 1 && !origin) throw new Error('several scripts need the origin setup');
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, 'wrangler.toml'));
  let lines = 0;
  const drain = () =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const b of chunk) if (b === 10) lines++;
        done();
      },
    });
  const ownOrigin =
    origin && (origin.process ?? process.env.BENCH_ORIGIN_PROCESS) === 'own'
      ? await startOwnOrigin(origin.html, workerOptions.compatibilityDate)
      : undefined;
  for (let attempt = 0; ; attempt++) {
    const port = randomPort();
    const proxyPort = randomPort();
    const directPorts = scripts.map(() => randomPort());
    const mf = new Miniflare({
      host: '127.0.0.1',
      port,
      // BENCH_INSPECT=<port>: workerd's inspector for a CPU profiler (bench/profile-publish.ts).
      ...(process.env.BENCH_INSPECT ? { inspectorPort: Number(process.env.BENCH_INSPECT) } : {}),
      handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
        stdout.pipe(drain());
        stderr.pipe(drain());
        // BENCH_VERBOSE=1: the runtime's own output too (why workerd would not start, say).
        if (process.env.BENCH_VERBOSE === '1') stderr.pipe(process.stderr);
      },
      workers: [
        ...scripts.map((script, i) => ({
          ...workerOptions,
          name: i === 0 ? 'tessera' : `tessera-${i + 1}`,
          modules: true,
          scriptPath: script,
          modulesRoot: path.dirname(script),
          bindings: {
            ...workerOptions.bindings,
            VISITOR_KEYS: BENCH_VISITOR_KEYS,
            ADMIN_KEYS: BENCH_ADMIN_KEYS,
            // The bare baseline route exists only with this (worker/routes/bare.ts).
            BENCH_ROUTES: 'on',
            // The bench bundle's site.origin.url, not wrangler.toml's local demo origin.
            ORIGIN_URL: ownOrigin?.url ?? ORIGIN_URL,
            // BENCH_POINTER_TTL_MS=0: every request re-reads the pointer (bench/publish-ab.ts).
            ...(process.env.BENCH_POINTER_TTL_MS
              ? { POINTER_TTL_MS: process.env.BENCH_POINTER_TTL_MS }
              : {}),
          },
          ...(control
            ? {
                ratelimits: {
                  ...workerOptions.ratelimits,
                  EVENTS_IP_RATE: { simple: { limit: control.eventsPerAddressLimit, period: 60 } },
                },
              }
            : {}),
          // Origin pages reach the bench's origin worker through the worker's outbound fetch; the
          // worker also listens on a socket of its own, as the proxy does (no miniflare entry hop).
          ...(origin
            ? {
                ...(ownOrigin ? {} : { outboundService: ORIGIN_WORKER }),
                unsafeDirectSockets: [{ host: '127.0.0.1', port: directPorts[i]! }],
              }
            : {}),
        })),
        ...(origin
          ? originWorkers(origin.html, proxyPort, workerOptions.compatibilityDate, ownOrigin?.url)
          : []),
        ...(control ? [controlWorker(control)] : []),
        {
          name: 'bench-seeder',
          modules: true,
          script: SEEDER,
          compatibilityDate: workerOptions.compatibilityDate,
          kvNamespaces: {
            PROFILES: kvId(workerOptions.kvNamespaces, 'PROFILES', 'tessera-profiles-local'),
            CONTENT: kvId(workerOptions.kvNamespaces, 'CONTENT', 'tessera-content-local'),
          },
        },
      ],
    });
    try {
      const url = (await mf.ready).toString().replace(/\/$/, '');
      return {
        mf,
        running: {
          url,
          port,
          ...(origin
            ? {
                proxyUrl: `http://127.0.0.1:${proxyPort}`,
                directUrl: `http://127.0.0.1:${directPorts[0]!}`,
                directUrls: directPorts.map((p) => `http://127.0.0.1:${p}`),
              }
            : {}),
          logLines: () => lines,
          dispose: async () => {
            await mf.dispose();
            await ownOrigin?.dispose();
          },
        },
      };
    } catch (error) {
      await mf.dispose().catch(() => {});
      if (attempt >= 3) {
        await ownOrigin?.dispose().catch(() => {});
        throw error;
      }
    }
  }
}

/**
 * What every load bench starts from: the D1 schema, `bundle` published, a fresh bandit snapshot
 * and the workload's profiles in PROFILES.
 */
export async function seedWorker(mf: Miniflare, bundle: Bundle): Promise<void> {
  await applyMigrations(mf);
  await publish(mf, bundle);
  await publishBanditSnapshot(mf, banditSnapshot(new Date().toISOString()));
  await seedProfiles(mf, bundle);
}

/** D1 schema from migrations/, in file order (the decision and event consumers write there). */
export async function applyMigrations(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database('DB');
  const dir = path.join(ROOT, 'migrations');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(path.join(dir, file), 'utf8'))) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
}

export async function publish(
  mf: Miniflare,
  bundle: Bundle,
  text: string = bundleText(bundle),
): Promise<void> {
  const kv = await mf.getKVNamespace('CONTENT');
  // As the control plane stores it (bundleText): the bytes its version hashes, checked on read.
  // A build from before the parts form reads only the single form: `singleBundleText`.
  await kv.put(contentKeys.bundle(bundle.version), text);
  await kv.put(
    contentKeys.pointer(),
    JSON.stringify({ version: bundle.version, updatedAt: new Date().toISOString(), by: 'bench' }),
  );
}

/** What the bandit cron publishes (CONTENT `bandit:snapshot`); the edge reads it once a minute. */
export async function publishBanditSnapshot(
  mf: Miniflare,
  snapshot: BanditSnapshot,
): Promise<void> {
  const kv = await mf.getKVNamespace('CONTENT');
  await kv.put(contentKeys.banditSnapshot(), JSON.stringify(snapshot));
}

/** The id wrangler.toml gives a KV binding, as miniflare's worker options carry it. */
function kvId(namespaces: unknown, binding: string, fallback: string): string {
  return namespaces && !Array.isArray(namespaces)
    ? ((namespaces as Record<string, { id: string }>)[binding]?.id ?? fallback)
    : fallback;
}

/**
 * A second worker in the same workerd, bound to the same PROFILES and CONTENT namespaces: it writes a batch of
 * profiles with in-process KV puts, far faster than one proxied put per profile from Node; at
 * `/read` it answers a list of keys' values in one request (the event path polls profiles so);
 * at `/content-length?key=` it reads a CONTENT value and answers its size (bundle scaling times a
 * bundle's KV read so).
 */
const SEEDER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/content-length') {
      const value = await env.CONTENT.get(url.searchParams.get('key'), 'arrayBuffer');
      return new Response(String(value ? value.byteLength : -1));
    }
    if (url.pathname === '/read') {
      const keys = await request.json();
      return Response.json(await Promise.all(keys.map((key) => env.PROFILES.get(key))));
    }
    const entries = await request.json();
    await Promise.all(entries.map(([key, value]) => env.PROFILES.put(key, value)));
    return new Response(String(entries.length));
  },
};`;

/** Writes the 10,000 profiles, a thousand per request to the seeder worker. */
export async function seedProfiles(
  mf: Miniflare,
  bundle: Bundle,
  /** Seed only these of the 10,000 (the event path needs only its senders' profiles). */
  only: (i: number) => boolean = () => true,
): Promise<void> {
  const seeder = await mf.getWorker('bench-seeder');
  const slots = slotIdsOf(bundle);
  const key = (i: number) =>
    isCustomer(i) ? profileKeys.customer(profileId(i)) : profileKeys.visitor(profileId(i));
  for (let start = 0; start < PROFILE_COUNT; start += 1000) {
    const batch: [string, string][] = [];
    for (let i = start; i < Math.min(PROFILE_COUNT, start + 1000); i++)
      if (only(i)) batch.push([key(i), JSON.stringify(profile(i, slots))]);
    const res = await seeder.fetch('http://seeder.local/', {
      method: 'POST',
      body: JSON.stringify(batch),
    });
    if (res.status !== 200)
      throw new Error(`seeding profiles failed: ${res.status} ${await res.text()}`);
  }
}

/** The stored profiles under `keys` (null where none), read in one request to the seeder worker. */
export async function readProfiles(mf: Miniflare, keys: string[]): Promise<(string | null)[]> {
  const seeder = await mf.getWorker('bench-seeder');
  const res = await seeder.fetch('http://seeder.local/read', {
    method: 'POST',
    body: JSON.stringify(keys),
  });
  if (res.status !== 200) throw new Error(`reading profiles failed: ${res.status}`);
  return (await res.json()) as (string | null)[];
}

export interface Cookies {
  /** Visitors with a profile: anonymous ones (profile:v:) and logged-in customers (cid → profile:c:). */
  known: string[];
  /** Returning visitors: a valid cookie, no profile yet. */
  returning: string[];
  /** The `known` visitors as the decision API names them, in the same order. */
  subjects: { visitorId: string; customerId?: string }[];
}

/**
 * Bearer tokens for the decision API (scope `decide`), signed with the bench's admin keys: a pool
 * of callers, so the per-token rate limit (DECIDE_RATE, 600/min) never answers 429 under load.
 */
export async function mintDecideTokens(nowSeconds: number, count = 400): Promise<string[]> {
  const ring = await keyringFor(
    loadConfig({ VISITOR_KEYS: BENCH_VISITOR_KEYS, ADMIN_KEYS: BENCH_ADMIN_KEYS }).adminKeys,
  );
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      signAdminToken(ring, { sub: `bench-${i}`, scopes: ['decide'], nowSeconds, ttlSeconds: 3600 }),
    ),
  );
}

/** The profiles `mintCookies` names: every (PROFILE_COUNT / count)-th. */
export const inCookiePool = (i: number, count = 2000) =>
  Math.floor((Math.ceil((i * count) / PROFILE_COUNT) * PROFILE_COUNT) / count) === i;

/** Cookie header values minted with the worker's own signer and the bench keys. */
export async function mintCookies(nowSeconds: number, count = 2000): Promise<Cookies> {
  const ring = await benchKeyring();
  const cookie = async (claims: { sub: string; cid?: string }) =>
    `__Host-tsr_vid=${await signVisitorToken(ring, claims, nowSeconds)}`;
  const known: string[] = [];
  const returning: string[] = [];
  const subjects: Cookies['subjects'] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor((n * PROFILE_COUNT) / count);
    const claims = isCustomer(i) ? { sub: `bs-${i}`, cid: profileId(i) } : { sub: profileId(i) };
    known.push(await cookie(claims));
    subjects.push({ visitorId: claims.sub, ...(claims.cid ? { customerId: claims.cid } : {}) });
    returning.push(await cookie({ sub: `br-${n}` }));
  }
  return { known, returning, subjects };
}
