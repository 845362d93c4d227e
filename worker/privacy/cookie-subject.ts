/**
 * Whose data does this browser's cookie name? For the rights endpoints an expired cookie still
 * counts — its signature proves the holder was that visitor, and their rights outlive the cookie.
 * Forged, tampered or unknown-key cookies name nobody.
 */
import { decodeJwt } from 'jose';
import type { Keyring } from '../../shared/auth/keyring.ts';
import { verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import type { Subject } from '../../shared/privacy/held-data.ts';

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
