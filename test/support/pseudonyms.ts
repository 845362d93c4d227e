/**
 * The pseudonyms D1 stores instead of ids, computed as the consumers do (shared/privacy/pseudonym.ts,
 * control/consumers/events.ts): under the first visitor key by default, or under the key at
 * `keyIndex` to stand for rows written before a key rotation.
 */
import { env } from 'cloudflare:test';
import { loadConfig } from '../../shared/config.ts';
import { customerPseudonymInput, pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';

async function keyAt(keyIndex: number) {
  const keys = loadConfig(env).visitorKeys;
  return pseudonymKey(keyIndex === 0 ? keys : [keys[keyIndex]!]);
}

export const visitorPseudonym = async (visitorId: string, keyIndex = 0) =>
  pseudonym(await keyAt(keyIndex), visitorId);

export const customerPseudonym = async (customerId: string, keyIndex = 0) =>
  pseudonym(await keyAt(keyIndex), customerPseudonymInput(customerId));
