/**
 * Admin tokens and preview links have a maximum lifetime, checked when they are used, not only
 * when they are minted: a token that says it is valid until 2036 is refused (issue 13 #9).
 */
import { SELF, env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyAdminToken } from '../../shared/auth/admin-token.ts';
const MAX_ADMIN_TTL_SECONDS = 86400;
import { keyringFor } from '../../shared/auth/keyring.ts';
import { MAX_PREVIEW_TTL_SECONDS } from '../../shared/auth/preview-token.ts';
import { loadConfig } from '../../shared/config.ts';
import { ADMIN_KID, ADMIN_SECRET } from '../support/keys.ts';
import { nowSeconds } from '../support/tokens.ts';

const YEAR_2036 = Date.UTC(2036, 0, 1) / 1000;

async function mint(
  audience: string,
  claims: Record<string, unknown>,
  times: { iat?: number; exp: number },
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: ADMIN_KID, typ: 'JWT' })
    .setIssuer('tessera')
    .setAudience(audience)
    .setSubject('someone@test')
    .setExpirationTime(times.exp);
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  return jwt.sign(new TextEncoder().encode(ADMIN_SECRET));
}

const adminRing = async () => keyringFor(loadConfig(env).adminKeys);
const admin = (times: { iat?: number; exp: number }) =>
  mint('tessera-admin', { scope: 'read publish' }, times);
const previewLink = (times: { iat?: number; exp: number }) =>
  mint('tessera-preview', { scope: 'preview', pv: { path: '/' } }, times);

describe('the maximum lifetime of admin tokens', () => {
  it('accepts a token that lives a day', async () => {
    const now = nowSeconds();
    const verified = await verifyAdminToken(
      await adminRing(),
      await admin({ iat: now, exp: now + MAX_ADMIN_TTL_SECONDS }),
      now,
    );
    expect(verified.ok).toBe(true);
  });

  it.each([
    [
      'valid until 2036',
      () => ({ iat: nowSeconds(), exp: YEAR_2036 }),
      /longer than the maximum of 24 h/,
    ],
    [
      'a day and a minute long',
      () => ({ iat: nowSeconds(), exp: nowSeconds() + MAX_ADMIN_TTL_SECONDS + 60 }),
      /longer than the maximum/,
    ],
    ['without an issue time', () => ({ exp: nowSeconds() + 600 }), /"iat"/],
    [
      'issued an hour from now',
      () => ({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
      /issued in the future/,
    ],
  ])('refuses a token %s', async (_name, times, message) => {
    const verified = await verifyAdminToken(await adminRing(), await admin(times()), nowSeconds());
    expect(verified).toMatchObject({ ok: false, code: 'invalid_token' });
    expect(verified.ok || verified.message).toMatch(message);
  });
});

describe('the maximum lifetime of preview links', () => {
  const open = async (token: string) =>
    SELF.fetch(`https://shop.test/__tessera/preview?token=${token}`, { redirect: 'manual' });

  it('opens a link that lives the default 30 minutes', async () => {
    const now = nowSeconds();
    const res = await open(await previewLink({ iat: now, exp: now + 30 * 60 }));
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-tsr_preview=/);
  });

  it.each([
    ['valid until 2036', () => ({ iat: nowSeconds(), exp: YEAR_2036 })],
    [
      'a minute over the maximum',
      () => ({ iat: nowSeconds(), exp: nowSeconds() + MAX_PREVIEW_TTL_SECONDS + 60 }),
    ],
    ['without an issue time', () => ({ exp: nowSeconds() + 600 })],
  ])('refuses a link %s and sets no cookie', async (_name, times) => {
    const res = await open(await previewLink(times()));
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('ignores a preview session cookie that claims to live for years', async () => {
    const now = nowSeconds();
    const session = await mint(
      'tessera-preview-session',
      { scope: 'preview', pv: { path: '/', segment: 'vip' } },
      { iat: now, exp: YEAR_2036 },
    );
    const res = await SELF.fetch('https://shop.test/', {
      headers: { cookie: `__Host-tsr_preview=${session}` },
    });
    expect(res.headers.get('x-robots-tag')).toBeNull();
    expect(await res.text()).not.toContain('data-tessera-preview');
  });
});
