/**
 * A compact JWS accepted only in its one canonical spelling. Base64url packs 6 bits per
 * character, so the last character of a segment can carry bits that decoding throws away: a
 * signature ending in "A" and the same one ending in "B" decode to the same bytes and both
 * verify. Refusing every spelling but the canonical one means a token has exactly one text —
 * nobody can mint look-alike copies of someone's cookie. Pure, no decoding needed.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** True when every segment is unpadded base64url whose unused trailing bits are zero. */
export function isCanonicalJws(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  return parts.every(canonicalSegment);
}

function canonicalSegment(segment: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return false;
  const tail = segment.length % 4;
  if (tail === 1) return false; // no byte count encodes to this length
  if (tail === 0) return true;
  // 2 characters carry 1 byte (4 spare bits), 3 characters carry 2 bytes (2 spare bits).
  const spare = tail === 2 ? 0b1111 : 0b11;
  return (ALPHABET.indexOf(segment[segment.length - 1]!) & spare) === 0;
}
