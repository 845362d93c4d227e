/**
 * An experiment's allocation over time, for the console's chart (scope `read`):
 *
 *   GET /admin/console/experiments/:id/allocation?days=14
 *   → { experiment, days: [{ day: "2026-11-23", arms: { "<arm>": <new visitors> } }] }
 *
 * New visitors per arm per day (UTC): each visitor counted once, on the day and in the arm of
 * their first exposure — for a bandit, how its split moved; for an A/B test, that it held.
 */
import { Hono } from 'hono/tiny';
import * as z from '../../shared/schema/zod.ts';
import { requireScope } from '../auth/require-scope.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import type { AdminApp } from '../routes/admin.ts';

const DAY = 86_400_000;
const ExperimentId = z.string().check(z.regex(/^(_holdout|[a-z0-9][a-z0-9-]{0,63})$/));
const Row = z.object({ arm: z.string(), day: z.number(), visitors: z.number() });

export interface AllocationDay {
  day: string;
  arms: Record<string, number>;
}

export function allocationRoutes(now: () => number) {
  const app = new Hono<AdminApp>();
  app.get('/:id/allocation', requireScope('read', now), async (c) => {
    const id = ExperimentId.safeParse(
      c.req.param('id') === 'holdout' ? '_holdout' : c.req.param('id'),
    );
    if (!id.success)
      throw new ApiError('unknown_experiment', `no experiment "${c.req.param('id')}"`);
    const days = Math.min(Math.max(1, Math.floor(Number(c.req.query('days') ?? '14')) || 14), 90);
    const today = Math.floor(now() / DAY);
    const since = (today - days + 1) * DAY;
    const { results } = await c.env.DB.prepare(
      `SELECT arm, CAST(first_at / ${DAY} AS INTEGER) AS day, COUNT(*) AS visitors FROM (
         SELECT unit_id, arm, MIN(at) AS first_at FROM exposures
         WHERE experiment = ?1 AND sticky = 1 GROUP BY unit_id HAVING first_at >= ?2
       ) GROUP BY day, arm ORDER BY day`,
    )
      .bind(id.data, since)
      .all();
    const byDay = new Map<number, Record<string, number>>();
    for (let d = today - days + 1; d <= today; d++) byDay.set(d, {});
    for (const raw of results) {
      const row = Row.parse(raw);
      const arms = byDay.get(row.day);
      if (arms) arms[row.arm] = row.visitors;
    }
    const out: AllocationDay[] = [...byDay].map(([d, arms]) => ({
      day: new Date(d * DAY).toISOString().slice(0, 10),
      arms,
    }));
    return c.json({ experiment: c.req.param('id'), days: out }, 200, { 'cache-control': NO_STORE });
  });
  return app;
}
