/**
 * Console sign-in: turns proof of who someone is into the console's bearer token (an ordinary
 * admin token, kept by the console in sessionStorage — never a cookie).
 *
 *   POST /admin/console/session  { link }   a `tessera console` link (single use, 10 min)
 *   POST /admin/console/session             behind Cloudflare Access: its verified JWT
 *   GET  /admin/console/me                  who the bearer token is, and its scopes
 *   GET  /admin/console/config              (no token) whether Cloudflare Access signs people in
 *
 * A pasted admin token needs no exchange: the console uses it as it is (and asks /me).
 * The POST requires `Content-Type: application/json`, which a cross-site form cannot send
 * without a CORS preflight this worker never grants; and its answer is readable only by the
 * console's own origin.
 */
import { Hono } from 'hono/tiny';
import { signAdminToken, type Scope } from '../../shared/auth/admin-token.ts';
import { CONSOLE_SESSION_TTL_SECONDS, verifyConsoleLink } from '../../shared/auth/console-link.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { configFor } from '../../shared/config.ts';
import { useLinkOnce } from '../../shared/drafts/store.ts';
import * as z from '../../shared/schema/zod.ts';
import { requireScope } from '../auth/require-scope.ts';
import { fail, jsonBody, type AdminApp } from '../routes/admin.ts';
import { ACCESS_HEADER, accessConfig, verifyAccessJwt } from './access.ts';

const SessionBody = z.strictObject({
  link: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

const noStore = { 'cache-control': 'no-store' };

export function consoleSessionRoutes(now: () => number) {
  const app = new Hono<AdminApp>();

  app.post('/session', async (c) => {
    const body = await jsonBody(c, 4096);
    if (!body.ok) return body.response;
    const parsed = SessionBody.safeParse(body.json);
    if (!parsed.success) return fail(c, 422, 'invalid_request', 'expected { link? }');
    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const ring = await keyringFor(configFor(c.env).adminKeys);
    const unauthorized = (code: string, message: string) => {
      c.header('www-authenticate', 'Bearer realm="tessera-admin"');
      return fail(c, 401, code, message);
    };

    let who: { sub: string; scopes: Scope[]; via: 'link' | 'access' };
    if (parsed.data.link) {
      const link = await verifyConsoleLink(ring, parsed.data.link, nowSeconds);
      if (!link.ok) return unauthorized(link.code, link.message);
      if (!(await useLinkOnce(c.env.DB, link.link.jti, link.link.exp * 1000, nowMs)))
        return unauthorized(
          'link_used',
          'this sign-in link was used already: run `npx tessera console` for a new one',
        );
      who = { sub: link.link.sub, scopes: link.link.scopes, via: 'link' };
    } else {
      const access = accessConfig(c.env);
      const assertion = c.req.header(ACCESS_HEADER);
      if (!access || !assertion)
        return unauthorized(
          'missing_token',
          access
            ? 'sign in through Cloudflare Access (no Access token reached the worker)'
            : 'sign in with a link from `npx tessera console`, or paste an admin token',
        );
      const verified = await verifyAccessJwt(access, assertion, nowSeconds);
      if (!verified.ok) return unauthorized(verified.code, verified.message);
      who = { sub: verified.sub, scopes: access.scopes, via: 'access' };
    }
    const token = await signAdminToken(ring, {
      sub: who.sub,
      scopes: who.scopes,
      nowSeconds,
      ttlSeconds: CONSOLE_SESSION_TTL_SECONDS,
    });
    return c.json(
      {
        token,
        sub: who.sub,
        scopes: who.scopes,
        via: who.via,
        expiresAt: new Date((nowSeconds + CONSOLE_SESSION_TTL_SECONDS) * 1000).toISOString(),
      },
      201,
      noStore,
    );
  });

  // Lets the sign-in page try Access only where it is configured (no 401 to show otherwise).
  app.get('/config', (c) => c.json({ access: accessConfig(c.env) !== undefined }, 200, noStore));

  app.get('/me', requireScope('read'), (c) => {
    const admin = c.get('admin');
    return c.json({ sub: admin.sub, scopes: [...admin.scopes].sort() }, 200, noStore);
  });

  return app;
}
