import { SELF, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorker } from '../../worker/index.ts';
import type { Trace } from '../../worker/debug/trace.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';
const page = (query: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`https://shop.test/${query}`, { headers: { 'user-agent': MOBILE, ...headers } });

describe('debug trace', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-vip', { segments: ['vip'], traits: { plan: 'pro' } });
  });

  const ignored: [string, () => Promise<Record<string, string>>][] = [
    ['without a token', async () => ({})],
    [
      'with a token lacking the read scope',
      async () => bearerHeader(await mintAdminToken({ scope: 'publish preview' })),
    ],
    [
      'with an expired token',
      async () =>
        bearerHeader(
          await mintAdminToken({ scope: 'read', exp: Math.floor(Date.now() / 1000) - 60 }),
        ),
    ],
    [
      'with a token signed by another key',
      async () =>
        bearerHeader(
          await mintAdminToken({
            scope: 'read',
            secret: 'some-other-secret-that-is-long-enough!!',
          }),
        ),
    ],
    [
      'with a token for another audience',
      async () => bearerHeader(await mintAdminToken({ scope: 'read', aud: 'someone-else' })),
    ],
    [
      'with the token in a cookie instead of the header',
      async () => ({ cookie: `authorization=${await mintAdminToken({ scope: 'read' })}` }),
    ],
  ];
  for (const [name, headers] of ignored) {
    it(`ignores ?tessera_debug ${name}`, async () => {
      for (const mode of ['1', 'json']) {
        const res = await page(`?tessera_debug=${mode}`, await headers());
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        expect(await res.text()).not.toContain('tessera-debug');
      }
    });
  }

  it('shows why each slot got its variant inside the page with a read token', async () => {
    const res = await page('?tessera_debug=1', {
      ...bearerHeader(await mintAdminToken({ scope: 'read' })),
      ...cookieHeader(await mintVisitorToken({ sub: 'v-vip' })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<aside class="tessera-debug"');
    expect(html).toMatch(
      /data-tessera-debug-slot="banner"[^]*banner: banner-vip — segment, rule:vip-banner/,
    );
    // The hero's candidates: the profile rule won, the mobile cohort rule was outranked.
    expect(html).toMatch(
      /data-tessera-debug-slot="hero"[^]*hero-greeting<\/td><td>segment[^]*hero-mobile<\/td><td>cohort<\/td><td>rule:mobile-hero<\/td><td><\/td><td>outranked/,
    );
  });

  it('escapes request-controlled values in the panel', async () => {
    const res = await page(
      '?tessera_debug=1&utm_campaign=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      bearerHeader(await mintAdminToken({ scope: 'read' })),
    );
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('returns the trace as JSON with a read token', async () => {
    const res = await page('?tessera_debug=json&utm_source=news', {
      ...bearerHeader(await mintAdminToken({ scope: 'read publish' })),
      ...cookieHeader(await mintVisitorToken({ sub: 'v-vip' })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const trace = await res.json<Trace>();
    expect(trace.page).toEqual({ id: 'home', path: '/' });
    expect(trace.profile).toBe('visitor');
    expect(trace.context).toMatchObject({
      device: 'mobile',
      os: 'ios',
      utmSource: 'news',
      returning: true,
      query: 'utm_source=news',
    });
    const hero = trace.slots.find((s) => s.slot === 'hero')!;
    expect(hero).toMatchObject({
      variant: 'hero-greeting',
      level: 'segment',
      rule: 'pro-greeting',
    });
    expect(hero.candidates.map((c) => [c.variant, c.status])).toEqual([
      ['hero-greeting', 'chosen'],
      ['hero-mobile', 'outranked'],
      ['hero-default', 'outranked'],
    ]);
    expect(trace.slots.map((s) => s.slot)).toEqual(['banner', 'hero', 'grid', 'quote', 'cta']);
  });

  it('reports a late profile as the fallback cause of every slot, still answering', async () => {
    const slowProfiles = {
      get: () => new Promise<null>(() => {}),
    } as unknown as KVNamespace;
    const ctx = createExecutionContext();
    const res = await createWorker().fetch!(
      new Request('https://shop.test/?tessera_debug=json', {
        headers: {
          'user-agent': MOBILE,
          ...bearerHeader(await mintAdminToken({ scope: 'read' })),
          ...cookieHeader(await mintVisitorToken({ sub: 'v-vip' })),
        },
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, PROFILES: slowProfiles, KV_DEADLINE_MS: '20' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const trace = await res.json<Trace>();
    expect(trace.reasons).toContain('profile.timeout');
    expect(trace.slots.find((s) => s.slot === 'hero')).toMatchObject({
      variant: 'hero-mobile',
      level: 'cohort',
      fallback: ['profile.timeout'],
    });
    expect(trace.slots.find((s) => s.slot === 'banner')).toMatchObject({
      level: 'default',
      reason: 'default:no_profile',
      fallback: ['profile.timeout'],
    });
  });
});
