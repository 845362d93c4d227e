/**
 * Data-subject requests handled by the site's privacy officer, by id:
 *   GET    /admin/privacy/visitors/:id    GET    /admin/privacy/customers/:id
 *   DELETE /admin/privacy/visitors/:id    DELETE /admin/privacy/customers/:id
 * All need an admin bearer token with the `privacy` scope (never a cookie). A malformed id is
 * 400 `invalid_request`; a store that fails is 503 `store_unavailable` (safe to retry).
 */
import { Hono } from 'hono/tiny';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';
import type { ControlEnv } from '../env.ts';
import { VisitorIdPattern } from '../../shared/auth/visitor-token.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { eraseHeld, readHeld, type Subject } from '../../shared/privacy/held-data.ts';
import { privacyStores, storeUnavailable } from '../../shared/privacy/stores.ts';

const noStore = { 'cache-control': NO_STORE };

export function adminPrivacyRoutes(now: () => number) {
  const app = new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>();
  app.use('*', requireScope('privacy', now));

  for (const [kind, field] of [
    ['visitors', 'visitorId'],
    ['customers', 'customerId'],
  ] as const) {
    const subjectOf = (id: string): Subject => {
      if (VisitorIdPattern.test(id)) return { [field]: id };
      throw new ApiError('invalid_request', `${field} must be 1–64 letters, digits, "_" or "-"`, {
        issues: [
          {
            path: 'id',
            message: `${field} must be 1–64 letters, digits, "_" or "-"`,
            found: JSON.stringify(id.slice(0, 80)),
          },
        ],
      });
    };

    app.get(`/${kind}/:id`, async (c) => {
      const id = c.req.param('id');
      const subject = subjectOf(id);
      try {
        return c.json(
          { subject, held: await readHeld(privacyStores(c.env), subject) },
          200,
          noStore,
        );
      } catch (cause) {
        throw storeUnavailable(`read ${kind} ${id}`, cause);
      }
    });

    app.delete(`/${kind}/:id`, async (c) => {
      const id = c.req.param('id');
      const subject = subjectOf(id);
      try {
        const erased = await eraseHeld(privacyStores(c.env), subject, now());
        console.log(
          JSON.stringify({ event: 'tessera.privacy.erase', by: c.get('admin').sub, kind, erased }),
        );
        return c.json({ subject, erased }, 200, noStore);
      } catch (cause) {
        throw storeUnavailable(`erase ${kind} ${id}`, cause);
      }
    });
  }
  return app;
}
