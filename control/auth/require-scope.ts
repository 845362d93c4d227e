/**
 * Hono middleware guarding admin routes.
 *
 * `requireAdmin` runs in front of every `/admin/*` route, before routing says anything: a request
 * without a verified admin token gets the same 401 (`missing_token`, `invalid_token`,
 * `expired_token`, with `WWW-Authenticate`) whether or not the route exists, so an unauthenticated
 * caller cannot list the admin API by probing paths (issue 13 #7). `requireScope` then answers 403
 * (`insufficient_scope`) for a valid token without the route's scope.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { configFor } from '../../shared/config.ts';
import { ApiError } from '../../shared/http/errors.ts';
import type { ControlEnv } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { bearer, verifyAdminToken, type Admin, type Scope } from '../../shared/auth/admin-token.ts';

export type AdminVars = { admin: Admin };

type AdminContext = Context<{ Bindings: ControlEnv; Variables: AdminVars }>;

/** The request's verified admin (once per request), or the 401 every unauthenticated call gets. */
async function verifiedAdmin(c: AdminContext, now: () => number): Promise<Admin> {
  const known = c.get('admin');
  if (known) return known;
  const ring = await keyringFor(configFor(c.env).adminKeys);
  const result = await verifyAdminToken(
    ring,
    bearer(c.req.header('authorization')),
    Math.floor(now() / 1000),
  );
  if (!result.ok)
    throw new ApiError(result.code, result.message, {
      headers: { 'www-authenticate': 'Bearer realm="tessera-admin"' },
    });
  c.set('admin', result.admin);
  return result.admin;
}

/**
 * Any valid admin token, whatever its scopes: mounted on `/admin/*` ahead of every route.
 * `open` lists exact paths that authenticate by other means and must answer without a token (a
 * sign-in exchange that issues one); every other path, known or not, needs one.
 */
export function requireAdmin(
  now: () => number,
  open: ReadonlySet<string> = new Set(),
): MiddlewareHandler<{ Bindings: ControlEnv; Variables: AdminVars }> {
  return async (c, next) => {
    if (!open.has(c.req.path)) await verifiedAdmin(c, now);
    return next();
  };
}

export function requireScope(
  scope: Scope,
  now: () => number,
): MiddlewareHandler<{ Bindings: ControlEnv; Variables: AdminVars }> {
  return async (c, next) => {
    const admin = await verifiedAdmin(c, now);
    if (!admin.scopes.has(scope))
      throw new ApiError('insufficient_scope', `this route needs the "${scope}" scope`);
    return next();
  };
}
