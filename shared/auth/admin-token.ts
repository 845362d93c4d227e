/**
 * Admin bearer tokens: HS256 JWTs signed with ADMIN_KEYS, with issuer, audience, expiry and a
 * `scope` claim (space-separated: `publish`, `read`, `preview`, `privacy`, `decide`) all checked.
 * `privacy` (read and erase one person's data by id) is apart from `read`/`publish` on purpose:
 * content editors need not see profiles, and the privacy officer need not publish. `decide` is
 * for servers calling the decision API (`/v1/*` on the visitor-facing worker) and nothing else. Pure apart from
 * crypto; the HTTP mapping (401/403) lives in middleware.ts.
 */
import { errors } from 'jose';
import { signJwt, verifyJwt } from './jwt.ts';
import { AdminClaims, Scope } from '../schema/validators.gen.ts';
import type { SCOPES } from './token-names.ts';

export { SCOPES } from './token-names.ts';
import { isCanonicalJws } from './canonical.ts';
import { UnknownKid, resolveKid, type Keyring } from './keyring.ts';
import { lifetimeProblem } from './lifetime.ts';

export const ADMIN_ISSUER = 'tessera';
export const ADMIN_AUDIENCE = 'tessera-admin';
export const ADMIN_ALG = 'HS256';
/** The longest an admin token may live (exp − iat): a day's work, then mint another. */
export const MAX_ADMIN_TTL_SECONDS = 24 * 3600;
export type Scope = (typeof SCOPES)[number];

export interface Admin {
  /** Who: shown in audit records. */
  sub: string;
  scopes: Set<Scope>;
}

export type AdminVerify =
  | { ok: true; admin: Admin }
  | { ok: false; code: 'missing_token' | 'invalid_token' | 'expired_token'; message: string };

export async function signAdminToken(
  ring: Keyring,
  o: { sub: string; scopes: Scope[]; nowSeconds: number; ttlSeconds?: number },
): Promise<string> {
  const ttl = o.ttlSeconds ?? 3600;
  if (!(ttl > 0 && ttl <= MAX_ADMIN_TTL_SECONDS))
    throw new RangeError(`an admin token lives at most ${MAX_ADMIN_TTL_SECONDS} s, not ${ttl}`);
  return signJwt(
    { alg: ADMIN_ALG, kid: ring.signing.kid, typ: 'JWT' },
    {
      scope: o.scopes.join(' '),
      iss: ADMIN_ISSUER,
      aud: ADMIN_AUDIENCE,
      sub: o.sub,
      iat: o.nowSeconds,
      exp: o.nowSeconds + ttl,
    },
    ring.signing.key,
  );
}

/** Reads `Authorization: Bearer <jwt>`; cookies are never consulted (no CSRF surface). */
export function bearer(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization.trim());
  return m?.[1];
}

export async function verifyAdminToken(
  ring: Keyring,
  token: string | undefined,
  nowSeconds: number,
): Promise<AdminVerify> {
  if (!token)
    return {
      ok: false,
      code: 'missing_token',
      message: 'send Authorization: Bearer <admin token>',
    };
  if (token.length > 4096) return { ok: false, code: 'invalid_token', message: 'token too long' };
  if (!isCanonicalJws(token))
    return { ok: false, code: 'invalid_token', message: 'token is not a valid admin token' };
  try {
    const payload = await verifyJwt(token, resolveKid(ring), {
      algorithms: [ADMIN_ALG],
      issuer: ADMIN_ISSUER,
      audience: ADMIN_AUDIENCE,
      nowSeconds,
      requiredClaims: ['sub', 'iat', 'exp', 'scope'],
    });
    const claims = AdminClaims(payload);
    if (!claims.success)
      return { ok: false, code: 'invalid_token', message: 'token claims are malformed' };
    const tooLong = lifetimeProblem(claims.data, nowSeconds, MAX_ADMIN_TTL_SECONDS);
    if (tooLong) return { ok: false, code: 'invalid_token', message: tooLong };
    const scopes = new Set(
      claims.data.scope
        .split(' ')
        .map((s) => Scope(s))
        .flatMap((r) => (r.success ? [r.data] : [])),
    );
    return { ok: true, admin: { sub: claims.data.sub, scopes } };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { ok: false, code: 'expired_token', message: 'token has expired' };
    if (error instanceof UnknownKid)
      return { ok: false, code: 'invalid_token', message: 'token signed with an unknown key id' };
    if (error instanceof errors.JWTClaimValidationFailed) {
      return {
        ok: false,
        code: 'invalid_token',
        message: `token claim "${error.claim}" is not acceptable`,
      };
    }
    return { ok: false, code: 'invalid_token', message: 'token is not a valid admin token' };
  }
}
