/**
 * The visitor's identity as far as their consent allows. At `none` the identifier cookie is
 * neither read nor set (an existing one is cleared): the request gets a throwaway id that is
 * never stored or sent. At `contextual` and `personal` it is the signed cookie as usual.
 */
import type { Keyring } from '../../shared/auth/keyring.ts';
import { resolveVisitor, type Identity } from '../identity/visitor.ts';
import type { ConsentLevel } from './consent.ts';

export interface ConsentedIdentity {
  identity: Identity;
  /** True when the response must expire an identifier cookie the visitor still holds. */
  clearCookie: boolean;
}

export async function consentedIdentity(
  level: ConsentLevel,
  ring: Keyring,
  cookie: string | undefined,
  nowSeconds: number,
  newId: () => string,
): Promise<ConsentedIdentity> {
  if (level === 'none') {
    return {
      identity: { visitorId: newId(), isNew: true, ephemeral: true },
      clearCookie: cookie !== undefined,
    };
  }
  return { identity: await resolveVisitor(ring, cookie, nowSeconds, newId), clearCookie: false };
}
