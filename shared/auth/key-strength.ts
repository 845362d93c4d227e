/**
 * Catches HMAC secrets that are obviously guessable before the worker starts with one: a single
 * repeated character, a short pattern repeated, a run such as "abcdefgh…" or "12345678…", or a
 * character distribution far too skewed to hold 64 bits. Pure.
 *
 * This is a floor, not a proof of randomness: a key that passes can still be weak (a sentence, a
 * key published in git). The only good key is a random one: `openssl rand -base64 48`.
 */

/** At least this many different bytes: "aaaa…", "abab…", "0101…" have fewer. */
const MIN_DISTINCT = 8;
/** Below this estimate (bits) a key is too predictable to sign anything. */
const MIN_ESTIMATED_BITS = 64;

/** Why `secret` is obviously weak, or undefined when nothing obvious is wrong with it. */
export function keyWeakness(secret: Uint8Array): string | undefined {
  const n = secret.byteLength;
  if (n === 0) return 'it is empty';
  const counts = new Map<number, number>();
  for (const b of secret) counts.set(b, (counts.get(b) ?? 0) + 1);
  if (counts.size < MIN_DISTINCT)
    return `it uses only ${counts.size} different character${counts.size === 1 ? '' : 's'}`;
  const period = shortestPeriod(secret);
  if (period <= n / 2) return `it repeats the same ${period} characters`;
  let steps = 0;
  for (let i = 1; i < n; i++) if (Math.abs(secret[i]! - secret[i - 1]!) <= 1) steps++;
  if (steps * 2 > n - 1)
    return 'it is mostly runs of neighbouring characters (like "abcd" or "1234")';
  let bits = 0;
  for (const c of counts.values()) bits -= c * Math.log2(c / n);
  if (bits < MIN_ESTIMATED_BITS)
    return `its characters are too unevenly spread (about ${Math.floor(bits)} bits)`;
  return undefined;
}

/** The length of the shortest unit the whole secret is a repetition of (n when none). */
function shortestPeriod(s: Uint8Array): number {
  const n = s.byteLength;
  outer: for (let p = 1; p <= n / 2; p++) {
    for (let i = p; i < n; i++) if (s[i] !== s[i - p]) continue outer;
    return p;
  }
  return n;
}
