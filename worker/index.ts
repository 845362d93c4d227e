/**
 * Tessera's worker: personalized server-rendered pages at the edge.
 *
 * Serves: GET /healthz; GET/DELETE /privacy/me (visitor rights); /admin/privacy/* (the same by
 * id); /admin/* (publishing API, bearer tokens; admin/routes.ts); /__tessera/preview (preview
 * links → session cookie; preview/session.ts); and every other GET as a personalized page of the
 * live bundle (or of a preview session's version).
 * Consumes: the `tessera-decisions` queue (decision log → D1), dispatched on `batch.queue`.
 * Configuration is checked once at start-up (see config.ts): a bad VISITOR_KEYS stops the
 * worker with a message that says how to fix it.
 */
import { env as startupEnv } from 'cloudflare:workers';
import { Hono } from 'hono';
import { loadConfig } from './config.ts';
import { BundleStore } from './data/bundle-store.ts';
import type { Env } from './env.ts';
import { DECISIONS_QUEUE, consumeDecisions } from './log/consumer.ts';
import { adminRoutes } from './admin/routes.ts';
import { PREVIEW_PATH, exitPreview, resolvePreview, startPreview } from './preview/session.ts';
import { adminPrivacyRoutes } from './routes/admin-privacy.ts';
import { handlePage, type PageDeps } from './routes/page.ts';
import { privacyRoutes } from './routes/privacy.ts';

// Fail loudly at start-up, not on the first visitor.
loadConfig(startupEnv);

export function createApp(deps: PageDeps) {
  const app = new Hono<{ Bindings: Env }>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/privacy', privacyRoutes());
  // Before /admin: its catch-all answers every other /admin path.
  app.route('/admin/privacy', adminPrivacyRoutes());
  app.route('/admin', adminRoutes(deps.now));
  app.get(PREVIEW_PATH, (c) => startPreview(c, deps.now()));
  app.get(`${PREVIEW_PATH}/exit`, () => exitPreview());
  app.get('*', async (c) => handlePage(c, deps, { preview: await resolvePreview(c, deps.now()) }));
  return app;
}

/** Per-isolate state lives here: the bundle cache survives across requests in a warm isolate. */
export function createWorker(): ExportedHandler<Env> {
  const app = createApp({ store: new BundleStore(), now: () => Date.now(), newId: () => crypto.randomUUID() });
  return {
    fetch: (request, env, ctx) => app.fetch(request, env, ctx),
    async queue(batch, env) {
      switch (batch.queue) {
        case DECISIONS_QUEUE:
          return consumeDecisions(batch, env.DB);
        default:
          // Not ours (yet): retry, so after max_retries the messages wait in the dead-letter queue.
          console.error(JSON.stringify({ event: 'tessera.queue.unknown', queue: batch.queue, size: batch.messages.length }));
          batch.retryAll();
      }
    },
  };
}

export default createWorker();
