/**
 * The visitor-cookie check as it was before worker/identity/jws.ts replaced jose (jwtVerify with
 * the algorithm pinned, the key by kid, the required claims, then the claims schema): kept only
 * so the bench can time both in the same run. jose is a dev dependency; the worker never loads it.
 */
import { jwtVerify } from 'jose';
import type { Keyring } from '../worker/identity/keyring.ts';
import { VisitorClaims } from '../worker/identity/visitor-token.ts';

export async function verifyWithJose(
  ring: Keyring,
  token: string,
  nowSeconds: number,
): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : ring.byKid.get(header.kid);
        if (!key) throw new Error('unknown kid');
        return key;
      },
      {
        algorithms: ['HS256'],
        currentDate: new Date(nowSeconds * 1000),
        requiredClaims: ['sub', 'iat', 'exp'],
      },
    );
    return VisitorClaims.safeParse(payload).success;
  } catch {
    return false;
  }
}
