/**
 * The visitor cookie's token: a compact JWS (HS256) whose `sub` is the visitor id, optionally
 * carrying `cid` (a known customer id minted by the site's own login system with the same keys).
 * Verification pins the algorithm and resolves the key by `kid`; anything else is rejected.
 */
import { errors } from 'jose';
import { signJwt, verifyJwt } from './jwt.ts';
import type { VisitorClaims } from './claims.ts';

export { VISITOR_AUDIENCE, VisitorIdPattern } from './token-names.ts';
import { VisitorClaims as checkVisitorClaims } from '../schema/validators.gen.ts';
import { isCanonicalJws } from './canonical.ts';
import { UnknownKid, resolveKid, type Keyring } from './keyring.ts';

export const VISITOR_ALG = 'HS256';
/** Longer than any real cookie of ours (~250 bytes); anything bigger is not ours. */
export const MAX_TOKEN_LENGTH = 1024;
/** Browsers cap cookie lifetime at 400 days; the token lives as long as the cookie. */
export const VISITOR_TTL_SECONDS = 400 * 24 * 3600;

export async function signVisitorToken(
  ring: Keyring,
  claims: { sub: string; cid?: string },
  nowSeconds: number,
  ttlSeconds = VISITOR_TTL_SECONDS,
): Promise<string> {
  return signJwt(
    { alg: VISITOR_ALG, kid: ring.signing.kid, typ: 'JWT' },
    {
      ...(claims.cid ? { cid: claims.cid } : {}),
      sub: claims.sub,
      iat: nowSeconds,
      exp: nowSeconds + ttlSeconds,
    },
    ring.signing.key,
  );
}

export type { VisitorClaims } from './claims.ts';

export type VerifyFailure = 'oversized' | 'expired' | 'unknown_kid' | 'bad_claims' | 'invalid';
export type VerifyResult =
  { ok: true; claims: VisitorClaims } | { ok: false; failure: VerifyFailure };

/** Never throws: every way a token can be wrong maps to a failure code. */
export async function verifyVisitorToken(
  ring: Keyring,
  token: string,
  nowSeconds: number,
): Promise<VerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, failure: 'oversized' };
  if (!isCanonicalJws(token)) return { ok: false, failure: 'invalid' };
  try {
    const payload = await verifyJwt(token, resolveKid(ring), {
      algorithms: [VISITOR_ALG],
      nowSeconds,
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    const claims = checkVisitorClaims(payload);
    return claims.success
      ? { ok: true, claims: claims.data }
      : { ok: false, failure: 'bad_claims' };
  } catch (error) {
    if (error instanceof UnknownKid) return { ok: false, failure: 'unknown_kid' };
    if (error instanceof errors.JWTExpired) return { ok: false, failure: 'expired' };
    if (error instanceof errors.JWTClaimValidationFailed)
      return { ok: false, failure: 'bad_claims' };
    return { ok: false, failure: 'invalid' };
  }
}
