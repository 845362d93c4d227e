/**
 * The consent level of one request. Pure: cookie value, headers and country in, level out.
 *
 * Sources, strongest first:
 * 1. the `tsr_consent` cookie the site's consent banner sets: `personal`, `contextual` or `none`;
 * 2. otherwise the bundle's `site.consent` default for the visitor's country (`request.cf.country`);
 * and `Sec-GPC: 1` (Global Privacy Control) caps whatever that gives at `contextual`.
 */
import { CONSENT_LEVELS } from '../../shared/schema/consent-levels.ts';
import type { ConsentLevel, SiteConsent } from '../../shared/schema/consent.ts';
import {
  ConsentLevel as checkConsentLevel,
  SiteConsent as checkSiteConsent,
} from '../../shared/schema/validators.gen.ts';
import type { Reason } from '../../shared/reasons.ts';

export type { ConsentLevel } from '../../shared/schema/consent.ts';

/** `site.consent` when the bundle leaves it out: every field's default (shared/schema/consent.ts). */
const defaults = checkSiteConsent({});
if (!defaults.success) throw new Error('unreachable: every field of SiteConsent has a default');
const DEFAULT_SITE_CONSENT: SiteConsent = defaults.data;

/** Set by the site's banner (readable by its scripts, so not `__Host-`/HttpOnly). */
export const CONSENT_COOKIE = 'tsr_consent';

export interface Consent {
  level: ConsentLevel;
  /** Where the level came from, for the decision log. */
  source: 'cookie' | 'country' | 'default';
  /** True when Sec-GPC lowered the level. */
  gpcCapped: boolean;
  /** Why this request gets less than `personal` (empty when it gets everything). */
  reasons: Reason[];
}

const rank = (level: ConsentLevel) => CONSENT_LEVELS.indexOf(level);
export const allows = (level: ConsentLevel, needed: ConsentLevel) => rank(level) >= rank(needed);
const stricter = (a: ConsentLevel, b: ConsentLevel) => (rank(a) <= rank(b) ? a : b);

export type CookieLevel = { level: ConsentLevel } | { invalid: true } | undefined;

/** The banner's cookie: one of the three words, any case, surrounding blanks ignored. */
export function parseConsentCookie(raw: string | undefined): CookieLevel {
  if (raw === undefined) return undefined;
  const parsed = checkConsentLevel(raw.trim().toLowerCase());
  return parsed.success ? { level: parsed.data } : { invalid: true };
}

export interface ConsentInput {
  cookie: string | undefined;
  /** The `Sec-GPC` header. */
  gpc: string | null;
  /** `request.cf.country` when it is a two-letter code. */
  country: string | undefined;
  /** `site.consent` of the live bundle (built-in defaults when absent or no bundle). */
  policy: SiteConsent | undefined;
}

/** The level the site's policy gives a visitor who has not answered the banner. */
export function countryDefault(policy: SiteConsent, country: string | undefined): ConsentLevel {
  if (country === undefined) return policy.default;
  if (Object.hasOwn(policy.countries, country)) return policy.countries[country] ?? policy.default;
  return policy.optInCountries.includes(country) ? policy.optInLevel : policy.default;
}

function capForGpc(level: ConsentLevel, gpc: string | null): ConsentLevel {
  return gpc?.trim() === '1' ? stricter(level, 'contextual') : level;
}

export function resolveConsent(input: ConsentInput): Consent {
  const reasons: Reason[] = [];
  const parsed = parseConsentCookie(input.cookie);
  if (parsed && 'invalid' in parsed) reasons.push('consent.invalid_cookie');
  const fromCookie = parsed && 'level' in parsed ? parsed.level : undefined;
  const base = fromCookie ?? countryDefault(input.policy ?? DEFAULT_SITE_CONSENT, input.country);
  const level = capForGpc(base, input.gpc);
  if (level !== base) reasons.push('consent.gpc');
  if (level !== 'personal') reasons.push(level === 'none' ? 'consent.none' : 'consent.contextual');
  return {
    level,
    source: fromCookie ? 'cookie' : input.country === undefined ? 'default' : 'country',
    gpcCapped: level !== base,
    reasons,
  };
}
