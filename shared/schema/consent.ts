/**
 * Consent: how much of Tessera a visitor has agreed to, and the site's defaults before they
 * answer the consent banner. Shared by the worker (per request) and the CLI (bundle validation).
 *
 *   none        default content only; no identifier cookie set or read; nothing stored about them
 *   contextual  decisions from the request alone (device, country, path); no profile read or write
 *   personal    everything: profile-driven decisions, profile updates, events with their id
 */
import * as z from './zod.ts';
import { dict } from './dict.ts';
import { CONSENT_LEVELS, OPT_IN_COUNTRIES } from './consent-levels.ts';

export { CONSENT_LEVELS, OPT_IN_COUNTRIES } from './consent-levels.ts';

export const ConsentLevel = z.enum(CONSENT_LEVELS);
export type ConsentLevel = z.infer<typeof ConsentLevel>;

const Country = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "DE"'));

/**
 * `site.consent` in the bundle: the level a visitor starts at before the banner answers.
 * Every field has a default, so `{}` (or leaving the block out) means: opt-in countries start at
 * `contextual`, everyone else — including requests whose country is unknown — at `personal`.
 */
export const SiteConsent = z.strictObject({
  /** Where the visitor's country is not listed below. */
  default: z._default(ConsentLevel, 'personal'),
  /** Countries whose visitors start at `optInLevel`. */
  optInCountries: z._default(z.array(Country).check(z.maxLength(250)), [...OPT_IN_COUNTRIES]),
  optInLevel: z._default(ConsentLevel, 'contextual'),
  /** Per-country overrides, applied last: `{ "US": "personal", "BR": "contextual" }`. */
  countries: z._default(dict(Country, ConsentLevel), {}),
});
export type SiteConsent = z.infer<typeof SiteConsent>;
export type SiteConsentInput = z.input<typeof SiteConsent>;

export const DEFAULT_SITE_CONSENT: SiteConsent = SiteConsent.parse({});
