/**
 * Bench-only keys (never used anywhere else). The worker under load gets them as its
 * VISITOR_KEYS / ADMIN_KEYS, and the bench mints visitor cookies with them through the worker's
 * own signer (worker/identity/), so the cookies are exactly what the worker issues.
 */
import { loadConfig } from '../shared/config.ts';
import { keyringFor, type Keyring } from '../shared/auth/keyring.ts';

export const BENCH_VISITOR_KEYS = JSON.stringify({
  'bench-2026-11': 'bench-only-visitor-key-0123456789abcdefghij',
});
export const BENCH_ADMIN_KEYS = JSON.stringify({
  'bench-admin': 'bench-only-admin-key-0123456789abcdefghijkl',
});

export function benchKeyring(): Promise<Keyring> {
  return keyringFor(
    loadConfig({ VISITOR_KEYS: BENCH_VISITOR_KEYS, ADMIN_KEYS: BENCH_ADMIN_KEYS }).visitorKeys,
  );
}
