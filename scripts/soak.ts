/**
 * `npm run soak`: a bounded loopback load test with faults injected.
 *
 * Starts the `soak` wrangler environments of both workers behind the dev router in one
 * `wrangler dev` session (cli/lib/dev-session.ts) on 127.0.0.1 and a random port, with
 * throw-away local state: worker/soak/entry.ts (the visitor worker with KV and queue faults at
 * SOAK_FAULT_RATE) and control/soak/entry.ts (the consumers with D1 faults); applies the D1 migrations; seeds the demo bundle and sample profiles;
 * then sends SOAK_REQUESTS mixed requests (pages with good, bad and no cookies; event batches;
 * malformed event bodies; privacy reads; admin reads) at SOAK_CONCURRENCY. Afterwards it waits for
 * the queue consumers to drain and checks every accepted event is in D1.
 *
 * Pass: zero unexpected 5xx (a 503 with Retry-After from /events is the documented "retry"
 * answer, counted apart) and accepted events = events stored. Prints a summary and writes it to
 * .soak/summary.json. Bounded: SOAK_REQUESTS (default 3000) and a hard deadline of SOAK_MAX_SECONDS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { putBundleLocal, putProfiles } from '../cli/commands/seed.ts';
import { buildBundle, formatIssues } from '../cli/lib/content.ts';
import { devSessionArgs } from '../cli/lib/dev-session.ts';
import { devVars, ensureDevVars, syncControlDevVars } from '../cli/lib/dev-vars.ts';
import { PROFILES_DIR, ROOT, WRANGLER_TOML } from '../cli/lib/paths.ts';
import { sampleProfiles } from '../cli/lib/profiles.ts';
import type { Env } from '../worker/env.ts';
import { loadConfig } from '../shared/config.ts';
import { keyringFor } from '../shared/auth/keyring.ts';
import { signVisitorToken } from '../shared/auth/visitor-token.ts';
import { signAdminToken } from '../shared/auth/admin-token.ts';
import { SOAK_STATS_PATH } from '../shared/soak/faults.ts';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 24);
const MAX_SECONDS = Number(process.env.SOAK_MAX_SECONDS ?? 240);
const SEED = 20261123;
const started = Date.now();
const overTime = () => (Date.now() - started) / 1000 > MAX_SECONDS;

// ---- a seeded generator, so two runs send the same mix --------------------------------------
let state = SEED;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

// ---- the server -----------------------------------------------------------------------------
const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
const port = 20_000 + Math.floor(Math.random() * 40_000);
const base = `http://127.0.0.1:${port}`;
const stateDir = mkdtempSync(path.join(tmpdir(), 'tessera-soak-'));

function run(args: string[]) {
  const r = spawnSync(wrangler, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0)
    throw new Error(`wrangler ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

async function seed() {
  const built = await buildBundle();
  if (!built.ok) throw new Error(`content-variants/ is invalid:\n${formatIssues(built.issues)}`);
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy<Env>({
    configPath: WRANGLER_TOML,
    environment: 'soak',
    persist: { path: path.join(stateDir, 'v3') },
  });
  try {
    await putBundleLocal(proxy.env, built.bundle, 'soak');
    await putProfiles(proxy.env, sampleProfiles(PROFILES_DIR));
  } finally {
    await proxy.dispose();
  }
  return built.bundle;
}

async function waitUntilUp(child: ChildProcess) {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error('wrangler dev exited before serving');
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('wrangler dev did not come up within 60 s');
}

// ---- the load -------------------------------------------------------------------------------
type Kind = 'page' | 'page-bad-cookie' | 'events' | 'events-malformed' | 'privacy' | 'admin';
const statuses: Record<string, Record<number, number>> = {};
const unexpected: string[] = [];
let retryAsked = 0;
let eventsSent = 0;
const acceptedIds = new Set<string>();
/** Decision ids of the pages that log a record: every rendered 200 page (`X-Tessera-Decision`). */
const loggedPages = new Set<string>();
const note = (kind: Kind, status: number) =>
  ((statuses[kind] ??= {})[status] = (statuses[kind]![status] ?? 0) + 1);

async function main() {
  ensureDevVars();
  syncControlDevVars();
  const config = loadConfig(devVars());
  const ring = await keyringFor(config.visitorKeys);
  const adminRing = await keyringFor(config.adminKeys);
  const now = Math.floor(Date.now() / 1000);
  const adminToken = await signAdminToken(adminRing, {
    sub: 'soak',
    scopes: ['read', 'privacy'],
    nowSeconds: now,
  });

  mkdirSync(path.join(ROOT, '.soak'), { recursive: true });
  run(['d1', 'migrations', 'apply', 'DB', '--local', '--env', 'soak', '--persist-to', stateDir]);
  const bundle = await seed();
  const profiles = sampleProfiles(PROFILES_DIR);
  const visitorIds = [
    ...profiles.filter((p) => p.kind === 'visitor').map((p) => p.id),
    ...Array.from({ length: 200 }, (_, i) => `soak-v${i}`),
  ];
  const tokens = new Map<string, string>();
  for (const id of visitorIds) tokens.set(id, await signVisitorToken(ring, { sub: id }, now));
  // Own pages only: origin pages (/journal/*) need the demo origin, which the soak does not run
  // (their failure handling is tested in test/worker/origin-*.test.ts).
  const paths = [...bundle.pages.filter((p) => !p.origin).map((p) => p.path), '/no-such-page'];

  const child = spawn(
    wrangler,
    [
      ...devSessionArgs({ port: String(port), persistTo: stateDir, env: 'soak' }),
      '--log-level',
      'error',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } },
  );
  try {
    await waitUntilUp(child);
    const t0 = Date.now();
    const plan: Kind[] = Array.from({ length: TOTAL }, () => {
      const r = random();
      return r < 0.45
        ? 'page'
        : r < 0.6
          ? 'page-bad-cookie'
          : r < 0.82
            ? 'events'
            : r < 0.9
              ? 'events-malformed'
              : r < 0.95
                ? 'privacy'
                : 'admin';
    });
    let next = 0;
    const worker = async () => {
      while (next < plan.length && !overTime()) {
        const kind = plan[next++]!;
        await one(kind, { tokens, visitorIds, paths, adminToken });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const loadSeconds = (Date.now() - t0) / 1000;

    // Drain: the consumers retry D1 failures; wait until every accepted event is stored and
    // every page's decision record is in the log — spilled ones through the cron's drain, run
    // here on demand (in production it runs every 5 minutes).
    let stats = await soakStats();
    const settled = () =>
      (stats.d1.events ?? 0) + (stats.d1.dead_letters ?? 0) >= acceptedIds.size &&
      (stats.d1.decisions ?? 0) >= loggedPages.size;
    for (let i = 0; i < 120 && !settled(); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await fetch(`${base}${SOAK_STATS_PATH.drain}`, { method: 'POST' }).then((r) =>
        r.arrayBuffer(),
      );
      stats = await soakStats();
    }
    const shipping = stats.decisionShipping;
    const requests = Object.values(statuses).reduce(
      (n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0),
      0,
    );
    const summary = {
      when: new Date().toISOString(),
      requests,
      concurrency: CONCURRENCY,
      loadSeconds,
      faultRate: 0.05,
      faultsInjected: stats.injected,
      statuses,
      unexpected5xx: unexpected.length,
      unexpectedSamples: unexpected.slice(0, 10),
      retryAsked503: retryAsked,
      events: {
        sent: eventsSent,
        accepted: acceptedIds.size,
        storedInD1: stats.d1.events,
        deadLettered: stats.d1.dead_letters,
      },
      decisionRecords: {
        pagesThatLog: loggedPages.size,
        storedInD1: stats.d1.decisions,
        stillSpilled: stats.d1.decisions_spilled_pending,
        rendered: shipping.rendered,
        sentFirstTry: shipping.firstTry,
        sentAfterRetry: shipping.afterRetry,
        spilledToD1: shipping.spilled,
        lost: shipping.lost,
      },
    };
    writeFileSync(path.join(ROOT, '.soak', 'summary.json'), JSON.stringify(summary, null, 2));
    console.log(JSON.stringify(summary, null, 2));
    const lost = acceptedIds.size - ((stats.d1.events ?? 0) + (stats.d1.dead_letters ?? 0));
    const recordsMissing = loggedPages.size - (stats.d1.decisions ?? 0);
    if (unexpected.length || lost > 0 || recordsMissing !== 0) {
      console.error(
        `soak FAILED: ${unexpected.length} unexpected 5xx, ${lost} accepted events not in D1, ` +
          `${recordsMissing} decision records missing (stored ${stats.d1.decisions} for ${loggedPages.size} pages that log one)`,
      );
      process.exitCode = 1;
    } else
      console.log(
        'soak passed: zero unexpected 5xx, every accepted event is in D1, decision records stored = pages that log one',
      );
  } finally {
    child.kill('SIGTERM');
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** What D1 holds, and the faults both workers injected (each counts its own). */
interface Shipping {
  rendered: number;
  firstTry: number;
  afterRetry: number;
  spilled: number;
  lost: number;
}

async function soakStats(): Promise<{
  injected: Record<string, number>;
  d1: Record<string, number | null>;
  decisionShipping: Shipping;
}> {
  const visitor = (await (await fetch(`${base}${SOAK_STATS_PATH.visitor}`)).json()) as {
    injected: Record<string, number>;
    d1: Record<string, number | null>;
    decisionShipping: Shipping;
  };
  const control = (await (await fetch(`${base}${SOAK_STATS_PATH.control}`)).json()) as {
    injected: Record<string, number>;
  };
  const injected = { ...visitor.injected };
  for (const [kind, n] of Object.entries(control.injected))
    injected[kind] = (injected[kind] ?? 0) + n;
  return { injected, d1: visitor.d1, decisionShipping: visitor.decisionShipping };
}

/**
 * Each simulated visitor browses from an address of their own (CF-Connecting-IP, which the local
 * runtime keeps when the client sets it), as real visitors do: the per-address limit on
 * POST /events (EVENTS_IP_RATE) sees many clients, not one loopback address.
 */
const addressOf = (visitor: string) => {
  let h = 0;
  for (const ch of visitor) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${h & 255}`;
};

const BAD_COOKIES = [
  '',
  'garbage',
  'a.b.c',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ2LXJ1bm5lciJ9.',
  '%E0%A4%A',
  'x'.repeat(3000),
];

async function one(
  kind: Kind,
  o: { tokens: Map<string, string>; visitorIds: string[]; paths: string[]; adminToken: string },
) {
  const visitor = pick(o.visitorIds);
  const consent = pick(['personal', 'personal', 'contextual', 'none', undefined]);
  const cookie = (vid: string | undefined) =>
    [
      vid ? `__Host-tsr_vid=${o.tokens.get(vid)}` : undefined,
      consent ? `tsr_consent=${consent}` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
  let res: Response;
  try {
    switch (kind) {
      case 'page':
        res = await fetch(`${base}${pick(o.paths)}`, {
          headers: {
            cookie: cookie(random() < 0.7 ? visitor : undefined),
            'cf-connecting-ip': addressOf(visitor),
            ...(random() < 0.1 ? { 'sec-gpc': '1' } : {}),
          },
        });
        break;
      case 'page-bad-cookie':
        res = await fetch(`${base}${pick(o.paths)}`, {
          headers: {
            cookie: `__Host-tsr_vid=${pick(BAD_COOKIES)}${hex(4)}`,
            'cf-connecting-ip': addressOf(visitor),
          },
        });
        break;
      case 'events':
        res = await sendEvents(visitor, o.tokens.get(visitor)!);
        break;
      case 'events-malformed': {
        const body = pick([
          '{',
          '{"events":"nope"}',
          JSON.stringify({ events: [{ id: 'x', type: 'warp' }] }),
          'x'.repeat(70_000),
          '[]',
        ]);
        res = await fetch(`${base}/events`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            cookie: `__Host-tsr_vid=${o.tokens.get(visitor)}; tsr_consent=personal`,
            'cf-connecting-ip': addressOf(visitor),
          },
        });
        break;
      }
      case 'privacy':
        res = await fetch(`${base}/privacy/me`, { headers: { cookie: cookie(visitor) } });
        break;
      case 'admin':
        res = await fetch(`${base}/admin/privacy/visitors/${visitor}`, {
          headers: { authorization: `Bearer ${o.adminToken}` },
        });
        break;
    }
    await res.arrayBuffer();
    // A rendered page logs a record; the built-in setup page (nothing readable live) does not.
    const decision = res.headers.get('x-tessera-decision');
    const rendered = res.status === 200 && res.headers.get('x-tessera-version') !== 'none';
    if (kind.startsWith('page') && rendered && decision) loggedPages.add(decision);
  } catch (error) {
    unexpected.push(`${kind}: network error ${String(error)}`);
    return;
  }
  note(kind, res.status);
  // Pages must never fail. Elsewhere a 503 with Retry-After is the documented "try again" answer.
  const retryable =
    !kind.startsWith('page') && res.status === 503 && res.headers.has('retry-after');
  if (retryable) retryAsked++;
  if (res.status >= 500 && !retryable) unexpected.push(`${kind}: ${res.status}`);
}

/** Like the tracker: a batch with fresh ids, retried with the same ids after a 503. */
async function sendEvents(visitor: string, token: string): Promise<Response> {
  const events = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
    id: `soak-${hex(20)}`,
    type: 'page_view',
    path: '/',
  }));
  eventsSent += events.length;
  let res: Response = new Response(null, { status: 599 });
  for (let attempt = 0; attempt < 6; attempt++) {
    res = await fetch(`${base}/events`, {
      method: 'POST',
      body: JSON.stringify({ events }),
      headers: {
        'content-type': 'text/plain',
        cookie: `__Host-tsr_vid=${token}; tsr_consent=personal`,
        'cf-connecting-ip': addressOf(visitor),
      },
    });
    if (res.status !== 503 || attempt === 5) break;
    retryAsked++;
    await res.arrayBuffer();
    // Retry-After is in seconds; the soak honours it scaled down 50× to stay bounded.
    await new Promise((r) => setTimeout(r, (Number(res.headers.get('retry-after')) || 1) * 20));
  }
  if (res.status === 202) for (const e of events) acceptedIds.add(e.id);
  return res;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
