/**
 * `__Host-tsr_arms`: the signed arms a visitor was first given in each bandit
 * (shared/auth/arms-token.ts), so a returning visitor keeps their arm. Same lifetime and flags as
 * the visitor cookie; set only on a counted page view that drew a new bandit arm, cleared
 * whenever the visitor cookie is (consent `none`, erasure).
 */
import { VISITOR_TTL_SECONDS } from '../../shared/auth/visitor-token.ts';

export const ARMS_COOKIE = '__Host-tsr_arms';

export function armsCookie(token: string): string {
  return `${ARMS_COOKIE}=${token}; Max-Age=${VISITOR_TTL_SECONDS}; Path=/; Secure; HttpOnly; SameSite=Lax`;
}

export function clearArmsCookie(): string {
  return `${ARMS_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`;
}
