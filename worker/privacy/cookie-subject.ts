/**
 * Whose data does this browser's cookie name? For the rights endpoints an expired cookie still
 * counts — its signature proves the holder was that visitor, and their rights outlive the
 * cookie — but only while a browser could still be holding it: browsers keep a cookie at most
 * 400 days (`MAX_COOKIE_AGE_SECONDS`), so a token issued longer ago than that was copied out of
 * a browser, not sent by one, and names nobody. Forged, tampered or unknown-key cookies name
 * nobody either.
 */
import { decodeJwt } from 'jose';
import type { Keyring } from '../../shared/auth/keyring.ts';
import { VISITOR_TTL_SECONDS, verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import type { Subject } from '../../shared/privacy/held-data.ts';

/** The longest a browser keeps a cookie (RFC 6265bis caps Max-Age and Expires at 400 days). */
export const MAX_COOKIE_AGE_SECONDS = VISITOR_TTL_SECONDS;

export async function cookieSubject(
  ring: Keyring,
  token: string | undefined,
  nowSeconds: number,
): Promise<Subject | undefined> {
  if (!token) return undefined;
  let verified = await verifyVisitorToken(ring, token, nowSeconds);
  if (!verified.ok && verified.failure === 'expired') {
    // Re-check the signature and claims at a moment the token was valid.
    const exp = safeExp(token);
    if (exp !== undefined) verified = await verifyVisitorToken(ring, token, exp - 1);
    if (verified.ok && nowSeconds - verified.claims.iat > MAX_COOKIE_AGE_SECONDS) return undefined;
  }
  if (!verified.ok) return undefined;
  const { sub, cid } = verified.claims;
  return cid ? { visitorId: sub, customerId: cid } : { visitorId: sub };
}

function safeExp(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isInteger(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
