/**
 * Data-subject requests handled by the site's privacy officer, by id:
 *   GET    /admin/privacy/visitors/:id    GET    /admin/privacy/customers/:id
 *   DELETE /admin/privacy/visitors/:id    DELETE /admin/privacy/customers/:id
 * All need an admin bearer token with the `privacy` scope (never a cookie).
 */
import { Hono } from 'hono/tiny';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';
import type { ControlEnv } from '../env.ts';
import { VisitorIdPattern } from '../../shared/auth/visitor-token.ts';
import { eraseHeld, readHeld, type Subject } from '../../shared/privacy/held-data.ts';
import { privacyStores } from '../../shared/privacy/stores.ts';

const NO_STORE = { 'cache-control': 'no-store' };

/** A store failed: the answer would be incomplete, so say so and ask for a retry. */
const unavailable = (what: string) =>
  Response.json(
    { error: { code: 'store_unavailable', message: `could not ${what}; it is safe to retry` } },
    { status: 503, headers: { 'cache-control': 'private, no-store', 'retry-after': '5' } },
  );

export function adminPrivacyRoutes() {
  const app = new Hono<{ Bindings: ControlEnv; Variables: AdminVars }>();
  app.use('*', requireScope('privacy'));

  for (const [kind, field] of [
    ['visitors', 'visitorId'],
    ['customers', 'customerId'],
  ] as const) {
    const subjectOf = (id: string): Subject | undefined =>
      VisitorIdPattern.test(id) ? { [field]: id } : undefined;
    const badId = (id: string) => ({
      error: {
        code: 'invalid_id',
        message: `${field} must be 1–64 letters, digits, "_" or "-"; got ${JSON.stringify(id.slice(0, 80))}`,
      },
    });

    app.get(`/${kind}/:id`, async (c) => {
      const id = c.req.param('id');
      const subject = subjectOf(id);
      if (!subject) return c.json(badId(id), 400, NO_STORE);
      try {
        return c.json(
          { subject, held: await readHeld(privacyStores(c.env), subject) },
          200,
          NO_STORE,
        );
      } catch {
        return unavailable(`read ${kind} ${id}`);
      }
    });

    app.delete(`/${kind}/:id`, async (c) => {
      const id = c.req.param('id');
      const subject = subjectOf(id);
      if (!subject) return c.json(badId(id), 400, NO_STORE);
      try {
        const erased = await eraseHeld(privacyStores(c.env), subject, Date.now());
        console.log(
          JSON.stringify({ event: 'tessera.privacy.erase', by: c.get('admin').sub, kind, erased }),
        );
        return c.json({ subject, erased }, 200, NO_STORE);
      } catch {
        return unavailable(`erase ${kind} ${id}`);
      }
    });
  }
  return app;
}
