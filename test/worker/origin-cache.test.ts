/**
 * Caching without ever caching a person (issue 11): a page marked as a cacheable shell is
 * fetched without cookies and kept in the edge cache when the origin allows it, then filled per
 * visitor; personalized output never enters any cache, and unmarked pages are never cached.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { variantOf, visit } from '../support/origin/visit.ts';
import { shellCacheable } from '../../worker/origin/cache.ts';
import { eventually } from '../support/eventually.ts';

const renderOf = (html: string) => /name="origin-render" content="([^"]+)"/.exec(html)?.[1];

/** A path no other test uses: the edge cache outlives a single test. */
let n = 0;
const fresh = (prefix: string, query: string) => `${prefix}/${Date.now()}-${n++}?${query}`;

interface Echo {
  headers: Record<string, string>;
}

beforeEach(async () => {
  await publishTestBundle(originBundleBody());
  await putVisitorProfile('v-cache-vip', { segments: ['vip'] });
});

describe('a cacheable shell', () => {
  it('is served from the edge cache to a second visitor, who still gets their own slots', async () => {
    const path = fresh('/shell', 'cc=public,max-age=600');
    const first = await visit(path);
    const firstHtml = await first.text();
    expect(first.headers.get('x-tessera-origin')).toBe('miss');
    expect(variantOf(firstHtml, 'banner')).toBe('banner-default');
    // The cache is written after the response (waitUntil).
    await eventually(() => caches.default.match(new Request(`https://origin.test${path}`)));

    const second = await visit(path, { visitor: 'v-cache-vip' });
    const secondHtml = await second.text();
    expect(second.headers.get('x-tessera-origin')).toBe('hit');
    // The same origin render (from cache), personalized for someone else.
    expect(renderOf(secondHtml)).toBe(renderOf(firstHtml));
    expect(variantOf(secondHtml, 'banner')).toBe('banner-vip');
    expect(second.headers.get('cache-control')).toBe('private, no-store');
  });

  it('keeps what is cached the origin’s anonymous HTML, never a personalized page', async () => {
    const path = fresh('/shell', 'cc=public,max-age=600');
    await (await visit(path, { visitor: 'v-cache-vip' })).text();
    const cached = await eventually(() =>
      caches.default.match(new Request(`https://origin.test${path}`)),
    );
    const html = await cached.text();
    expect(html).toContain('<p>Origin banner</p>');
    expect(html).not.toContain('data-tessera-variant');
    expect(html).not.toContain('/__tessera/t.js');
    // Nothing is stored under the visitor-facing URL.
    expect(await caches.default.match(new Request(`https://shop.test${path}`))).toBeUndefined();
  });

  it('is fetched without the visitor’s cookies or authorization', async () => {
    const res = await visit(fresh('/shell', 'body=echo'), {
      visitor: 'v-cache-vip',
      headers: { authorization: 'Bearer secret', 'if-none-match': '"abc"' },
    });
    const echo = await res.json<Echo>();
    expect(echo.headers.cookie).toBeUndefined();
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['if-none-match']).toBeUndefined();
  });

  it('is not cached when the origin does not allow it', async () => {
    for (const query of [
      'cc=private,max-age=600',
      'cc=no-store',
      'cc=public,max-age=600&cookie=s=1',
      '',
    ]) {
      const path = fresh('/shell', query);
      const a = await (await visit(path)).text();
      const b = await (await visit(path)).text();
      expect(renderOf(a), query).not.toBe(renderOf(b));
    }
  });
});

describe('pages not marked as shells', () => {
  it('are never cached, even when the origin says they may be', async () => {
    const path = fresh('/o', 'cc=public,max-age=600');
    const a = await visit(path);
    const b = await visit(path);
    expect(a.headers.get('x-tessera-origin')).toBe('bypass');
    expect(renderOf(await a.text())).not.toBe(renderOf(await b.text()));
    expect(await caches.default.match(new Request(`https://origin.test${path}`))).toBeUndefined();
  });
});

describe('shellCacheable', () => {
  const res = (headers: Record<string, string>, status = 200) =>
    new Response('<p>x</p>', { status, headers: { 'content-type': 'text/html', ...headers } });

  it('allows a 200 HTML page with a shared lifetime', () => {
    expect(shellCacheable(res({ 'cache-control': 'public, max-age=60' }))).toBe(true);
    expect(shellCacheable(res({ 'cache-control': 's-maxage=60' }))).toBe(true);
  });

  it('refuses anything personal, uncacheable or without a lifetime', () => {
    expect(shellCacheable(res({ 'cache-control': 'private, max-age=60' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'max-age=60, no-cache' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'no-store' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'public' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'max-age=0' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'max-age=60', 'set-cookie': 'a=1' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'max-age=60', vary: '*' }))).toBe(false);
    expect(shellCacheable(res({ 'cache-control': 'max-age=60' }, 404))).toBe(false);
    expect(
      shellCacheable(
        new Response('{}', {
          headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' },
        }),
      ),
    ).toBe(false);
  });
});
