/**
 * Per-client rate limiting with the Workers rate limiting binding (counts per key, per
 * Cloudflare location, eventually consistent — a brake on floods, not an exact quota).
 * Fails open: if the limiter itself errors, the request goes through.
 */

/** The key: the verified visitor when there is one, else the connecting IP. */
export function rateKey(visitorId: string | undefined, ip: string | null | undefined): string {
  return visitorId ? `v:${visitorId}` : `ip:${ip ?? 'unknown'}`;
}

export async function withinLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch {
    return true;
  }
}

/** Seconds a limited client should wait: the binding's window. */
export const RATE_WINDOW_SECONDS = 60;
