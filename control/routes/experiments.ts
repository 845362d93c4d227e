/**
 * Admin experiment routes (bearer token with the `read` scope):
 *   GET /admin/experiments/:id/report   (`holdout` for the global holdout)
 * `?version=<bundle version>` reports against a specific published bundle instead of the live one.
 */
import { Hono } from 'hono/tiny';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';
import { configFor } from '../../shared/config.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import type { ControlEnv } from '../env.ts';
import { experimentReport } from '../../shared/experiments/report.ts';

export function experimentRoutes(now: () => number) {
  const store = new BundleStore();
  const app = new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>();
  app.use('*', requireScope('read'));
  app.get('/:id/report', async (c) => {
    const config = configFor(c.env);
    const version = c.req.query('version');
    const bundle = version
      ? await store.version(c.env.CONTENT, version, config.kvDeadlineMs * 10)
      : (await store.live(c.env.CONTENT, now(), config.kvDeadlineMs * 10, 0)).bundle;
    if (!bundle) {
      return c.json(
        {
          error: {
            code: 'no_bundle',
            message: version ? `bundle ${version} was not found` : 'no bundle is live',
          },
        },
        404,
      );
    }
    const id = c.req.param('id');
    const report = await experimentReport(c.env.DB, bundle, id);
    if (!report) {
      const known = ['holdout', ...(bundle.experiments ?? []).map((e) => e.id)].join(', ');
      return c.json(
        {
          error: {
            code: 'unknown_experiment',
            message: `no experiment "${id}" in bundle ${bundle.version} (known: ${known})`,
          },
        },
        404,
      );
    }
    return c.json(report, 200, { 'cache-control': 'no-store' });
  });
  return app;
}
