/**
 * Site paths start with exactly one "/" (issue 13 #5): `//2130706433` is another host to a
 * browser, so as a preview landing path it was an open redirect, and as a page path it put an
 * off-site link into every page's navigation.
 */
import { SELF, env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import { PreviewTarget } from '../../shared/auth/claims.ts';
import { buildTestBundle, publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { ADMIN_KID, ADMIN_SECRET } from '../support/keys.ts';
import { nowSeconds } from '../support/tokens.ts';

const OFF_SITE = ['//2130706433', '//evil.example/login', '///evil.example', '/shop//x', '//'];

describe('site paths', () => {
  it.each(OFF_SITE)('refuses the page path %s when publishing, naming the field', (path) => {
    const body = testBundleBody();
    body.pages[1]!.path = path;
    const parsed = parseBundleBody(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toContainEqual(
      expect.objectContaining({
        path: ['pages', 1, 'path'],
        message: expect.stringMatching(/one "\/" at the start, no "\/\/"/),
      }),
    );
  });

  it('accepts nested paths and a trailing slash (and the root page keeps "/")', () => {
    for (const path of ['/deals', '/collections/shoes', '/collections/shoes/', '/a_b/c-d/9']) {
      const body = testBundleBody();
      body.pages[1]!.path = path;
      expect(parseBundleBody(body).ok).toBe(true);
    }
  });

  it.each(OFF_SITE)('refuses %s as a preview target', (path) => {
    expect(PreviewTarget.safeParse({ path }).success).toBe(false);
  });

  it('never redirects a preview link off the site, even one signed with the admin key', async () => {
    const now = nowSeconds();
    const token = await new SignJWT({ scope: 'preview', pv: { path: '//2130706433' } })
      .setProtectedHeader({ alg: 'HS256', kid: ADMIN_KID, typ: 'JWT' })
      .setIssuer('tessera')
      .setAudience('tessera-preview')
      .setSubject('qa@test')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(ADMIN_SECRET));
    const res = await SELF.fetch(`https://shop.test/__tessera/preview?token=${token}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('never renders an off-site navigation link from a stored bundle that bypassed publishing', async () => {
    const good = await publishTestBundle();
    const bad = await buildTestBundle();
    const tampered = { ...bad, version: 'badbadbadbad0001' };
    tampered.pages = tampered.pages.map((p) =>
      p.id === 'deals' ? { ...p, path: '//2130706433' } : p,
    );
    await env.CONTENT.put(contentKeys.bundle(tampered.version), JSON.stringify(tampered));
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({ version: tampered.version, updatedAt: new Date().toISOString() }),
    );
    const res = await SELF.fetch('https://shop.test/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/href="\/\//);
    expect(res.headers.get('x-tessera-version')).not.toBe(tampered.version);
    expect(good.version).not.toBe(tampered.version);
  });
});
