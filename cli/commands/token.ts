/**
 * `tessera token visitor <id> [--cid <customerId>]`: a valid visitor cookie value for the local
 * dev keys (.dev.vars), so developers and the README's curl examples can act as any visitor.
 * `tessera token admin --scope …`: the same for admin bearer tokens.
 */
import { userInfo } from 'node:os';
import { MAX_ADMIN_TTL_SECONDS, signAdminToken } from '../../shared/auth/admin-token.ts';
import { Scope } from '../../shared/auth/claims.ts';
import { adminKeyring } from '../lib/dev-keys.ts';
import { loadConfig, ConfigError } from '../../shared/config.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { VisitorIdPattern, signVisitorToken } from '../../shared/auth/visitor-token.ts';
import { devVars } from '../lib/dev-vars.ts';
import { CliError } from '../lib/errors.ts';

export const USAGE = 'tessera token visitor <visitorId> [--cid <customerId>]';

export async function visitorToken(
  id: string | undefined,
  cid: string | undefined,
  now = Date.now(),
): Promise<string> {
  if (!id) throw new CliError(`missing visitor id. Usage: ${USAGE}`);
  for (const [what, value] of [
    ['visitor id', id],
    ['customer id', cid],
  ] as const) {
    if (value !== undefined && !VisitorIdPattern.test(value)) {
      throw new CliError(`${what} "${value}" must be 1–64 letters, digits, "_" or "-"`);
    }
  }
  let config;
  try {
    config = loadConfig(devVars());
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const ring = await keyringFor(config.visitorKeys);
  return signVisitorToken(ring, { sub: id, ...(cid ? { cid } : {}) }, Math.floor(now / 1000));
}

export const ADMIN_USAGE =
  'tessera token admin --scope <publish|read|preview|privacy|decide>[,…] [--sub <who>] [--ttl <seconds>]';

/**
 * `tessera token admin --scope publish`: an admin bearer token for the local dev keys, for curl
 * against `npm run dev` (or `TESSERA_ADMIN_TOKEN` with `--target http://127.0.0.1:<port>`).
 */
export async function adminToken(
  scope: string | undefined,
  sub: string | undefined,
  ttl: string | undefined,
  now = Date.now(),
): Promise<string> {
  if (!scope) throw new CliError(`missing --scope. Usage: ${ADMIN_USAGE}`);
  const scopes = scope.split(/[ ,]+/).filter(Boolean);
  const bad = scopes.filter((s) => !Scope.safeParse(s).success);
  if (bad.length || scopes.length === 0)
    throw new CliError(
      `--scope "${scope}": expected publish, read, preview, privacy or decide (comma-separated), found "${bad.join(', ')}"`,
    );
  const ttlSeconds = ttl === undefined ? 3600 : Number(ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_ADMIN_TTL_SECONDS) {
    throw new CliError(
      `--ttl "${ttl}": expected whole seconds between 60 and ${MAX_ADMIN_TTL_SECONDS} (admin tokens live at most a day)`,
    );
  }
  return signAdminToken(await adminKeyring(), {
    sub: sub ?? `dev:${userInfo().username}`,
    scopes: scopes.map((s) => Scope.parse(s)),
    nowSeconds: Math.floor(now / 1000),
    ttlSeconds,
  });
}
