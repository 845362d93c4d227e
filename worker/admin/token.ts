/**
 * Admin bearer tokens: HS256 JWTs signed with ADMIN_KEYS, with issuer, audience, expiry and a
 * `scope` claim (space-separated: `publish`, `read`, `preview`, `privacy`) all checked. `privacy`
 * (read and erase one person's data by id) is apart from `read`/`publish` on purpose: content
 * editors need not see profiles, and the privacy officer need not publish. Pure apart from
 * crypto; the HTTP mapping (401/403) lives in middleware.ts.
 */
import * as z from '../../shared/schema/zod.ts';
import { claimsProblem, signJws, verifyJws } from '../identity/jws.ts';
import type { Keyring } from '../identity/keyring.ts';

export const ADMIN_ISSUER = 'tessera';
export const ADMIN_AUDIENCE = 'tessera-admin';
export const SCOPES = ['publish', 'read', 'preview', 'privacy'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

const AdminClaims = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z.string().check(z.maxLength(200)),
  exp: z.number().check(z.int()),
});

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
  return signJws(ring.signing, {
    scope: o.scopes.join(' '),
    iss: ADMIN_ISSUER,
    aud: ADMIN_AUDIENCE,
    sub: o.sub,
    iat: o.nowSeconds,
    exp: o.nowSeconds + (o.ttlSeconds ?? 3600),
  });
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
  const verified = await verifyJws(token, (kid) => ring.byKid.get(kid));
  if (!verified.ok) {
    return verified.failure === 'unknown_kid'
      ? { ok: false, code: 'invalid_token', message: 'token signed with an unknown key id' }
      : { ok: false, code: 'invalid_token', message: 'token is not a valid admin token' };
  }
  const problem = claimsProblem(verified.claims, {
    now: nowSeconds,
    issuer: ADMIN_ISSUER,
    audience: ADMIN_AUDIENCE,
    required: ['sub', 'exp', 'scope'],
  });
  if (problem && 'expired' in problem)
    return { ok: false, code: 'expired_token', message: 'token has expired' };
  if (problem) {
    return {
      ok: false,
      code: 'invalid_token',
      message: `token claim "${problem.claim}" is not acceptable`,
    };
  }
  const claims = AdminClaims.safeParse(verified.claims);
  if (!claims.success)
    return { ok: false, code: 'invalid_token', message: 'token claims are malformed' };
  const scopes = new Set(
    claims.data.scope
      .split(' ')
      .map((s) => Scope.safeParse(s))
      .flatMap((r) => (r.success ? [r.data] : [])),
  );
  return { ok: true, admin: { sub: claims.data.sub, scopes } };
}
