/**
 * Bench-only keys (never used anywhere else). The worker under load gets them as its
 * VISITOR_KEYS / ADMIN_KEYS, and the bench mints visitor cookies with them through the worker's
 * own signer (worker/identity/), so the cookies are exactly what the worker issues.
 */
import { loadConfig } from '../shared/config.ts';
import { keyringFor, type Keyring } from '../shared/auth/keyring.ts';

export const BENCH_VISITOR_KEYS = JSON.stringify({
  'bench-2026-11': 'ZLMtbd5phQWnGV2rzfdyxNwcd+nguQ+IMYL1jDiENWXiJDJ0',
});
export const BENCH_ADMIN_KEYS = JSON.stringify({
  'bench-admin': '0o3bqbJ8wKu0ttfV0vEUP8EKxrsW4IPu43cl4RzghSUg4RWU',
});

export function benchKeyring(): Promise<Keyring> {
  return keyringFor(
    loadConfig({ VISITOR_KEYS: BENCH_VISITOR_KEYS, ADMIN_KEYS: BENCH_ADMIN_KEYS }).visitorKeys,
  );
}
