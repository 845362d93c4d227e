/** The stores a rights request reads and erases, taken from either worker's bindings. */
import { configFor, type ConfigVars } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import type { PrivacyStores } from './held-data.ts';

export interface PrivacyBindings extends ConfigVars {
  PROFILES: KVNamespace;
  DB: D1Database;
}

export const privacyStores = (env: PrivacyBindings): PrivacyStores => ({
  profiles: env.PROFILES,
  db: env.DB,
  visitorKeys: configFor(env).visitorKeys,
});

/** Seconds a client should wait before retrying a rights request a store could not serve. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** A store failed: the answer would be incomplete, so say so and ask for a retry (503). */
export const storeUnavailable = (what: string, cause?: unknown) =>
  new ApiError('store_unavailable', `could not ${what}; it is safe to retry`, {
    headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
    cause,
  });
