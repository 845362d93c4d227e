/**
 * Tessera's visitor-facing worker: personalized server-rendered pages at the edge.
 *
 * Serves: GET /healthz; GET /__tessera/bare (the benchmark's static baseline, only with
 * BENCH_ROUTES=on); GET/DELETE /privacy/me (visitor rights); POST /events; /v1/* (the decision
 * API for servers, bearer tokens with the `decide` scope; routes/decisions.ts); GET
 * /__tessera/t.js (tracker); /__tessera/preview (preview links → session cookie;
 * preview/session.ts); and every other GET as a personalized page of the live bundle (or of a
 * preview session's version).
 * It only reads what the control plane (control/) writes: the admin API, the queue consumers
 * and the cron live there, and it consumes what this worker queues (decision log, events).
 * Configuration is checked once at start-up (see config.ts): a bad VISITOR_KEYS stops the
 * worker with a message that says how to fix it.
 */
import { env as startupEnv } from 'cloudflare:workers';
import type { Handler } from 'hono';
import { Hono } from 'hono/tiny';
import { configFor } from '../shared/config.ts';
import { BanditStore } from './data/bandit-store.ts';
import { BundleStore } from '../shared/data/bundle-store.ts';
import type { Env } from './env.ts';
import { TRACKER_PATH, trackerResponse } from './routes/tracker.ts';
import { resolvePreview } from './preview/session.ts';
import { PREVIEW_PATH, exitPreview, startPreview } from './routes/preview.ts';
import { BARE_PATH, benchRoutesOn, handleBare } from './routes/bare.ts';
import { benchEnv } from './bench/isolate-kv.ts';
import { SHIP_STATS_PATH, shipStats } from './bench/ship-stats.ts';
import { eventRoutes } from './routes/events.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { handleOriginMethod, handlePage, type PageDeps } from './routes/page.ts';
import { STYLESHEET_PATH, stylesheetResponse } from './routes/stylesheet.ts';
import { privacyRoutes } from './routes/privacy.ts';

// Fail loudly at start-up, not on the first visitor. Through configFor, so the first request
// finds the checked configuration in its per-isolate memo instead of checking it again.
configFor(startupEnv);

type App = Hono<{ Bindings: Env }>;

/**
 * A JSON app no page request uses (/privacy, /events, /v1), built — its hono app created, its
 * routes registered — on its own first request, once per isolate, instead of during a cold
 * isolate's module evaluation (docs/performance.md, cold start). Mounted at `base` in an app of
 * its own, with its own error handler, as `app.route(base, …)` mounts it; createApp registers the
 * methods and paths `app.route` would (test/worker/lazy-mounts.test.ts compares them).
 */
function mountedOnFirstUse(base: string, build: () => App): Handler<{ Bindings: Env }> {
  let mounted: App | undefined;
  return (c) =>
    (mounted ??= new Hono<{ Bindings: Env }>().route(base, build())).fetch(
      c.req.raw,
      c.env,
      c.executionCtx,
    );
}

export function createApp(deps: PageDeps) {
  const app: App = new Hono<{ Bindings: Env }>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  // The benchmark's baseline: static HTML through the same worker (docs/performance.md). Only
  // where BENCH_ROUTES is "on" (the bench sets it; no wrangler environment does), else it is an
  // ordinary unknown page.
  app.get(BARE_PATH, (c, next) => (benchRoutesOn(c.env) ? handleBare(c, deps.newId) : next()));
  app.get(SHIP_STATS_PATH, shipStats);
  app.on(
    ['GET', 'DELETE'],
    '/privacy/me',
    mountedOnFirstUse('/privacy', () => privacyRoutes(deps.now)),
  );
  app.post(
    '/events',
    mountedOnFirstUse('/events', () => eventRoutes(deps)),
  );
  // The decision API for servers (bearer token, scope `decide`); JSON under /v1, never a page.
  // Its own catch-all answers every other /v1 path, so the mount takes them all.
  app.all(
    '/v1/*',
    mountedOnFirstUse('/v1', () => decisionRoutes(deps)),
  );
  app.get(TRACKER_PATH, (c) => trackerResponse(c.req.header('if-none-match')));
  app.get(PREVIEW_PATH, (c) => startPreview(c, deps.now()));
  app.get(`${PREVIEW_PATH}/exit`, () => exitPreview());
  app.get(STYLESHEET_PATH, (c) => stylesheetResponse(c.req.header('if-none-match')));
  app.get('*', async (c) => handlePage(c, deps, { preview: await resolvePreview(c, deps.now()) }));
  // Origin pages take every method (forms, APIs) straight to the origin; elsewhere 404.
  app.all('*', (c) => handleOriginMethod(c, deps));
  return app;
}

/**
 * Per-isolate state lives here: the bundle cache survives across requests in a warm isolate.
 * Tests may replace a dependency (e.g. `sleep`, so the decision record's send retries do not wait
 * in real time).
 */
export function createWorker(overrides: Partial<PageDeps> = {}): ExportedHandler<Env> {
  const deps: PageDeps = {
    store: new BundleStore(),
    bandits: new BanditStore(),
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
    ...overrides,
  };
  const app = createApp(deps);
  return { fetch: (request, env, ctx) => app.fetch(request, benchEnv(request, env), ctx) };
}

export default createWorker();
