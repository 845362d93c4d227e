/**
 * Request-derived signals for decisions (`context.*` in conditions). Pure function of the
 * request and identity; tolerant of any header value a visitor can send.
 */
import type { DeviceClass, RequestContext } from '../decide/types.ts';

const MAX_UA = 512;

export function deviceClass(userAgent: string | null, chMobile: string | null): DeviceClass {
  const ua = (userAgent ?? '').slice(0, MAX_UA).toLowerCase();
  if (/bot|crawl|spider|slurp|headless|lighthouse/.test(ua)) return 'bot';
  if (/ipad|tablet|kindle|silk|playbook/.test(ua) || (ua.includes('android') && !ua.includes('mobile'))) return 'tablet';
  if (chMobile === '?1' || /mobi|iphone|ipod|android|windows phone/.test(ua)) return 'mobile';
  return 'desktop';
}

/** `request.cf` as far as we use it; every field optional (absent in some local setups). */
export interface CfProps {
  country?: unknown;
}

export function requestContext(
  url: URL,
  headers: Headers,
  cf: CfProps | undefined,
  returning: boolean,
): RequestContext {
  const country = typeof cf?.country === 'string' && /^[A-Z]{2}$/.test(cf.country) ? cf.country : undefined;
  return {
    path: url.pathname,
    device: deviceClass(headers.get('user-agent'), headers.get('sec-ch-ua-mobile')),
    ...(country ? { country } : {}),
    returning,
  };
}
