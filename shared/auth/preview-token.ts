/**
 * Preview tokens: short-lived HS256 JWTs signed with ADMIN_KEYS that let a browser see a
 * not-yet-live version and/or a forced segment. Two audiences keep the two uses apart:
 * - `tessera-preview`: the link a QA person opens (`/__tessera/preview?token=…`);
 * - `tessera-preview-session`: the HttpOnly cookie that link is exchanged for.
 * Neither is accepted as an admin bearer token (audience `tessera-admin`), nor the reverse.
 */
import { signJwt, verifyJwt } from './jwt.ts';
import type { PreviewTarget } from './claims.ts';
import { PreviewClaims } from '../schema/validators.gen.ts';
import { isCanonicalJws } from './canonical.ts';
import { resolveKid, type Keyring } from './keyring.ts';
import { ADMIN_ALG, ADMIN_ISSUER } from './admin-token.ts';
import { lifetimeProblem } from './lifetime.ts';

/** Where a preview link lands (the visitor worker turns it into a session cookie). */
export const PREVIEW_PATH = '/__tessera/preview';
export const PREVIEW_LINK_AUDIENCE = 'tessera-preview';
export const PREVIEW_SESSION_AUDIENCE = 'tessera-preview-session';
/** Long enough to open the link and click around; short enough that a leaked link goes stale. */
export const PREVIEW_TTL_SECONDS = 30 * 60;
/** No link or session lives longer than this (exp − iat), whoever minted it. */
export const MAX_PREVIEW_TTL_SECONDS = 4 * 3600;

export type { PreviewTarget } from './claims.ts';

export interface PreviewSession extends PreviewTarget {
  /** Who created the link (token `sub`). */
  by: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

type Audience = typeof PREVIEW_LINK_AUDIENCE | typeof PREVIEW_SESSION_AUDIENCE;

export async function signPreviewToken(
  ring: Keyring,
  o: {
    by: string;
    target: PreviewTarget;
    audience: Audience;
    nowSeconds: number;
    expSeconds: number;
  },
): Promise<string> {
  if (!(o.expSeconds > o.nowSeconds && o.expSeconds - o.nowSeconds <= MAX_PREVIEW_TTL_SECONDS))
    throw new RangeError(`a preview token lives at most ${MAX_PREVIEW_TTL_SECONDS} s`);
  return signJwt(
    { alg: ADMIN_ALG, kid: ring.signing.kid, typ: 'JWT' },
    {
      scope: 'preview',
      pv: o.target,
      iss: ADMIN_ISSUER,
      aud: o.audience,
      sub: o.by,
      iat: o.nowSeconds,
      exp: o.expSeconds,
    },
    ring.signing.key,
  );
}

/** Never throws: undefined for anything that is not a valid, unexpired preview token. */
export async function verifyPreviewToken(
  ring: Keyring,
  token: string | undefined,
  audience: Audience,
  nowSeconds: number,
): Promise<PreviewSession | undefined> {
  if (!token || token.length > 2048 || !isCanonicalJws(token)) return undefined;
  try {
    const payload = await verifyJwt(token, resolveKid(ring), {
      algorithms: [ADMIN_ALG],
      issuer: ADMIN_ISSUER,
      audience,
      nowSeconds,
      requiredClaims: ['sub', 'iat', 'exp', 'scope'],
    });
    const claims = PreviewClaims(payload);
    if (!claims.success) return undefined;
    if (lifetimeProblem(claims.data, nowSeconds, MAX_PREVIEW_TTL_SECONDS)) return undefined;
    return { ...claims.data.pv, by: claims.data.sub, exp: claims.data.exp };
  } catch {
    return undefined;
  }
}
