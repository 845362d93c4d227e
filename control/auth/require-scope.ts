/**
 * Hono middleware guarding admin routes: 401 for a missing or bad token, 403 for a valid token
 * without the required scope. JSON error bodies: `{ "error": { "code", "message" } }`.
 */
import type { MiddlewareHandler } from 'hono';
import { configFor } from '../../shared/config.ts';
import type { ControlEnv } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { bearer, verifyAdminToken, type Admin, type Scope } from '../../shared/auth/admin-token.ts';

export type AdminVars = { admin: Admin };

export function requireScope(
  scope: Scope,
): MiddlewareHandler<{ Bindings: ControlEnv; Variables: AdminVars }> {
  return async (c, next) => {
    const ring = await keyringFor(configFor(c.env).adminKeys);
    const result = await verifyAdminToken(
      ring,
      bearer(c.req.header('authorization')),
      Math.floor(Date.now() / 1000),
    );
    if (!result.ok) {
      return c.json({ error: { code: result.code, message: result.message } }, 401, {
        'www-authenticate': 'Bearer realm="tessera-admin"',
        'cache-control': 'no-store',
      });
    }
    if (!result.admin.scopes.has(scope)) {
      return c.json(
        { error: { code: 'insufficient_scope', message: `this route needs the "${scope}" scope` } },
        403,
        { 'cache-control': 'no-store' },
      );
    }
    c.set('admin', result.admin);
    return next();
  };
}
