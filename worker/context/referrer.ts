/**
 * Where the visit came from: a referrer class (paid, email, social, search, internal, referral,
 * direct) and the `utm_*` parameters. Campaign tagging wins over the Referer header because it
 * is what the marketer set on purpose; ad click ids mark paid traffic even without tagging.
 * Host lists are fixed data; nothing here builds a pattern from input.
 */
import type { REFERRER_CLASSES } from '../../shared/schema/context-signals.ts';

export type ReferrerClass = (typeof REFERRER_CLASSES)[number];

const MAX_REFERER = 2048;
const MAX_UTM = 100;

export const UTM_PARAMS = {
  utmSource: 'utm_source',
  utmMedium: 'utm_medium',
  utmCampaign: 'utm_campaign',
  utmTerm: 'utm_term',
  utmContent: 'utm_content',
} as const;
export type Utm = Partial<Record<keyof typeof UTM_PARAMS, string>>;

/** Click ids that ad platforms append to paid clicks only. */
const PAID_CLICK_IDS = [
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'msclkid',
  'ttclid',
  'twclid',
  'li_fat_id',
  'epik',
];

const PAID_MEDIA = new Set([
  'cpc',
  'ppc',
  'paid',
  'paidsearch',
  'paid-search',
  'paid_search',
  'paidsocial',
  'paid-social',
  'paid_social',
  'cpm',
  'cpv',
  'cpa',
  'display',
  'banner',
  'retargeting',
  'sem',
]);
const EMAIL_MEDIA = new Set(['email', 'e-mail', 'e_mail', 'newsletter', 'mail']);
const SOCIAL_MEDIA = new Set([
  'social',
  'social-network',
  'social_network',
  'social-media',
  'social_media',
  'sm',
]);
const SEARCH_MEDIA = new Set(['organic', 'search', 'seo']);

/** Hosts matched exactly or as a parent domain (`l.facebook.com` → `facebook.com`). */
const EMAIL_HOSTS = [
  'mail.google.com',
  'mail.yahoo.com',
  'outlook.live.com',
  'outlook.office.com',
  'outlook.office365.com',
  'mail.proton.me',
  'mail.aol.com',
  'webmail.gmx.net',
  'mail.yandex.ru',
  'mail.zoho.com',
  'app.fastmail.com',
];
const SOCIAL_HOSTS = [
  'facebook.com',
  'fb.com',
  'instagram.com',
  't.co',
  'twitter.com',
  'x.com',
  'linkedin.com',
  'lnkd.in',
  'pinterest.com',
  'reddit.com',
  'youtube.com',
  'youtu.be',
  'tiktok.com',
  'threads.net',
  'bsky.app',
  'snapchat.com',
  'tumblr.com',
  'vk.com',
  'quora.com',
  'discord.com',
  'telegram.org',
  'whatsapp.com',
];
/** Search engines: every label of the host before its last (`google.co.uk`, `www.bing.com`). */
const SEARCH_BRANDS = new Set([
  'google',
  'bing',
  'duckduckgo',
  'yahoo',
  'baidu',
  'yandex',
  'ecosia',
  'qwant',
  'startpage',
  'naver',
  'seznam',
  'sogou',
]);
const SEARCH_HOSTS = ['search.brave.com', 'kagi.com', 'perplexity.ai'];
/** Android apps identify themselves as `android-app://<package>`. */
const APP_CLASSES: Record<string, ReferrerClass> = {
  'com.google.android.gm': 'email',
  'com.google.android.googlequicksearchbox': 'search',
  'com.facebook.katana': 'social',
  'com.instagram.android': 'social',
  'com.linkedin.android': 'social',
  'com.twitter.android': 'social',
  'com.reddit.frontpage': 'social',
  'org.telegram.messenger': 'social',
};

function underAny(host: string, domains: readonly string[]): boolean {
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** A query's parameters by name (the first value of each), as `URLSearchParams.get` sees them. */
export type Query = { get(name: string): string | null | undefined; has(name: string): boolean };

const NO_QUERY: Query = new Map<string, string>();

/**
 * The URL's parameters read once into a Map. In workerd a URL is a native object and every
 * `searchParams.get`/`has` crosses into C++; the referrer and campaign signals ask ~15 of them,
 * so one pass (none without a query) is what the request context costs there.
 */
export function queryParams(url: URL): Query {
  if (!url.search) return NO_QUERY;
  const first = new Map<string, string>();
  for (const [name, value] of url.searchParams) if (!first.has(name)) first.set(name, value);
  return first;
}

/** A query parameter, trimmed, lower-cased and bounded; empty means absent. */
function param(query: Query, name: string): string | undefined {
  const value = query.get(name)?.trim().toLowerCase().slice(0, MAX_UTM);
  return value ? value : undefined;
}

export function utmOf(query: Query): Utm {
  const utm: Utm = {};
  for (const [signal, name] of Object.entries(UTM_PARAMS) as [keyof Utm, string][]) {
    const value = param(query, name);
    if (value !== undefined) utm[signal] = value;
  }
  return utm;
}

function fromMedium(medium: string | undefined): ReferrerClass | undefined {
  if (!medium) return undefined;
  if (PAID_MEDIA.has(medium) || medium.startsWith('paid')) return 'paid';
  if (EMAIL_MEDIA.has(medium)) return 'email';
  if (SOCIAL_MEDIA.has(medium)) return 'social';
  if (SEARCH_MEDIA.has(medium)) return 'search';
  return undefined;
}

function fromHost(host: string, ownHost: string): ReferrerClass {
  if (host === ownHost) return 'internal';
  if (underAny(host, EMAIL_HOSTS)) return 'email';
  if (underAny(host, SOCIAL_HOSTS)) return 'social';
  if (
    underAny(host, SEARCH_HOSTS) ||
    host
      .split('.')
      .slice(0, -1)
      .some((l) => SEARCH_BRANDS.has(l))
  )
    return 'search';
  return 'referral';
}

/** The Referer's host (lower case) or app package, when it is a URL at all. */
export function refererHost(header: string | null): { host?: string; app?: string } {
  if (!header || header.length > MAX_REFERER) return {};
  let url: URL;
  try {
    url = new URL(header.trim());
  } catch {
    return {};
  }
  if (url.protocol === 'android-app:') return { app: url.hostname.toLowerCase() };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return {};
  return url.hostname ? { host: url.hostname.toLowerCase() } : {};
}

export function referrerSignals(
  url: URL,
  refererHeader: string | null,
): { referrer: ReferrerClass; referrerHost?: string; utm: Utm } {
  const query = queryParams(url);
  const utm = utmOf(query);
  const { host, app } = refererHost(refererHeader);
  const withHost = (referrer: ReferrerClass) => ({
    referrer,
    utm,
    ...(host ? { referrerHost: host } : {}),
  });
  if (PAID_CLICK_IDS.some((id) => query.has(id))) return withHost('paid');
  const tagged = fromMedium(utm.utmMedium);
  if (tagged) return withHost(tagged);
  if (host) return withHost(fromHost(host, url.hostname.toLowerCase()));
  if (app)
    return withHost(
      Object.hasOwn(APP_CLASSES, app) ? (APP_CLASSES[app] ?? 'referral') : 'referral',
    );
  // Tagged with a medium we do not recognise, and no referer: still a campaign, not a direct visit.
  if (utm.utmSource || utm.utmMedium) return withHost('referral');
  return withHost('direct');
}
