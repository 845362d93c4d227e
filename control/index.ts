/**
 * Tessera's control plane: everything that writes, behind admin bearer tokens or the platform.
 *
 * Serves: /admin/* — the publishing API (versions, live pointer, history, preview links;
 * routes/admin.ts), experiment reports (routes/experiments.ts), attribution, ROI and maturity
 * (routes/insights.ts) and data-subject requests by id
 * (routes/privacy.ts); GET /v1/openapi.json — the decision and admin APIs' OpenAPI document
 * (routes/openapi.ts); the marketer console (console/: its page and files at /console, its
 * sign-in, drafts, previews and allocation chart under /admin/console and /admin/drafts). In
 * production it is routed `/admin/*`, `/console*` and that one path of the site's host (README,
 * docs/deploy.md); locally the dev router forwards them there.
 * Consumes: `tessera-decisions` (decision log + exposures → D1), `tessera-events` (events → D1 +
 * profiles), `tessera-dead-letter` (→ D1 dead_letters), dispatched on `batch.queue`.
 * Scheduled: the bandit cron (D1 → CONTENT bandit:snapshot), pruning of old erasure
 * tombstones (shared/privacy/tombstones.ts) and draining decision records the visitor worker
 * spilled to D1 when the queue failed (cron/drain-decisions.ts), and the report rollup
 * (cron/report-rollup.ts: one summary row per visitor of each live phase, for fast reports).
 * Configuration is checked once at start-up (shared/config.ts).
 */
import { env as startupEnv } from 'cloudflare:workers';
import { Hono } from 'hono/tiny';
import { configFor, loadConfig } from '../shared/config.ts';
import { pseudonymKey } from '../shared/privacy/pseudonym.ts';
import { BundleStore } from '../shared/data/bundle-store.ts';
import { asJsonApi } from '../shared/http/on-error.ts';
import { pruneTombstones } from '../shared/privacy/tombstones.ts';
import { DEAD_LETTER_QUEUE, consumeDeadLetters } from './consumers/dead-letters.ts';
import { DECISIONS_QUEUE, consumeDecisions } from './consumers/decisions.ts';
import { EVENTS_QUEUE, consumeEvents } from './consumers/events.ts';
import { publishBanditSnapshot } from './cron/bandit-snapshot.ts';
import { drainSpilledDecisions } from './cron/drain-decisions.ts';
import { rollUpReports } from './cron/report-rollup.ts';
import { requireAdmin, type AdminVars } from './auth/require-scope.ts';
import type { ControlEnv } from './env.ts';
import { adminRoutes } from './routes/admin.ts';
import { OPENAPI_PATH, openApiResponse } from './routes/openapi.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { insightRoutes } from './routes/insights.ts';
import { adminPrivacyRoutes } from './routes/privacy.ts';
import { accessConfig } from './console/access.ts';
import { allocationRoutes } from './console/allocation-routes.ts';
import { CONSOLE_PATH, consoleAssetRoutes } from './console/asset-routes.ts';
import { draftRoutes } from './console/draft-routes.ts';
import { consolePreviewRoutes } from './console/preview-routes.ts';
import { consoleSessionRoutes } from './console/session-routes.ts';

// Fail loudly at start-up, not on the first admin request or queue batch.
loadConfig(startupEnv);
accessConfig(startupEnv);

/**
 * The only /admin/* paths answered without an admin token, because they are how one is obtained:
 * the console's sign-in exchange and whether Cloudflare Access is configured for it
 * (control/console/). Everything else under /admin/ gets the same 401 first (issue 13 #7).
 */
export const OPEN_ADMIN_PATHS: ReadonlySet<string> = new Set([
  '/admin/console/session',
  '/admin/console/config',
]);

export interface ControlDeps {
  /** The clock: tests pass their own (publishing allows one pointer move per second). */
  now: () => number;
  /** Ids of new drafts (tests pass their own). */
  newId?: () => string;
}

/** A draft id: 16 lowercase letters and digits from the platform's CSPRNG. */
export function randomDraftId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => alphabet[b % 36]).join('');
}

export function createControlApp(deps: ControlDeps) {
  // Every answer is JSON: errors and unknown routes as the one error body (shared/http/).
  const app = asJsonApi(new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>());
  // Before routing: without a verified token every /admin/* path, known or not, is the same 401.
  app.use('/admin/*', requireAdmin(deps.now, OPEN_ADMIN_PATHS));
  app.route('/admin/privacy', adminPrivacyRoutes(deps.now));
  app.route('/admin/console/preview', consolePreviewRoutes(deps.now));
  app.route('/admin/console/experiments', allocationRoutes(deps.now));
  app.route('/admin/console', consoleSessionRoutes(deps.now));
  app.route('/admin/drafts', draftRoutes({ now: deps.now, newId: deps.newId ?? randomDraftId }));
  app.route('/admin/experiments', experimentRoutes(deps.now));
  app.route('/admin', insightRoutes(deps.now));
  app.route('/admin', adminRoutes(deps.now));
  app.get(OPENAPI_PATH, () => openApiResponse());
  app.route(CONSOLE_PATH, consoleAssetRoutes());
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
          return consumeDeadLetters(
            batch,
            env.DB,
            deps.now(),
            await pseudonymKey(configFor(env).visitorKeys),
          );
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
        drainSpilledDecisions(env.DB),
        rollUpReports(env, store, controller.scheduledTime),
      ]);
      const failed = chores.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export default createControlWorker();
