import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { OLD_KID, OLD_SECRET, NEW_KID } from '../support/keys.ts';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { cookieHeader, issuedVisitor, mintVisitorToken, nowSeconds } from '../support/tokens.ts';

const get = (headers: Record<string, string> = {}) => SELF.fetch('https://shop.test/', { headers });

function b64url(s: string): string {
  return btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

describe('visitor identity', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-known', { segments: ['vip'] });
  });

  it('gives a first-time visitor a fresh signed cookie with host-only, secure attributes', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const issued = issuedVisitor(res);
    expect(issued).toBeDefined();
    expect(issued!.raw).toMatch(/; Path=\//);
    expect(issued!.raw).toMatch(/; Secure/);
    expect(issued!.raw).toMatch(/; HttpOnly/);
    expect(issued!.raw).toMatch(/; SameSite=Lax/);
    expect(issued!.raw).not.toMatch(/Domain=/i);
    expect(issued!.kid).toBe(NEW_KID);
    expect(issued!.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-tessera-reasons')).toContain('cookie.missing');
  });

  it('recognises a returning visitor from a valid cookie and reads their profile', async () => {
    const res = await get(cookieHeader(await mintVisitorToken({ sub: 'v-known' })));
    expect(res.status).toBe(200);
    expect(issuedVisitor(res)).toBeUndefined();
    expect(await res.text()).toContain('data-tessera-variant="banner-vip"');
  });

  it('treats the minted id as the visitor on the next request', async () => {
    const first = issuedVisitor(await get())!;
    const token = first.raw.split(';')[0]!.slice('__Host-tsr_vid='.length);
    const second = await get(cookieHeader(token));
    expect(issuedVisitor(second)).toBeUndefined();
    expect(second.headers.get('x-tessera-reasons') ?? '').not.toContain('cookie');
  });

  it('still accepts cookies signed with an older key (rotation) and signs new ones with the first key', async () => {
    const old = await mintVisitorToken({ sub: 'v-known', kid: OLD_KID, secret: OLD_SECRET });
    const res = await get(cookieHeader(old));
    expect(issuedVisitor(res)).toBeUndefined();
    expect(await res.text()).toContain('banner-vip');
    expect(issuedVisitor(await get())!.kid).toBe(NEW_KID);
  });

  it('re-issues an anonymous cookie older than a week, keeping the visitor id', async () => {
    const iat = nowSeconds() - 8 * 24 * 3600;
    const res = await get(
      cookieHeader(await mintVisitorToken({ sub: 'v-known', iat, exp: iat + 400 * 24 * 3600 })),
    );
    const issued = issuedVisitor(res);
    expect(issued?.sub).toBe('v-known');
    expect(await res.text()).toContain('banner-vip');
  });

  const rejected: [string, () => Promise<string>, string][] = [
    [
      'tampered payload',
      async () => {
        const [h, , s] = (await mintVisitorToken({ sub: 'v-known' })).split('.');
        return `${h}.${b64url(JSON.stringify({ sub: 'v-admin', iat: nowSeconds(), exp: nowSeconds() + 60 }))}.${s}`;
      },
      'cookie.invalid',
    ],
    [
      'tampered signature',
      async () => (await mintVisitorToken({ sub: 'v-known' })).slice(0, -4) + 'AAAA',
      'cookie.invalid',
    ],
    [
      'expired',
      () => mintVisitorToken({ sub: 'v-known', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }),
      'cookie.expired',
    ],
    [
      'alg none',
      async () => {
        const header = b64url(JSON.stringify({ alg: 'none', kid: NEW_KID }));
        const payload = b64url(
          JSON.stringify({ sub: 'v-known', iat: nowSeconds(), exp: nowSeconds() + 60 }),
        );
        return `${header}.${payload}.`;
      },
      'cookie.invalid',
    ],
    [
      'another HMAC algorithm with the right key',
      () => mintVisitorToken({ sub: 'v-known', alg: 'HS512' }),
      'cookie.invalid',
    ],
    [
      'unknown kid',
      () => mintVisitorToken({ sub: 'v-known', kid: 'retired-2020' }),
      'cookie.unknown_kid',
    ],
    [
      'right kid, wrong secret',
      () => mintVisitorToken({ sub: 'v-known', secret: 'an-attacker-chosen-secret-of-32-bytes!!' }),
      'cookie.invalid',
    ],
    ['malformed', async () => 'not-a-jws', 'cookie.invalid'],
    ['oversized', async () => 'a'.repeat(3000), 'cookie.oversized'],
    [
      'a sub that is not a visitor id',
      () => mintVisitorToken({ sub: '<script>alert(1)</script>' }),
      'cookie.bad_claims',
    ],
  ];

  for (const [name, make, reason] of rejected) {
    it(`treats a ${name} cookie as a new visitor with a fresh cookie`, async () => {
      const res = await get(cookieHeader(await make()));
      expect(res.status).toBe(200);
      const issued = issuedVisitor(res);
      expect(issued).toBeDefined();
      expect(issued!.sub).not.toBe('v-known');
      expect(res.headers.get('x-tessera-reasons')).toContain(reason);
      expect(await res.text()).not.toContain('banner-vip');
    });
  }

  it('survives a cookie header full of junk', async () => {
    const res = await get({ cookie: `a=%E0%A4%A; __Host-tsr_vid=%%%; ;;=; b="` });
    expect(res.status).toBe(200);
    expect(issuedVisitor(res)).toBeDefined();
  });
});
