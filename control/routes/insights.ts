/**
 * Business reports of the admin API (bearer token with the `read` scope; issue 17):
 *   GET  /admin/attribution?days=30   what preceded conversions and revenue (observational)
 *   GET  /admin/roi                   ROI without a cost file: says which numbers are missing
 *   POST /admin/roi                   ROI from the cost file in the body (shared/schema/costs.ts)
 *   GET  /admin/maturity?days=30      stage 1–3 per dimension of the maturity matrix, evidence, next step
 * Always against the live bundle. Mounted at /admin beside the publishing routes. Errors are the one JSON error body (shared/http/errors.ts).
 */
import { Hono } from 'hono/tiny';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';
import { configFor } from '../../shared/config.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { Costs } from '../../shared/schema/costs.ts';
import {
  attributionReport,
  DEFAULT_DAYS,
  MAX_DAYS,
  maturityReport,
  roiReport,
} from '../../shared/revenue/insights.ts';
import type { ControlEnv } from '../env.ts';

const noStore = { 'cache-control': NO_STORE };

/** `?days=` as a whole number of days, 1–90 (default 30). */
function daysOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DAYS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS)
    throw new ApiError(
      'invalid_request',
      `days must be a whole number from 1 to ${MAX_DAYS}, got "${raw.slice(0, 20)}"`,
    );
  return n;
}

export function insightRoutes(now: () => number) {
  const store = new BundleStore();
  const app = new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>();
  const live = async (env: ControlEnv) =>
    (await store.live(env.CONTENT, now(), configFor(env).kvDeadlineMs * 10, 0)).bundle;
  // Per route, not `use('*')`: this app is mounted at /admin beside the publishing routes.
  const read = requireScope('read', now);

  app.get('/attribution', read, async (c) => {
    const days = daysOf(c.req.query('days'));
    return c.json(await attributionReport(c.env.DB, await live(c.env), now(), days), 200, noStore);
  });

  app.get('/roi', read, async (c) =>
    c.json(await roiReport(c.env.DB, await live(c.env), undefined), 200, noStore),
  );

  app.post('/roi', read, jsonBody({ maxBytes: 16 * 1024 }), async (c) => {
    const costs = await readJson(c, Costs, { expected: 'a cost file (docs/maturity.md "ROI")' });
    return c.json(await roiReport(c.env.DB, await live(c.env), costs), 200, noStore);
  });

  app.get('/maturity', read, async (c) => {
    const days = daysOf(c.req.query('days'));
    return c.json(await maturityReport(c.env.DB, await live(c.env), now(), days), 200, noStore);
  });
  return app;
}
