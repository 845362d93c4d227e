/**
 * Origin mode's configuration (issue 11): which paths Tessera renders itself and which come from
 * the origin, validated with messages that say what to fix, and the origin URL overridable per
 * environment with ORIGIN_URL.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { pageForPath } from '../../worker/decide/compile.ts';
import { createWorker } from '../../worker/index.ts';
import {
  buildTestBundle,
  publishTestBundle,
  storeUncheckedBundle,
  testBundleBody,
} from '../support/bundle.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from '../support/keys.ts';
import { ORIGIN_URL, originBundleBody } from '../support/origin/bundle.ts';
import { SHOP, visit } from '../support/origin/visit.ts';

const problems = (body: unknown) => {
  const parsed = parseBundleBody(body);
  return parsed.ok ? [] : parsed.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('validating origin pages', () => {
  it('accepts the origin test bundle', () => {
    expect(problems(originBundleBody())).toEqual([]);
  });

  it('refuses a /* path on a page Tessera renders itself, and says how to fix it', () => {
    const body = testBundleBody();
    body.pages[1] = { ...body.pages[1]!, path: '/deals/*' };
    expect(problems(body)).toEqual([
      'pages.1.path: "/deals/*" covers many paths, which only an origin page can (add "origin": {} and set site.origin), or use an exact path such as "/deals"',
    ]);
  });

  it('refuses an own page without slots but allows an origin page without', () => {
    const body = originBundleBody();
    body.pages[0] = { ...body.pages[0]!, slots: [] };
    expect(problems(body)).toEqual([
      'pages.0.slots: page "home" is rendered by Tessera and needs at least one slot',
    ]);
  });

  it('refuses origin pages when site.json has no origin', () => {
    const body = originBundleBody({ site: { name: 'No origin' } });
    expect(problems(body)).toEqual(
      ['article', 'help', 'plain'].map(
        (id, i) =>
          `pages.${i + 2}.origin: page "${id}" comes from the origin, but site.json has no "origin": add "origin": { "url": "https://www.example.com" } to site`,
      ),
    );
  });

  it('refuses an origin URL with a path, query, credentials or another scheme', () => {
    for (const url of [
      'https://origin.test/shop',
      'https://origin.test/?a=1',
      'https://user:pw@origin.test',
      'ftp://origin.test',
      'javascript:alert(1)',
      '//origin.test',
    ]) {
      const body = originBundleBody({ site: { name: 'x', origin: { url } } });
      expect(problems(body), url).toEqual([
        expect.stringMatching(
          /^site\.origin\.url: an http\(s\) origin such as "https:\/\/www\.example\.com"/,
        ),
      ]);
    }
  });

  it('keeps the origin timeout between 100 ms and 30 s', () => {
    const slow = originBundleBody({
      site: { name: 'x', origin: { url: ORIGIN_URL, timeoutMs: 60_000 } },
    });
    expect(problems(slow)).toEqual(['site.origin.timeoutMs: at most 30000 ms']);
  });
});

describe('routing', () => {
  it('prefers a page with the exact path, then the first origin page whose prefix covers it', async () => {
    const bundle = await buildTestBundle(
      originBundleBody({
        pages: [
          ...originBundleBody().pages,
          { id: 'o-special', path: '/o/special', title: 'Special', origin: {}, slots: ['hero'] },
          { id: 'everything', path: '/*', title: 'All', origin: {}, slots: [] },
        ],
      }),
    );
    const id = (path: string) => pageForPath(bundle, path)?.id;
    expect(id('/')).toBe('home');
    expect(id('/deals')).toBe('deals');
    expect(id('/o')).toBe('article');
    expect(id('/o/')).toBe('article');
    expect(id('/o/any/depth')).toBe('article');
    expect(id('/o/special')).toBe('o-special');
    expect(id('/other')).toBe('everything');
  });

  it('keeps today’s 404 for a path of neither kind', async () => {
    await publishTestBundle(originBundleBody());
    expect((await visit('/ox')).status).toBe(404);
    expect((await visit('/nowhere')).status).toBe(404);
  });

  it('links an origin section from Tessera’s own navigation by its base path', async () => {
    await publishTestBundle(originBundleBody());
    const html = await (await visit('/')).text();
    expect(html).toContain('<a href="/o">Articles</a>');
  });

  it('answers 502 origin.unconfigured when a stored bundle has origin pages but no origin', async () => {
    // Written past publishing's checks, under a version of its own (isolates cache versions).
    const { version: _, ...body } = await buildTestBundle(originBundleBody());
    await storeUncheckedBundle({ ...body, site: { name: 'Broken', lang: 'en' } });
    const res = await visit('/o/a');
    expect(res.status).toBe(502);
    expect(res.headers.get('x-tessera-reasons')).toContain('origin.unconfigured');
  });
});

describe('ORIGIN_URL', () => {
  const keys = { VISITOR_KEYS: TEST_VISITOR_KEYS, ADMIN_KEYS: TEST_ADMIN_KEYS };

  it('overrides site.origin.url for the environment', async () => {
    await publishTestBundle(originBundleBody());
    const ctx = createExecutionContext();
    const res = await createWorker().fetch!(
      new Request(`${SHOP}/o/api?body=echo`) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, ORIGIN_URL: 'http://staging.origin.test:8788' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(((await res.json()) as { url: string }).url).toBe(
      'http://staging.origin.test:8788/o/api?body=echo',
    );
  });

  it('stops the worker at start-up with a message when it is not an origin', () => {
    for (const bad of [
      'staging.example.com',
      'https://example.com/path',
      'https://a@example.com',
    ]) {
      expect(() => loadConfig({ ...keys, ORIGIN_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...keys, ORIGIN_URL: bad })).toThrow(
        /^ORIGIN_URL must be an http\(s\) origin such as "https:\/\/www.example.com".*Set it under \[vars\]/,
      );
    }
    expect(loadConfig({ ...keys, ORIGIN_URL: 'https://www.example.com' }).originUrl).toBe(
      'https://www.example.com',
    );
    expect(loadConfig(keys).originUrl).toBeUndefined();
  });
});
