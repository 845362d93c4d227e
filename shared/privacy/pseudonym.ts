/**
 * Pseudonymous visitor ids for the decision log: HMAC-SHA256(visitor id) under a key derived
 * (HKDF-SHA256, fixed info string) from the first VISITOR_KEYS secret, so the log can join a
 * visitor's renders without holding their id, and nobody without the secret can link it back.
 * The key is derived and imported once per isolate and configuration. Rotating the first
 * visitor key starts a new pseudonym space (older rows no longer join with newer ones).
 * Customer ids (events, stitches) are hashed under the same key with a `customer:` prefix.
 */
import type { HmacKey } from '../config.ts';

/** One encoder for every call: in workerd a TextEncoder is a native object, costly to build. */
const UTF8 = new TextEncoder();
const INFO = UTF8.encode('tessera/decision-log/visitor-pseudonym/v1');
const keys = new WeakMap<HmacKey[], Promise<CryptoKey>>();

export function pseudonymKey(visitorKeys: HmacKey[]): Promise<CryptoKey> {
  let key = keys.get(visitorKeys);
  if (!key) {
    key = (async () => {
      const [first] = visitorKeys;
      if (!first) throw new Error('pseudonymKey needs at least one visitor key');
      const base = await crypto.subtle.importKey('raw', first.secret, 'HKDF', false, [
        'deriveBits',
      ]);
      const bits = await crypto.subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: INFO },
        base,
        256,
      );
      return crypto.subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
    })();
    keys.set(visitorKeys, key);
  }
  return key;
}

/** 128 bits of the HMAC, in hex: plenty to join on, shorter to store. */
export async function pseudonym(key: CryptoKey, visitorId: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, UTF8.encode(visitorId));
  return [...new Uint8Array(mac).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Customer ids get their own pseudonym space, so a customer id never equals a visitor's. */
export const customerPseudonymInput = (customerId: string) => `customer:${customerId}`;
