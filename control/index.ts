/**
 * Tessera's control plane: everything that writes, behind admin bearer tokens or the platform.
 *
 * Serves: /admin/* — the publishing API (versions, live pointer, history, preview links;
 * routes/admin.ts), experiment reports (routes/experiments.ts) and data-subject requests by id
 * (routes/privacy.ts); GET /v1/openapi.json — the decision and admin APIs' OpenAPI document
 * (routes/openapi.ts). In production it is routed `/admin/*` and that one path of the site's host
 * (README, docs/deploy.md); locally the dev router forwards them there.
 * Consumes: `tessera-decisions` (decision log + exposures → D1), `tessera-events` (events → D1 +
 * profiles), `tessera-dead-letter` (→ D1 dead_letters), dispatched on `batch.queue`.
 * Scheduled: the bandit cron (D1 → CONTENT bandit:snapshot) and pruning of old erasure
 * tombstones (shared/privacy/tombstones.ts).
 * Configuration is checked once at start-up (shared/config.ts).
 */
import { env as startupEnv } from 'cloudflare:workers';
import { Hono } from 'hono/tiny';
import { loadConfig } from '../shared/config.ts';
import { BundleStore } from '../shared/data/bundle-store.ts';
import { asJsonApi } from '../shared/http/on-error.ts';
import { pruneTombstones } from '../shared/privacy/tombstones.ts';
import { DEAD_LETTER_QUEUE, consumeDeadLetters } from './consumers/dead-letters.ts';
import { DECISIONS_QUEUE, consumeDecisions } from './consumers/decisions.ts';
import { EVENTS_QUEUE, consumeEvents } from './consumers/events.ts';
import { publishBanditSnapshot } from './cron/bandit-snapshot.ts';
import type { ControlEnv } from './env.ts';
import { adminRoutes } from './routes/admin.ts';
import { OPENAPI_PATH, openApiResponse } from './routes/openapi.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { adminPrivacyRoutes } from './routes/privacy.ts';

// Fail loudly at start-up, not on the first admin request or queue batch.
loadConfig(startupEnv);

export interface ControlDeps {
  /** The clock: tests pass their own (publishing allows one pointer move per second). */
  now: () => number;
}

export function createControlApp(deps: ControlDeps) {
  // Every answer is JSON: errors and unknown routes as the one error body (shared/http/).
  const app = asJsonApi(new Hono<{ Bindings: ControlEnv }>());
  app.route('/admin/privacy', adminPrivacyRoutes(deps.now));
  app.route('/admin/experiments', experimentRoutes(deps.now));
  app.route('/admin', adminRoutes(deps.now));
  app.get(OPENAPI_PATH, () => openApiResponse());
  return app;
}

/** The control plane's handlers, all present (tests and the soak wrapper call them directly). */
export type ControlWorker = Required<
  Pick<ExportedHandler<ControlEnv>, 'fetch' | 'queue' | 'scheduled'>
>;

/** Per-isolate state lives here (the cron's bundle cache). */
export function createControlWorker(deps: ControlDeps = { now: () => Date.now() }): ControlWorker {
  const store = new BundleStore();
  const app = createControlApp(deps);
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
        publishBanditSnapshot(env, store, controller.scheduledTime),
        pruneTombstones(env.DB, controller.scheduledTime),
      ]);
      const failed = chores.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export default createControlWorker();
