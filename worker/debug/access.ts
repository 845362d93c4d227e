/**
 * Who may see the debug trace: `?tessera_debug=1` (in the page) or `?tessera_debug=json`, and
 * only with a valid admin bearer token carrying the `read` scope (never a cookie). Anything
 * else — no token, a bad one, the wrong scope, another parameter value — means "no debug" and
 * the page renders as usual, so the parameter reveals nothing to visitors.
 */
import { bearer, verifyAdminToken } from '../../shared/auth/admin-token.ts';
import type { HmacKey } from '../../shared/config.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';

export const DEBUG_PARAM = 'tessera_debug';
export type DebugMode = 'html' | 'json';

export function requestedDebug(url: URL): DebugMode | undefined {
  const value = url.searchParams.get(DEBUG_PARAM);
  return value === '1' ? 'html' : value === 'json' ? 'json' : undefined;
}

export async function debugMode(
  url: URL,
  authorization: string | null | undefined,
  adminKeys: HmacKey[],
  nowSeconds: number,
): Promise<DebugMode | undefined> {
  const mode = requestedDebug(url);
  if (!mode) return undefined;
  const verified = await verifyAdminToken(
    await keyringFor(adminKeys),
    bearer(authorization),
    nowSeconds,
  );
  return verified.ok && verified.admin.scopes.has('read') ? mode : undefined;
}
