/**
 * The longest a token may live, checked on every verification (not only when minting), so a
 * token minted with a far-off `exp` — by a bug, a script, or someone holding a key — is refused.
 * Pure.
 */

/** Clocks of the minting machine and the edge may disagree this much about `iat`. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Why a token with these claims lives too long, or undefined when it is fine: it must say when
 * it was issued, not in the future, and expire at most `maxSeconds` after that.
 */
export function lifetimeProblem(
  claims: { iat?: number; exp: number },
  nowSeconds: number,
  maxSeconds: number,
): string | undefined {
  if (claims.iat === undefined) return 'token has no "iat" (issued at) claim';
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'token is issued in the future';
  if (claims.exp - claims.iat > maxSeconds)
    return `token lives longer than the maximum of ${describe(maxSeconds)}; mint a shorter-lived one`;
  return undefined;
}

const describe = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
