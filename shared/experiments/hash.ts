/**
 * The hash behind every assignment: deterministic, fast, well distributed, synchronous.
 *
 * FNV-1a over the string's UTF-16 code units, finished with murmur3's 32-bit avalanche (fmix32).
 * FNV-1a alone is fast but its low bits barely move for ids that differ in one trailing
 * character; fmix32 spreads every input bit over the whole word. Not cryptographic: a visitor
 * could grind ids to pick an arm, which an experiment need not defend against. We stay off
 * `crypto.subtle.digest`, which is async and ~100× slower for a 40-byte input on the hot path.
 */
export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) for (salt, id); the separator keeps ("a:b","c") ≠ ("a","b:c"). */
export function unitHash(salt: string, id: string): number {
  return hash32(`${salt}\u0000${id}`) / 4294967296;
}
