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
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError, type ErrorCode } from '../../shared/http/errors.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { ConsoleSessionRequest } from '../../shared/schema/console-api.ts';
import { requireScope } from '../auth/require-scope.ts';
import type { AdminApp } from '../routes/admin.ts';
import { ACCESS_HEADER, accessConfig, verifyAccessJwt } from './access.ts';

const noStore = { 'cache-control': NO_STORE };

/** The only /admin/* paths answered without an admin token: sign-in itself, and whether Access is on. */
export const CONSOLE_OPEN_PATHS: ReadonlySet<string> = new Set([
  '/admin/console/session',
  '/admin/console/config',
]);

const unauthorized = (code: ErrorCode, message: string) =>
  new ApiError(code, message, { headers: { 'www-authenticate': 'Bearer realm="tessera-admin"' } });

export function consoleSessionRoutes(now: () => number) {
  const app = new Hono<AdminApp>();

  app.post('/session', jsonBody({ maxBytes: 4096 }), async (c) => {
    const data = await readJson(c, ConsoleSessionRequest, { expected: 'expected { link? }' });
    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const ring = await keyringFor(configFor(c.env).adminKeys);

    let who: { sub: string; scopes: Scope[]; via: 'link' | 'access' };
    if (data.link) {
      const link = await verifyConsoleLink(ring, data.link, nowSeconds);
      if (!link.ok) throw unauthorized(link.code, link.message);
      if (!(await useLinkOnce(c.env.DB, link.link.jti, link.link.exp * 1000, nowMs)))
        throw unauthorized(
          'link_used',
          'this sign-in link was used already: run `npx tessera console` for a new one',
        );
      who = { sub: link.link.sub, scopes: link.link.scopes, via: 'link' };
    } else {
      const access = accessConfig(c.env);
      const assertion = c.req.header(ACCESS_HEADER);
      if (!access || !assertion)
        throw unauthorized(
          'missing_token',
          access
            ? 'sign in through Cloudflare Access (no Access token reached the worker)'
            : 'sign in with a link from `npx tessera console`, or paste an admin token',
        );
      const verified = await verifyAccessJwt(access, assertion, nowSeconds);
      if (!verified.ok) throw unauthorized(verified.code, verified.message);
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

  app.get('/me', requireScope('read', now), (c) => {
    const admin = c.get('admin');
    return c.json({ sub: admin.sub, scopes: [...admin.scopes].sort() }, 200, noStore);
  });

  return app;
}
