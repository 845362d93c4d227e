/**
 * The request-context signals a condition may read as `context.<name>`. One catalogue serves
 * the worker (which fills them), the integrity check (which rejects unknown names, wrong types
 * and impossible values at publish time) and the README's signal table (a test keeps them equal).
 */

export type SignalType = 'string' | 'number' | 'boolean';

export interface SignalSpec {
  type: SignalType;
  /** The complete set of values, for enumerated signals; anything else can never match. */
  values?: readonly string[];
  /** One line for the README and the debug trace. */
  doc: string;
}

export const DEVICE_CLASSES = ['mobile', 'tablet', 'desktop', 'bot'] as const;
export const REFERRER_CLASSES = [
  'direct',
  'internal',
  'search',
  'social',
  'email',
  'paid',
  'referral',
] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
export const OPERATING_SYSTEMS = [
  'android',
  'ios',
  'windows',
  'macos',
  'linux',
  'chromeos',
] as const;

export const CONTEXT_SIGNALS = {
  path: { type: 'string', doc: 'URL path of the page, e.g. `/deals`' },
  query: {
    type: 'string',
    doc: 'raw query string without `?` (at most 512 characters; `tessera_debug` removed)',
  },
  device: {
    type: 'string',
    values: DEVICE_CLASSES,
    doc: 'device class from client hints and the user agent',
  },
  os: {
    type: 'string',
    values: OPERATING_SYSTEMS,
    doc: 'operating system from `Sec-CH-UA-Platform`, else the user agent; absent when unknown',
  },
  country: { type: 'string', doc: 'ISO 3166-1 alpha-2 code from `request.cf.country`, e.g. `DE`' },
  region: { type: 'string', doc: 'region name from `request.cf.region`, e.g. `Bavaria`' },
  regionCode: { type: 'string', doc: 'region code from `request.cf.regionCode`, e.g. `BY`' },
  city: { type: 'string', doc: 'city from `request.cf.city`' },
  continent: {
    type: 'string',
    values: CONTINENTS,
    doc: 'continent code from `request.cf.continent`',
  },
  timezone: {
    type: 'string',
    doc: 'IANA time zone from `request.cf.timezone`, e.g. `Europe/Berlin`',
  },
  hour: {
    type: 'number',
    doc: "0–23, the visitor's local hour (absent without a valid time zone)",
  },
  weekday: { type: 'string', values: WEEKDAYS, doc: "the visitor's local day of the week" },
  weekend: { type: 'boolean', doc: "true on the visitor's local Saturday and Sunday" },
  referrer: {
    type: 'string',
    values: REFERRER_CLASSES,
    doc: 'traffic source class from `utm_*`, ad click ids and the `Referer` host',
  },
  referrerHost: {
    type: 'string',
    doc: 'host of the `Referer` header, lower case (absent when none)',
  },
  utmSource: { type: 'string', doc: '`utm_source`, trimmed, lower case, at most 100 characters' },
  utmMedium: { type: 'string', doc: '`utm_medium`, same normalisation' },
  utmCampaign: { type: 'string', doc: '`utm_campaign`, same normalisation' },
  utmTerm: { type: 'string', doc: '`utm_term`, same normalisation' },
  utmContent: { type: 'string', doc: '`utm_content`, same normalisation' },
  language: {
    type: 'string',
    doc: 'primary language of the first `Accept-Language` entry, e.g. `de`',
  },
  locale: { type: 'string', doc: 'that entry in full, e.g. `de-CH`' },
  returning: {
    type: 'boolean',
    doc: 'true when the visitor has been here before (valid cookie or profile visits)',
  },
  new: { type: 'boolean', doc: 'the opposite of `returning`' },
  channel: {
    type: 'string',
    doc: 'where the decision is shown: `web` for pages; a decision API caller names `app`, `email`, `server` or its own',
  },
  visitCount: {
    type: 'number',
    doc: "visits recorded in the visitor's profile (`behavior.visits`); 0 for a new visitor; absent when unknown",
  },
} as const satisfies Record<string, SignalSpec>;

export type SignalName = keyof typeof CONTEXT_SIGNALS;
/** Annotated pure so the worker bundle can drop the catalogue (it only needs it at publish time). */
export const SIGNAL_NAMES = /* @__PURE__ */ Object.keys(CONTEXT_SIGNALS) as SignalName[];

export function signalSpec(name: string): SignalSpec | undefined {
  return Object.hasOwn(CONTEXT_SIGNALS, name) ? CONTEXT_SIGNALS[name as SignalName] : undefined;
}
