/**
 * Every pseudonym an id may have in D1 (a visitor id, or a customer id's `customer:` input):
 * one per configured visitor key (the consumers hash under a key derived from the first key;
 * after a rotation older rows sit under an older key's pseudonym). Erasure and access look
 * under all of them.
 */
import type { HmacKey } from '../config.ts';
import { pseudonym, pseudonymKey } from './pseudonym.ts';

const perKey = new WeakMap<HmacKey, HmacKey[]>();

export async function allPseudonyms(
  visitorKeys: HmacKey[],
  visitorIds: string[],
): Promise<string[]> {
  const keys = await Promise.all(
    visitorKeys.map((k) => {
      let single = perKey.get(k);
      if (!single) perKey.set(k, (single = [k]));
      return pseudonymKey(single);
    }),
  );
  const all = await Promise.all(visitorIds.flatMap((id) => keys.map((key) => pseudonym(key, id))));
  return [...new Set(all)];
}
