/**
 * Visitor rights, for the visitor of the current cookie:
 *   GET    /privacy/me  → everything Tessera holds about them (JSON)
 *   DELETE /privacy/me  → erase it all, and clear the identifier cookie
 *
 * No consent is needed to exercise a right, so the cookie is read here whatever the consent level.
 * Only same-origin requests may erase (the cookie is SameSite=Lax; this is belt and braces).
 */
import type { Context } from 'hono';
import { Hono } from 'hono/tiny';
import { getCookie } from 'hono/cookie';
import { configFor } from '../../shared/config.ts';
import type { Env } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { VISITOR_COOKIE, clearVisitorCookie } from '../identity/visitor.ts';
import { cookieSubject } from '../privacy/cookie-subject.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { asJsonApi } from '../../shared/http/on-error.ts';
import { eraseHeld, readHeld } from '../../shared/privacy/held-data.ts';
import { privacyStores, storeUnavailable } from '../../shared/privacy/stores.ts';

type Ctx = Context<{ Bindings: Env }>;

const noStore = { 'cache-control': NO_STORE };

function crossSite(c: Ctx): boolean {
  if (c.req.header('sec-fetch-site') === 'cross-site') return true;
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
}

async function subjectOf(c: Ctx, nowMs: number) {
  const ring = await keyringFor(configFor(c.env).visitorKeys);
  return cookieSubject(ring, getCookie(c, VISITOR_COOKIE), Math.floor(nowMs / 1000));
}

export function privacyRoutes(now: () => number) {
  const app = asJsonApi(new Hono<{ Bindings: Env }>());

  app.get('/me', async (c) => {
    const subject = await subjectOf(c, now());
    if (!subject)
      return c.json(
        {
          subject: null,
          note: 'this browser carries no valid Tessera cookie, so nothing is linked to it',
        },
        200,
        noStore,
      );
    try {
      return c.json({ subject, held: await readHeld(privacyStores(c.env), subject) }, 200, noStore);
    } catch (cause) {
      throw storeUnavailable('read your data', cause);
    }
  });

  app.delete('/me', async (c) => {
    if (crossSite(c)) throw new ApiError('cross_site', 'erasure must come from the site itself');
    const subject = await subjectOf(c, now());
    const headers = { ...noStore, 'set-cookie': clearVisitorCookie() };
    if (!subject) return c.json({ subject: null, erased: null }, 200, headers);
    try {
      const erased = await eraseHeld(privacyStores(c.env), subject, now());
      console.log(JSON.stringify({ event: 'tessera.privacy.erase', by: 'visitor', erased }));
      return c.json({ subject, erased }, 200, headers);
    } catch (cause) {
      throw storeUnavailable('erase your data', cause);
    }
  });

  return app;
}
