/**
 * Hono middleware guarding admin routes: 401 (`missing_token`, `invalid_token`,
 * `expired_token`, with `WWW-Authenticate`) for a missing or bad token, 403
 * (`insufficient_scope`) for a valid token without the required scope.
 */
import type { MiddlewareHandler } from 'hono';
import { configFor } from '../../shared/config.ts';
import { ApiError } from '../../shared/http/errors.ts';
import type { ControlEnv } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { bearer, verifyAdminToken, type Admin, type Scope } from '../../shared/auth/admin-token.ts';

export type AdminVars = { admin: Admin };

export function requireScope(
  scope: Scope,
  now: () => number,
): MiddlewareHandler<{ Bindings: ControlEnv; Variables: AdminVars }> {
  return async (c, next) => {
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
    if (!result.admin.scopes.has(scope))
      throw new ApiError('insufficient_scope', `this route needs the "${scope}" scope`);
    c.set('admin', result.admin);
    return next();
  };
}
