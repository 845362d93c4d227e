/**
 * A token has exactly one text. Base64url's last character can carry bits decoding throws away,
 * so "…A" and "…B" at the end of a signature are the same signature: jose accepts both. We accept
 * only the canonical spelling, so a cookie cannot be copied into look-alikes — and the 10,000
 * hostile cookies test, which flips single characters, no longer depends on the luck of how the
 * run's victim token happens to end.
 */
import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { isCanonicalJws } from '../../shared/auth/canonical.ts';
import { cookieHeader, issuedVisitor, mintVisitorToken } from '../support/tokens.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Spellings of `segment` that decode to the same bytes, other than itself. */
function lookAlikes(segment: string): string[] {
  const bytes = base64url.decode(segment);
  const last = segment.length - 1;
  return [...ALPHABET]
    .map((c) => segment.slice(0, last) + c)
    .filter((s) => s !== segment)
    .filter((s) => {
      try {
        const other = base64url.decode(s);
        return other.length === bytes.length && other.every((b, i) => b === bytes[i]);
      } catch {
        return false;
      }
    });
}

describe('canonical token spelling', () => {
  it('calls every encoding of random bytes canonical and every look-alike not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 3, maxLength: 3 }),
        (parts) => {
          const segments = parts.map((p) => base64url.encode(p));
          expect(isCanonicalJws(segments.join('.'))).toBe(true);
          for (const alike of lookAlikes(segments[2]!))
            expect(isCanonicalJws([segments[0], segments[1], alike].join('.'))).toBe(false);
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });

  it('treats a cookie whose signature was re-spelled as no cookie at all', async () => {
    const token = await mintVisitorToken({ sub: 'v-canonical' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const alikes = lookAlikes(s);
    expect(alikes.length).toBeGreaterThan(0); // HS256: 32 bytes, 2 spare bits, 3 look-alikes
    for (const alike of alikes) {
      const res = await SELF.fetch('https://shop.test/', {
        headers: cookieHeader(`${h}.${p}.${alike}`),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-tessera-reasons')).toContain('cookie.invalid');
      expect(issuedVisitor(res)?.sub).not.toBe('v-canonical');
    }
    const genuine = await SELF.fetch('https://shop.test/', { headers: cookieHeader(token) });
    expect(genuine.headers.get('x-tessera-reasons') ?? '').not.toContain('cookie.');
  });
});
