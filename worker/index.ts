/**
 * Tessera's worker: personalized server-rendered pages at the edge.
 *
 * Serves: GET /healthz; GET /__tessera/bare (the benchmark's static baseline); GET/DELETE /privacy/me (visitor rights); /admin/privacy/* (the same by
 * id); /admin/experiments/:id/report; /admin/* (publishing API, bearer tokens; admin/routes.ts);
 * POST /events; GET /__tessera/t.js (tracker); /__tessera/preview (preview links → session
 * cookie; preview/session.ts); and every other GET as a personalized page of the live bundle (or
 * of a preview session's version).
 * Consumes: `tessera-decisions` (decision log + exposures → D1), `tessera-events` (events → D1 +
 * profiles), `tessera-dead-letter` (→ D1 dead_letters), dispatched on `batch.queue`.
 * Scheduled: the bandit cron (D1 → CONTENT bandit:snapshot) and pruning of old erasure
 * tombstones (privacy/tombstones.ts).
 * Configuration is checked once at start-up (see config.ts): a bad VISITOR_KEYS stops the
 * worker with a message that says how to fix it.
 */
import { env as startupEnv } from 'cloudflare:workers';
import { Hono } from 'hono/tiny';
import { loadConfig } from '../shared/config.ts';
import { BanditStore } from './data/bandit-store.ts';
import { BundleStore } from './data/bundle-store.ts';
import type { Env } from './env.ts';
import { consumeEvents, EVENTS_QUEUE } from './events/consumer.ts';
import { consumeDeadLetters, DEAD_LETTER_QUEUE } from './events/dead-letters.ts';
import { TRACKER_PATH, trackerResponse } from './events/tracker.ts';
import { DECISIONS_QUEUE, consumeDecisions } from './log/consumer.ts';
import { adminRoutes } from './admin/routes.ts';
import { PREVIEW_PATH, exitPreview, resolvePreview, startPreview } from './preview/session.ts';
import { handleBare } from './routes/bare.ts';
import { adminPrivacyRoutes } from './routes/admin-privacy.ts';
import { publishBanditSnapshot } from './experiments/cron.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { handleEvents } from './routes/events.ts';
import { handleOriginMethod, handlePage, type PageDeps } from './routes/page.ts';
import { STYLESHEET_PATH, stylesheetResponse } from './origin/assets.ts';
import { pruneTombstones } from './privacy/tombstones.ts';
import { privacyRoutes } from './routes/privacy.ts';

// Fail loudly at start-up, not on the first visitor.
loadConfig(startupEnv);

export function createApp(deps: PageDeps) {
  const app = new Hono<{ Bindings: Env }>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  // The benchmark's baseline: static HTML through the same worker (docs/performance.md).
  app.get('/__tessera/bare', (c) => handleBare(c, deps.newId));
  app.route('/privacy', privacyRoutes());
  // Before /admin: its catch-all answers every other /admin path.
  app.route('/admin/privacy', adminPrivacyRoutes());
  app.post('/events', (c) => handleEvents(c, deps));
  app.get(TRACKER_PATH, (c) => trackerResponse(c.req.header('if-none-match')));
  // Before the publishing API's /admin routes, which answer everything else under /admin.
  app.route('/admin/experiments', experimentRoutes(deps.now));
  app.route('/admin', adminRoutes(deps.now));
  app.get(PREVIEW_PATH, (c) => startPreview(c, deps.now()));
  app.get(`${PREVIEW_PATH}/exit`, () => exitPreview());
  app.get(STYLESHEET_PATH, (c) => stylesheetResponse(c.req.header('if-none-match')));
  app.get('*', async (c) => handlePage(c, deps, { preview: await resolvePreview(c, deps.now()) }));
  // Origin pages take every method (forms, APIs) straight to the origin; elsewhere 404.
  app.all('*', (c) => handleOriginMethod(c, deps));
  return app;
}

/** Per-isolate state lives here: the bundle cache survives across requests in a warm isolate. */
export function createWorker(): ExportedHandler<Env> {
  const deps: PageDeps = {
    store: new BundleStore(),
    bandits: new BanditStore(),
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
  };
  const app = createApp(deps);
  return {
    fetch: (request, env, ctx) => app.fetch(request, env, ctx),
    async queue(batch, env) {
      switch (batch.queue) {
        case DECISIONS_QUEUE:
          return consumeDecisions(batch, env.DB);
        case EVENTS_QUEUE:
          return consumeEvents(batch, env, deps.now());
        case DEAD_LETTER_QUEUE:
          return consumeDeadLetters(batch, env.DB, deps.now());
        default:
          // Not ours: retry, so after max_retries the messages wait in the dead-letter queue.
          console.error(
            JSON.stringify({
              event: 'tessera.queue.unknown',
              queue: batch.queue,
              size: batch.messages.length,
            }),
          );
          batch.retryAll();
      }
    },
    async scheduled(controller, env) {
      // Independent chores: one failing must not hold back the other; the next run retries.
      const chores = await Promise.allSettled([
        publishBanditSnapshot(env, deps.store, controller.scheduledTime),
        pruneTombstones(env.DB, controller.scheduledTime),
      ]);
      const failed = chores.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export default createWorker();
