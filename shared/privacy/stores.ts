/** The stores a rights request reads and erases, taken from either worker's bindings. */
import { configFor, type ConfigVars } from '../config.ts';
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
