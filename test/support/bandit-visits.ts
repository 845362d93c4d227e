/**
 * Sticky-bandit test helpers (test/worker/sticky-bandit.test.ts, origin-sticky-bandit.test.ts):
 * a bandit snapshot that sends every new visitor where the test says, a fresh isolate that reads
 * it, and the arms cookie a response sets.
 */
import { env } from 'cloudflare:test';
import { contentKeys } from '../../shared/kv-keys.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { createApp } from '../../worker/index.ts';

/** Publishes a two-arm split of `experiment`: `share` of new visitors to the second arm. */
export async function publishSplit(
  experiment: string,
  [first, second]: readonly [string, string],
  epoch: string,
  share: number,
): Promise<void> {
  const snapshot: BanditSnapshot = {
    epoch,
    computedAt: new Date().toISOString(),
    experiments: {
      [experiment]: {
        arms: [
          { arm: first, exposures: 500, conversions: 10, share: 1 - share },
          { arm: second, exposures: 500, conversions: 40, share },
        ],
      },
    },
  };
  await env.CONTENT.put(contentKeys.banditSnapshot(), JSON.stringify(snapshot));
}

/** A fresh isolate (empty caches), so it reads the snapshot just written. */
export const freshIsolate = () =>
  createApp({
    store: new BundleStore(),
    bandits: new BanditStore(),
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
  });

/** The `__Host-tsr_arms=…` pair a response sets, if any. */
export const armsCookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith('__Host-tsr_arms='))
    ?.split(';')[0];
