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
import { eraseHeld, readHeld } from '../../shared/privacy/held-data.ts';
import { privacyStores } from '../../shared/privacy/stores.ts';

type Ctx = Context<{ Bindings: Env }>;

const NO_STORE = { 'cache-control': 'private, no-store' };

/** A store failed: the answer would be incomplete, so say so and ask for a retry. */
const unavailable = (what: string) =>
  Response.json(
    { error: { code: 'store_unavailable', message: `could not ${what}; it is safe to retry` } },
    { status: 503, headers: { ...NO_STORE, 'retry-after': '5' } },
  );

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

async function subjectOf(c: Ctx) {
  const ring = await keyringFor(configFor(c.env).visitorKeys);
  return cookieSubject(ring, getCookie(c, VISITOR_COOKIE), Math.floor(Date.now() / 1000));
}

export function privacyRoutes() {
  const app = new Hono<{ Bindings: Env }>();

  app.get('/me', async (c) => {
    const subject = await subjectOf(c);
    if (!subject)
      return c.json(
        {
          subject: null,
          note: 'this browser carries no valid Tessera cookie, so nothing is linked to it',
        },
        200,
        NO_STORE,
      );
    try {
      return c.json(
        { subject, held: await readHeld(privacyStores(c.env), subject) },
        200,
        NO_STORE,
      );
    } catch {
      return unavailable('read your data');
    }
  });

  app.delete('/me', async (c) => {
    if (crossSite(c))
      return c.json(
        { error: { code: 'cross_site', message: 'erasure must come from the site itself' } },
        403,
        NO_STORE,
      );
    const subject = await subjectOf(c);
    const headers = { ...NO_STORE, 'set-cookie': clearVisitorCookie() };
    if (!subject) return c.json({ subject: null, erased: null }, 200, headers);
    try {
      const erased = await eraseHeld(privacyStores(c.env), subject, Date.now());
      console.log(JSON.stringify({ event: 'tessera.privacy.erase', by: 'visitor', erased }));
      return c.json({ subject, erased }, 200, headers);
    } catch {
      return unavailable('erase your data');
    }
  });

  return app;
}
