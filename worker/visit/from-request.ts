/**
 * A page request as the source of a visit: consent from the banner cookie, `Sec-GPC` and the
 * country; identity from the signed visitor cookie; context signals from the URL, headers and
 * `request.cf`. Shared by own pages and origin pages (the decision API brings its own).
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { requestContext, type CfProps } from '../context/request-context.ts';
import type { RequestContext } from '../decide/types.ts';
import type { Env } from '../env.ts';
import { verifyArmsToken } from '../../shared/auth/arms-token.ts';
import { ARMS_COOKIE } from '../identity/arms-cookie.ts';
import { VISITOR_COOKIE } from '../identity/visitor.ts';
import { consentedIdentity } from '../privacy/identity.ts';
import { requestConsent } from '../privacy/request-consent.ts';
import type { VisitRead, Who } from './read.ts';

type Ctx = Context<{ Bindings: Env }>;

export function requestWho(c: Ctx): Who {
  return {
    consent: (policy) => requestConsent(c, policy),
    identify: (level, ring, nowSeconds, newId) =>
      consentedIdentity(level, ring, getCookie(c, VISITOR_COOKIE), nowSeconds, newId),
    arms: async (ring, nowSeconds) => {
      const token = getCookie(c, ARMS_COOKIE);
      return (token && (await verifyArmsToken(ring, token, nowSeconds))) || {};
    },
    holdsArms: () => getCookie(c, ARMS_COOKIE) !== undefined,
  };
}

/** The context signals of this request, given what the read learned about the visitor. */
export function contextOf(
  request: Request,
  url: URL,
  read: Pick<VisitRead, 'identity' | 'profile'>,
  now: number,
): RequestContext {
  const { identity, profile } = read;
  return requestContext({
    url,
    headers: request.headers,
    cf: request.cf as CfProps | undefined,
    now,
    returning: !identity.isNew || (profile?.behavior.visits ?? 0) > 0,
    ...(profile ? { profileVisits: profile.behavior.visits } : {}),
  });
}
