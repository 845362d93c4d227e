/**
 * Per-client rate limiting with the Workers rate limiting binding (counts per key, per
 * Cloudflare location, eventually consistent — a brake on floods, not an exact quota).
 * Fails open: if a limiter itself errors, the request goes through.
 *
 * `POST /events` has two limits side by side (issue 13 #2): per visitor (`EVENTS_RATE`, keyed by
 * the verified cookie's visitor id) and per client address (`EVENTS_IP_RATE`, keyed by
 * `CF-Connecting-IP`). The visitor limit alone could be bypassed by taking a fresh cookie from
 * any page for each burst; the address limit bounds that, and is set higher because one address
 * may be shared by many people (an office, a mobile carrier's NAT).
 */

export const visitorRateKey = (visitorId: string) => `v:${visitorId}`;
export const addressRateKey = (ip: string) => `ip:${ip}`;

export async function withinLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch {
    return true;
  }
}

export interface EventLimiters {
  /** Per client address (`EVENTS_IP_RATE`). */
  perAddress?: RateLimit;
  /** Per verified visitor (`EVENTS_RATE`). */
  perVisitor?: RateLimit;
}

/**
 * Which limit this request is over, if any: the address's first (so a request refused there does
 * not also use up the visitor's allowance), then the visitor's. No address is known only off
 * Cloudflare (local tools); no visitor at consent `none`, where the cookie is not read.
 */
export async function overEventLimit(
  limiters: EventLimiters,
  sender: { visitorId?: string | undefined; ip?: string | undefined },
): Promise<'address' | 'visitor' | undefined> {
  if (sender.ip && !(await withinLimit(limiters.perAddress, addressRateKey(sender.ip))))
    return 'address';
  if (
    sender.visitorId &&
    !(await withinLimit(limiters.perVisitor, visitorRateKey(sender.visitorId)))
  )
    return 'visitor';
  return undefined;
}

/** Seconds a limited client should wait: the binding's window. */
export const RATE_WINDOW_SECONDS = 60;
