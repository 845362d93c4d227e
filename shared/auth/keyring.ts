/**
 * A rotatable set of HMAC keys (VISITOR_KEYS, ADMIN_KEYS) imported as CryptoKeys once per
 * isolate and configuration, never per request. The first key signs; every key verifies.
 */
import type { HmacKey } from '../config.ts';

export interface Keyring {
  signing: { kid: string; key: CryptoKey };
  byKid: Map<string, CryptoKey>;
}

const keyrings = new WeakMap<HmacKey[], Promise<Keyring>>();

export function keyringFor(keys: HmacKey[]): Promise<Keyring> {
  let ring = keyrings.get(keys);
  if (!ring) {
    ring = (async () => {
      const imported = await Promise.all(
        keys.map(async ({ kid, secret }) => {
          const key = await crypto.subtle.importKey(
            'raw',
            secret,
            { name: 'HMAC', hash: 'SHA-256' },
            false,
            ['sign', 'verify'],
          );
          return [kid, key] as const;
        }),
      );
      const [first] = imported;
      if (!first) throw new Error('keyring needs at least one key');
      return { signing: { kid: first[0], key: first[1] }, byKid: new Map(imported) };
    })();
    keyrings.set(keys, ring);
  }
  return ring;
}

/** A jose key resolver: the key named by the token's `kid`, or a thrown UnknownKid. */
export class UnknownKid extends Error {
  override name = 'UnknownKid';
}

export function resolveKid(ring: Keyring) {
  return (header: { kid?: string }): CryptoKey => {
    const key = header.kid === undefined ? undefined : ring.byKid.get(header.kid);
    if (!key) throw new UnknownKid();
    return key;
  };
}
