/**
 * The consent level of an incoming request, read the same way wherever it matters (the page,
 * `POST /events`): the banner's `tsr_consent` cookie, `Sec-GPC`, the country Cloudflare saw
 * (`request.cf.country`) and the live bundle's `site.consent` policy.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SiteConsent } from '../../shared/schema/consent.ts';
import { countryOf, type CfProps } from '../context/request-context.ts';
import type { Env } from '../env.ts';
import { CONSENT_COOKIE, resolveConsent, type Consent } from './consent.ts';

export function requestConsent(
  c: Context<{ Bindings: Env }>,
  policy: SiteConsent | undefined,
): Consent {
  return resolveConsent({
    cookie: getCookie(c, CONSENT_COOKIE),
    gpc: c.req.header('sec-gpc') ?? null,
    country: countryOf(c.req.raw.cf as CfProps | undefined),
    policy,
  });
}
