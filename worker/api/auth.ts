/**
 * Who may call the decision API: a server holding a bearer token with the `decide` scope,
 * minted like admin tokens (ADMIN_KEYS; `tessera token admin --scope decide`). Never a cookie:
 * a browser cannot be made to call it with someone's ambient credentials.
 */
import { bearer, verifyAdminToken } from '../../shared/auth/admin-token.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import type { HmacKey } from '../../shared/config.ts';
import { ApiProblem } from './errors.ts';

export interface Caller {
  /** The token's subject, for logs. */
  sub: string;
  /** What the per-token rate limit counts under: the token's signature, unique per token. */
  rateKey: string;
}

export async function decideCaller(
  adminKeys: HmacKey[],
  authorization: string | undefined,
  nowSeconds: number,
): Promise<Caller> {
  const token = bearer(authorization);
  const verified = await verifyAdminToken(await keyringFor(adminKeys), token, nowSeconds);
  if (!verified.ok) {
    throw new ApiProblem(401, verified.code, verified.message, {
      headers: { 'www-authenticate': 'Bearer realm="tessera-decide"' },
    });
  }
  if (!verified.admin.scopes.has('decide')) {
    throw new ApiProblem(
      403,
      'insufficient_scope',
      'the decision API needs a token with the "decide" scope (tessera token admin --scope decide)',
    );
  }
  return {
    sub: verified.admin.sub,
    rateKey: `decide:${token!.slice(token!.lastIndexOf('.') + 1)}`,
  };
}
