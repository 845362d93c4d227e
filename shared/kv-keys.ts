/**
 * Every KV key Tessera reads or writes, built in one place so the worker, the CLI, the seed
 * script and the tests agree on the layout.
 *
 * CONTENT: `bundle:<version>` (immutable bundle JSON), `pointer:live` (which version is live),
 * `bandit:snapshot` (bandit arm statistics and traffic split, written by the cron).
 * PROFILES: `profile:v:<visitorId>` (anonymous visitor), `profile:c:<customerId>` (known customer),
 * `persona:<id>` (a sample profile previews render "as"; never a real person's),
 * and the stitch index both ways — `stitch:c:<customerId>:v:<visitorId>` and
 * `stitch:v:<visitorId>:c:<customerId>` — which visitor ids were seen logged in as which customer,
 * so erasing a customer reaches their browsers' anonymous profiles (shared/privacy/stitch-index.ts).
 */
export const contentKeys = {
  bundle: (version: string) => `bundle:${version}`,
  pointer: () => 'pointer:live',
  banditSnapshot: () => 'bandit:snapshot',
} as const;

export const profileKeys = {
  visitor: (visitorId: string) => `profile:v:${visitorId}`,
  customer: (customerId: string) => `profile:c:${customerId}`,
  /**
   * A preview persona: a sample profile (content-variants/profiles/, or the site's own) that
   * `tessera preview --as` renders. Never a real visitor's: previews read nothing else.
   */
  persona: (personaId: string) => `persona:${personaId}`,
} as const;

/** Ids are [A-Za-z0-9_-] (the cookie's pattern), so ":" cannot occur inside one. */
export const stitchKeys = {
  byCustomer: (customerId: string, visitorId: string) => `stitch:c:${customerId}:v:${visitorId}`,
  byVisitor: (visitorId: string, customerId: string) => `stitch:v:${visitorId}:c:${customerId}`,
  customerPrefix: (customerId: string) => `stitch:c:${customerId}:v:`,
  visitorPrefix: (visitorId: string) => `stitch:v:${visitorId}:c:`,
} as const;
