/**
 * Reason codes: why a request or slot got less than the full experience. They appear in the
 * `X-Tessera-Reasons` header, the decision log and the debug trace; stable strings, so
 * dashboards can group on them.
 */
export const REASONS = [
  'cookie.missing',
  'cookie.invalid',
  'cookie.expired',
  'cookie.oversized',
  'cookie.unknown_kid',
  'cookie.bad_claims',
  'pointer.missing',
  'pointer.invalid',
  'pointer.timeout',
  'pointer.error',
  'bundle.missing',
  'bundle.invalid',
  'bundle.timeout',
  'bundle.error',
  'bundle.none',
  'bundle.partial',
  'profile.invalid_json',
  'profile.schema',
  'profile.timeout',
  'profile.error',
  'bandit.timeout',
  'bandit.error',
  'bandit.invalid',
  'slot.variant_missing',
  'slot.render_error',
  'page.not_found',
  'consent.none',
  'consent.contextual',
  'consent.gpc',
  'consent.invalid_cookie',
  // Origin mode (worker/origin/): the page as a whole …
  'origin.unreachable',
  'origin.timeout',
  'origin.loop',
  'origin.unconfigured',
  'origin.charset',
  // … and one slot marker in the origin's HTML (worker/origin/slots.ts).
  'slot.unknown',
  'slot.nested',
  'slot.inert',
  'slot.void',
] as const;
export type Reason = (typeof REASONS)[number];
