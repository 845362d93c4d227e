/**
 * Every KV key Tessera reads or writes, built in one place so the worker, the CLI, the seed
 * script and the tests agree on the layout.
 *
 * CONTENT: `bundle:<version>` (immutable bundle JSON), `pointer:live` (which version is live),
 * `bandit:snapshot` (bandit arm statistics and traffic split, written by the cron).
 * PROFILES: `profile:v:<visitorId>` (anonymous visitor), `profile:c:<customerId>` (known customer).
 */
export const contentKeys = {
  bundle: (version: string) => `bundle:${version}`,
  pointer: () => 'pointer:live',
  banditSnapshot: () => 'bandit:snapshot',
} as const;

export const profileKeys = {
  visitor: (visitorId: string) => `profile:v:${visitorId}`,
  customer: (customerId: string) => `profile:c:${customerId}`,
} as const;
