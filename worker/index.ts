/**
 * Tessera's worker: personalized server-rendered pages at the edge.
 *
 * Serves: GET /healthz, and every other GET as a personalized page of the live bundle.
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
import { handlePage, type PageDeps } from './routes/page.ts';

// Fail loudly at start-up, not on the first visitor.
loadConfig(startupEnv);

export function createApp(deps: PageDeps) {
  const app = new Hono<{ Bindings: Env }>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('*', (c) => handlePage(c, deps));
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
