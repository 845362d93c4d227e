import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  publishTestBundle,
  putCustomerProfile,
  putVisitorProfile,
  testBundleBody,
} from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const variants = (html: string) =>
  [...html.matchAll(/data-tessera-slot="([^"]+)" data-tessera-variant="([^"]*)"/g)].map(
    (m) => `${m[1]}=${m[2]}`,
  );

async function page(
  path = '/',
  o: {
    visitor?: string;
    cid?: string;
    headers?: Record<string, string>;
    cf?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...o.headers };
  if (o.visitor)
    Object.assign(headers, cookieHeader(await mintVisitorToken({ sub: o.visitor, cid: o.cid })));
  const res = await SELF.fetch(`https://shop.test${path}`, { headers, cf: o.cf });
  return { res, html: await res.text() };
}

describe('the personalized page', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  it('renders every slot of the page with defaults for a first-time visitor', async () => {
    const { res, html } = await page('/');
    expect(res.status).toBe(200);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(variants(html)).toEqual([
      'banner=banner-default',
      'hero=hero-default',
      'grid=grid-default',
      'quote=quote-default',
      'cta=cta-default',
    ]);
  });

  it('personalizes from a known visitor’s profile: pipeline segment, affinity and bundle segment', async () => {
    await putVisitorProfile('v-runner', { segments: ['vip'], affinities: { running: 0.9 } });
    const { html } = await page('/', { visitor: 'v-runner' });
    expect(variants(html)).toEqual([
      'banner=banner-vip',
      'hero=hero-running',
      'grid=grid-runners',
      'quote=quote-default',
      'cta=cta-default',
    ]);
    expect(html).toContain('data-tessera-level="individual"');
  });

  it('prefers the customer profile when the cookie carries a customer id', async () => {
    await putVisitorProfile('v-anon', { traits: { plan: 'free' } });
    await putCustomerProfile('c-42', {
      segments: ['vip'],
      traits: { plan: 'pro', firstName: 'Ada' },
    });
    const { html } = await page('/', { visitor: 'v-anon', cid: 'c-42' });
    expect(variants(html)).toContain('banner=banner-vip');
    expect(html).toContain('Welcome back, Ada');
  });

  it('falls back to the anonymous profile when the customer has none', async () => {
    await putVisitorProfile('v-anon2', { segments: ['vip'] });
    const { html } = await page('/', { visitor: 'v-anon2', cid: 'c-unknown' });
    expect(variants(html)).toContain('banner=banner-vip');
  });

  it('uses request context without any profile: country from request.cf and device class', async () => {
    const de = await page('/', { cf: { country: 'DE' } });
    expect(variants(de.html)).toContain('cta=cta-de');
    const mobile = await page('/', {
      headers: {
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
      },
    });
    expect(variants(mobile.html)).toContain('hero=hero-mobile');
  });

  it('serves each page of the bundle at its path and 404s inside the site chrome elsewhere', async () => {
    const deals = await page('/deals');
    expect(variants(deals.html)).toEqual(['banner=banner-default', 'cta=cta-default']);
    const missing = await page('/nope');
    expect(missing.res.status).toBe(404);
    expect(missing.html).toContain('Test Shop');
    expect(missing.res.headers.get('x-tessera-reasons')).toContain('page.not_found');
  });

  it('marks personalized responses private and uncacheable, varying on Cookie, with timing and ids', async () => {
    const { res } = await page('/');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('vary')).toBe('Cookie');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-tessera-version')).toMatch(/^[0-9a-f]{16}$/);
    expect(res.headers.get('x-tessera-decision')).toMatch(/^[0-9a-f-]{36}$/);
    const timing = res.headers.get('server-timing') ?? '';
    for (const phase of ['identity', 'kv', 'decide', 'render', 'total'])
      expect(timing).toMatch(new RegExp(`${phase};dur=\\d`));
  });

  it('escapes hostile strings from profiles wherever they reach the page', async () => {
    const payload = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    await putVisitorProfile('v-xss', { traits: { plan: 'pro', firstName: payload } });
    const { html } = await page('/', { visitor: 'v-xss' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes hostile strings from content', async () => {
    const body = testBundleBody();
    const hero = body.slots.find((s) => s.id === 'hero')!;
    hero.variants[0]!.props = {
      headline: '</h1><script>alert("c")</script>',
      subhead: `' onmouseover='x`,
    };
    await publishTestBundle(body);
    const { html } = await page('/');
    expect(html).not.toContain('<script>alert("c")');
    expect(html).toContain('&lt;/h1&gt;&lt;script&gt;');
    expect(html).not.toMatch(/onmouseover='x/);
  });
});
