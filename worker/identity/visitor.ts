/**
 * Who is this visitor? Reads the `__Host-tsr_vid` cookie, verifies it, and when it is missing
 * or bad in any way treats the visitor as new and mints a fresh cookie. Never throws.
 */
import type { Reason } from '../../shared/reasons.ts';
import {
  VISITOR_TTL_SECONDS,
  signVisitorToken,
  verifyVisitorToken,
  type VerifyFailure,
} from '../../shared/auth/visitor-token.ts';
import type { Keyring } from '../../shared/auth/keyring.ts';

export const VISITOR_COOKIE = '__Host-tsr_vid';
/** Re-issue the cookie once it is this old, so active visitors never hit expiry. */
const REFRESH_AFTER_SECONDS = 7 * 24 * 3600;

export interface Identity {
  visitorId: string;
  customerId?: string;
  /** True when this request minted the id (first visit or unusable cookie). */
  isNew: boolean;
  /** A fresh token to set as the cookie, when one is needed. */
  issueToken?: string;
  reason?: Reason;
  /** No consent to an identifier: this id lives for one request and is never stored or sent. */
  ephemeral?: true;
}

const FAILURE_REASON: Record<VerifyFailure, Reason> = {
  oversized: 'cookie.oversized',
  expired: 'cookie.expired',
  unknown_kid: 'cookie.unknown_kid',
  bad_claims: 'cookie.bad_claims',
  invalid: 'cookie.invalid',
};

export async function resolveVisitor(
  ring: Keyring,
  token: string | undefined,
  nowSeconds: number,
  newId: () => string,
): Promise<Identity> {
  if (token) {
    const verified = await verifyVisitorToken(ring, token, nowSeconds);
    if (verified.ok) {
      const { sub, cid, iat } = verified.claims;
      const identity: Identity = {
        visitorId: sub,
        isNew: false,
        ...(cid ? { customerId: cid } : {}),
      };
      // Only re-sign our own anonymous cookies; a cookie carrying `cid` belongs to the site's login.
      if (!cid && nowSeconds - iat > REFRESH_AFTER_SECONDS) {
        identity.issueToken = await signVisitorToken(ring, { sub }, nowSeconds);
      }
      return identity;
    }
    const visitorId = newId();
    return {
      visitorId,
      isNew: true,
      issueToken: await signVisitorToken(ring, { sub: visitorId }, nowSeconds),
      reason: FAILURE_REASON[verified.failure],
    };
  }
  const visitorId = newId();
  return {
    visitorId,
    isNew: true,
    issueToken: await signVisitorToken(ring, { sub: visitorId }, nowSeconds),
    reason: 'cookie.missing',
  };
}

/** The Set-Cookie value: host-only (`__Host-`, no Domain), HTTPS-only, invisible to scripts. */
export function visitorCookie(token: string): string {
  return `${VISITOR_COOKIE}=${token}; Max-Age=${VISITOR_TTL_SECONDS}; Path=/; Secure; HttpOnly; SameSite=Lax`;
}

/** Removes the cookie (erasure, or consent withdrawn): same name, path and flags, expired. */
export function clearVisitorCookie(): string {
  return `${VISITOR_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`;
}
