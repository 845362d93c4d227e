/**
 * The sticky-bandit cookie's token: a compact JWS (HS256, the visitor keyring) carrying the arms
 * a visitor was given at their first exposure to each bandit (shared/experiments/arm-claims.ts):
 * `{ "arms": { "<claim key>": <arm index> }, "aud": "tessera-arms", iat, exp }`. No visitor id
 * and no experiment name — claim keys are hashes — and at most MAX_CLAIMS entries (~300 bytes).
 *
 * Signed so a forged or garbled cookie is ignored rather than trusted; the audience keeps it
 * from ever passing as a visitor cookie (and a visitor cookie from passing as this). A bad token
 * is never an error: the visitor simply has no claims and is drawn afresh.
 */
import { signJwt, verifyJwt } from './jwt.ts';
import type { ArmClaims } from '../experiments/arm-claims.ts';
import { ArmsClaims } from '../schema/validators.gen.ts';
import { ARMS_AUDIENCE } from './token-names.ts';

export { ARMS_AUDIENCE } from './token-names.ts';
import { resolveKid, type Keyring } from './keyring.ts';
import { MAX_TOKEN_LENGTH, VISITOR_ALG, VISITOR_TTL_SECONDS } from './visitor-token.ts';

export async function signArmsToken(
  ring: Keyring,
  arms: ArmClaims,
  nowSeconds: number,
): Promise<string> {
  return signJwt(
    { alg: VISITOR_ALG, kid: ring.signing.kid },
    { arms, aud: ARMS_AUDIENCE, iat: nowSeconds, exp: nowSeconds + VISITOR_TTL_SECONDS },
    ring.signing.key,
  );
}

/** The claims, or undefined for anything that is not a valid, unexpired arms token of ours. */
export async function verifyArmsToken(
  ring: Keyring,
  token: string,
  nowSeconds: number,
): Promise<ArmClaims | undefined> {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  try {
    const payload = await verifyJwt(token, resolveKid(ring), {
      algorithms: [VISITOR_ALG],
      audience: ARMS_AUDIENCE,
      nowSeconds,
      requiredClaims: ['iat', 'exp'],
    });
    const parsed = ArmsClaims(payload);
    return parsed.success ? parsed.data.arms : undefined;
  } catch {
    return undefined;
  }
}
