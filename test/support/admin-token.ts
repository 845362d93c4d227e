/**
 * Mints admin bearer tokens for tests with jose directly (the worker's signer is not under test).
 */
import { SignJWT } from 'jose';
import { ADMIN_KID, ADMIN_SECRET } from './keys.ts';
import { nowSeconds } from './tokens.ts';

export async function mintAdminToken(
  o: { scope: string; exp?: number; secret?: string; aud?: string } = { scope: 'read' },
): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({ scope: o.scope })
    .setProtectedHeader({ alg: 'HS256', kid: ADMIN_KID, typ: 'JWT' })
    .setIssuer('tessera')
    .setAudience(o.aud ?? 'tessera-admin')
    .setSubject('test-admin')
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 600)
    .sign(new TextEncoder().encode(o.secret ?? ADMIN_SECRET));
}

export const bearerHeader = (token: string) => ({ authorization: `Bearer ${token}` });
