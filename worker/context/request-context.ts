/**
 * Request-derived signals for decisions (`context.*` in conditions; the catalogue with types and
 * docs is shared/schema/context-signals.ts). A pure function of the request, the clock and what
 * identity/profile already know; tolerant of any header or `cf` value a visitor can cause.
 */
import type { RequestContext } from '../decide/types.ts';
import { WEB } from '../../shared/schema/channels.ts';
import { CONTINENTS } from '../../shared/schema/context-signals.ts';
import { deviceSignals } from './device.ts';
import { language } from './language.ts';
import { localTime, validZone } from './local-time.ts';
import { referrerSignals } from './referrer.ts';

export { deviceSignals };

/** `request.cf` as far as we use it; every field optional and untrusted (absent in some setups). */
export interface CfProps {
  country?: unknown;
  region?: unknown;
  regionCode?: unknown;
  city?: unknown;
  continent?: unknown;
  timezone?: unknown;
}

const MAX_QUERY = 512;
const MAX_PATH = 1024;
const MAX_PLACE = 100;
/** Query parameters that steer Tessera itself and must not change a decision. */
const OWN_PARAMS = ['tessera_debug'];

/** The visitor's country as Cloudflare geolocated it, when it is a two-letter code. */
export function countryOf(cf: CfProps | undefined): string | undefined {
  return typeof cf?.country === 'string' && /^[A-Z]{2}$/.test(cf.country) ? cf.country : undefined;
}

/** A printable place name of bounded length, or undefined. */
function place(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, MAX_PLACE);
  return clean || undefined;
}

function queryOf(url: URL): string {
  if (!url.search) return '';
  if (!OWN_PARAMS.some((p) => url.searchParams.has(p))) return url.search.slice(1, MAX_QUERY + 1);
  const kept = new URLSearchParams(url.searchParams);
  for (const p of OWN_PARAMS) kept.delete(p);
  return kept.toString().slice(0, MAX_QUERY);
}

export interface ContextInput {
  url: URL;
  headers: Headers;
  cf: CfProps | undefined;
  /** Milliseconds since the epoch: the request's clock, for local hour and weekday. */
  now: number;
  /** True when the visitor has been here before (valid cookie or a profile with visits). */
  returning: boolean;
  /** `behavior.visits` from the profile, when there is one. */
  profileVisits?: number;
}

/**
 * Drops undefined entries so `exists` means "the request told us". Copies rather than deletes:
 * `delete` turns the object into a slow dictionary on every request.
 */
function defined(
  signals: Record<string, RequestContext[string]>,
): Record<string, RequestContext[string]> {
  const out: Record<string, RequestContext[string]> = {};
  for (const key in signals) if (signals[key] !== undefined) out[key] = signals[key];
  return out;
}

export function requestContext(input: ContextInput): RequestContext {
  const { url, headers, cf } = input;
  const { device, os } = deviceSignals({
    userAgent: headers.get('user-agent'),
    chMobile: headers.get('sec-ch-ua-mobile'),
    chPlatform: headers.get('sec-ch-ua-platform'),
  });
  const timezone = validZone(cf?.timezone);
  const local = localTime(input.now, timezone);
  const { referrer, referrerHost, utm } = referrerSignals(url, headers.get('referer'));
  const lang = language(headers.get('accept-language'));
  const continent =
    typeof cf?.continent === 'string' && (CONTINENTS as readonly string[]).includes(cf.continent)
      ? cf.continent
      : undefined;
  const visitCount = input.profileVisits ?? (input.returning ? undefined : 0);
  return {
    path: url.pathname.slice(0, MAX_PATH),
    device,
    returning: input.returning,
    // A page request is always the web; the decision API sets its caller's channel.
    channel: WEB,
    ...defined({
      query: queryOf(url),
      os,
      country: countryOf(cf),
      region: place(cf?.region),
      regionCode: place(cf?.regionCode),
      city: place(cf?.city),
      continent,
      timezone,
      hour: local?.hour,
      weekday: local?.weekday,
      weekend: local ? local.weekday === 'sat' || local.weekday === 'sun' : undefined,
      referrer,
      referrerHost,
      ...utm,
      language: lang?.language,
      locale: lang?.locale,
      new: !input.returning,
      visitCount,
    }),
  };
}
