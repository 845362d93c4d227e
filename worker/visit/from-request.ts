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

/**
 * Contexts already computed for a request: an origin page asks up to three times (a bandit's first
 * claim, the decisions, the decision record) and a visitor's facts rarely differ between them.
 */
const computed = new WeakMap<Request, Map<string, RequestContext>>();

/**
 * The context signals of this request, given what the read learned about the visitor. Computed
 * once per request and visitor facts; callers get the same object, which nobody mutates (a
 * preview's pretend context is a copy: preview/apply.ts).
 */
export function contextOf(
  request: Request,
  url: URL,
  read: Pick<VisitRead, 'identity' | 'profile'>,
  now: number,
): RequestContext {
  const { identity, profile } = read;
  const returning = !identity.isNew || (profile?.behavior.visits ?? 0) > 0;
  const visits = profile?.behavior.visits;
  const key = `${url.href} ${now} ${returning} ${visits ?? ''}`;
  let byFacts = computed.get(request);
  const known = byFacts?.get(key);
  if (known) return known;
  const context = requestContext({
    url,
    headers: request.headers,
    cf: request.cf as CfProps | undefined,
    now,
    returning,
    ...(profile ? { profileVisits: visits } : {}),
  });
  if (!byFacts) computed.set(request, (byFacts = new Map()));
  byFacts.set(key, context);
  return context;
}
