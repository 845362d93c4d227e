/**
 * Admin experiment routes (bearer token with the `read` scope):
 *   GET /admin/experiments/:id/report   (`holdout` for the global holdout)
 * `?version=<bundle version>` reports against a specific published bundle instead of the live one;
 * `?channel=<channel>` counts only the visitors exposed in that channel (`web`, `email`, …).
 */
import { Hono } from 'hono/tiny';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';
import { configFor } from '../../shared/config.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import type { ControlEnv } from '../env.ts';
import { experimentReport } from '../../shared/experiments/report.ts';
import { Channel } from '../../shared/schema/channel.ts';

export function experimentRoutes(now: () => number) {
  const store = new BundleStore();
  const app = new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>();
  app.use('*', requireScope('read', now));
  app.get('/:id/report', async (c) => {
    const config = configFor(c.env);
    const version = c.req.query('version');
    const bundle = version
      ? await store.version(c.env.CONTENT, version, config.kvDeadlineMs * 10)
      : (await store.live(c.env.CONTENT, now(), config.kvDeadlineMs * 10, 0)).bundle;
    if (!bundle)
      throw new ApiError(
        'no_bundle',
        version ? `bundle ${version} was not found` : 'no bundle is live',
      );
    const id = c.req.param('id');
    const channel = c.req.query('channel');
    if (channel !== undefined && !Channel.safeParse(channel).success) {
      return c.json(
        {
          error: {
            code: 'invalid_channel',
            message: `channel "${channel.slice(0, 40)}": expected web, app, email, server or a custom channel (lowercase letters, digits, dashes)`,
          },
        },
        400,
      );
    }
    const report = await experimentReport(c.env.DB, bundle, id, channel ? { channel } : {});
    if (!report) {
      const known = ['holdout', ...(bundle.experiments ?? []).map((e) => e.id)].join(', ');
      throw new ApiError(
        'unknown_experiment',
        `no experiment "${id}" in bundle ${bundle.version} (known: ${known})`,
      );
    }
    return c.json(report, 200, { 'cache-control': NO_STORE });
  });
  return app;
}
