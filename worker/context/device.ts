/**
 * Device class and operating system from client hints (`Sec-CH-UA-Mobile`, `Sec-CH-UA-Platform`)
 * and the user agent. Header values are untrusted: only a bounded prefix is read, and every
 * pattern is a fixed literal alternation (linear time).
 */
import type { DEVICE_CLASSES, OPERATING_SYSTEMS } from '../../shared/schema/context-signals.ts';

export type DeviceClass = (typeof DEVICE_CLASSES)[number];
export type Os = (typeof OPERATING_SYSTEMS)[number];

const MAX_UA = 512;
const BOT =
  /bot|crawl|spider|slurp|headless|lighthouse|preview|fetch|curl|wget|python|java\/|go-http|okhttp|axios|node-fetch|undici|httpclient|scrapy|facebookexternalhit|monitor/;
const TABLET = /ipad|tablet|kindle|silk|playbook|nexus (7|9|10)/;
const MOBILE = /mobi|iphone|ipod|android|windows phone|blackberry|opera mini/;

/** `"Android"` → `android`; anything that is not a known platform → undefined. */
function platformHint(raw: string | null): Os | undefined {
  switch ((raw ?? '').slice(0, 40).replace(/"/g, '').trim().toLowerCase()) {
    case 'android':
      return 'android';
    case 'ios':
      return 'ios';
    case 'windows':
      return 'windows';
    case 'macos':
      return 'macos';
    case 'linux':
      return 'linux';
    case 'chrome os':
    case 'chromeos':
      return 'chromeos';
    default:
      return undefined;
  }
}

function osFromUa(ua: string): Os | undefined {
  if (ua.includes('android')) return 'android';
  if (/iphone|ipad|ipod/.test(ua)) return 'ios';
  if (ua.includes('windows')) return 'windows';
  if (ua.includes('cros')) return 'chromeos';
  if (ua.includes('mac os x') || ua.includes('macintosh')) return 'macos';
  if (ua.includes('linux')) return 'linux';
  return undefined;
}

export interface DeviceHeaders {
  userAgent: string | null;
  chMobile: string | null;
  chPlatform: string | null;
}

export function deviceSignals(h: DeviceHeaders): { device: DeviceClass; os?: Os } {
  const ua = (h.userAgent ?? '').slice(0, MAX_UA).toLowerCase();
  const os = platformHint(h.chPlatform) ?? osFromUa(ua);
  const withOs = (device: DeviceClass) => (os ? { device, os } : { device });
  const mobileHint = h.chMobile?.trim();
  // Bots first: crawlers often claim to be phones. No user agent and no hints: not a browser.
  if (BOT.test(ua) || (!ua && mobileHint === undefined)) return withOs('bot');
  if (mobileHint === '?1') return withOs('mobile');
  // Android tablets send `?0` with platform Android; phones send `?1`.
  if (mobileHint === '?0' && os === 'android') return withOs('tablet');
  if (TABLET.test(ua) || (ua.includes('android') && !ua.includes('mobile')))
    return withOs('tablet');
  if (mobileHint !== '?0' && MOBILE.test(ua)) return withOs('mobile');
  return withOs('desktop');
}
