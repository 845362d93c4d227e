/**
 * Origin mode's pass-through rules (issue 11): only a GET/HEAD answered 200 with text/html is
 * rewritten; everything else reaches the browser exactly as the origin sent it. Requests reach
 * the origin with their headers, minus Tessera's own cookies; failures are clear pages.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { publishTestBundle } from '../support/bundle.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { markers, visit } from '../support/origin/visit.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';
import { originUrl } from '../../worker/origin/request.ts';

/** The origin's own answer to the same URL, fetched directly (the test's outbound goes there). */
const direct = (path: string, init?: RequestInit) =>
  fetch(`https://origin.test${path}`, { redirect: 'manual', ...init });

/** Headers minus the per-response render id (each origin response has its own). */
const stable = (h: Headers) =>
  [...h].filter(([k]) => k !== 'x-origin-render' && k !== 'etag').sort();

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

beforeEach(async () => {
  await publishTestBundle(originBundleBody());
});

describe('what passes through untouched', () => {
  const cases: [string, string][] = [
    ['an origin 404 page', '/o/missing?status=404'],
    ['an origin 500 page', '/o/broken?status=500'],
    ['JSON', '/o/api?body=json'],
    ['a server-sent event stream', '/o/events?body=sse'],
    ['HTML under another content type', '/o/a?type=text/plain'],
  ];
  for (const [what, path] of cases) {
    it(`returns ${what} with the origin’s status, headers and bytes`, async () => {
      const [ours, theirs] = await Promise.all([visit(path), direct(path)]);
      expect(ours.status).toBe(theirs.status);
      expect(stable(ours.headers)).toEqual(stable(theirs.headers));
      const render = ours.headers.get('x-origin-render')!;
      expect(await ours.text()).toBe(
        (await theirs.text()).replaceAll(theirs.headers.get('x-origin-render')!, render),
      );
      expect(ours.headers.get('x-tessera-decision')).toBeNull();
    });
  }

  it('keeps a redirect as sent, not followed', async () => {
    const res = await visit('/o/old?status=302&location=https://origin.test/o/new');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://origin.test/o/new');
  });

  it('keeps a 304', async () => {
    const res = await visit('/o/a?status=304', { headers: { 'if-none-match': '"x"' } });
    expect(res.status).toBe(304);
    expect(res.headers.get('x-tessera-decision')).toBeNull();
  });

  it('returns binary bytes and Range answers exactly', async () => {
    const full = new Uint8Array(await (await visit('/o/bytes')).arrayBuffer());
    expect([...full]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    const part = await visit('/o/bytes', { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/256');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 10),
    );
  });

  it('does not rewrite an HTML page asked for with Range', async () => {
    const res = await visit('/o/a', { headers: { range: 'bytes=0-99' } });
    const html = await res.text();
    expect(html).not.toContain('/__tessera/t.js');
    expect(markers(html).every((m) => m.variant === '')).toBe(true);
  });

  it('sends other methods and their bodies to the origin and returns its answer as is, HTML included', async () => {
    const res = await visit('/o/comment?body=echo&status=201', {
      init: { method: 'POST', body: 'name=Ada&text=Hi' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(201);
    const echo = await res.json<Echo>();
    expect(echo.method).toBe('POST');
    expect(echo.body).toBe('name=Ada&text=Hi');
    const html = await visit('/o/form', { init: { method: 'POST', body: 'x=1' } });
    expect(await html.text()).not.toContain('/__tessera/t.js');
    expect(html.headers.get('cache-control')).toBeNull();
  });

  it('answers 404 to another method on a path that is no origin page, as before', async () => {
    const res = await visit('/deals', { init: { method: 'POST', body: 'x' } });
    expect(res.status).toBe(404);
  });
});

describe('compressed origins', () => {
  it('passes gzip JSON through with its encoding', async () => {
    const res = await visit('/o/api?body=json&gzip=1');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('rewrites a gzip HTML page, decoded, leaving compression for the client to the edge', async () => {
    const res = await visit('/o/a?gzip=1', { headers: { 'accept-encoding': 'identity' } });
    // Sent as decoded text: a client that asked for no encoding must not get gzip (Cloudflare's
    // edge compresses a Worker's HTML for each client's Accept-Encoding).
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(markers(await res.text()).map((m) => m.variant)).toEqual([
      'hero-default',
      'banner-default',
    ]);
  });
});

describe('what reaches the origin', () => {
  it('forwards the visitor’s headers and cookies, never Tessera’s own cookies, with a loop guard', async () => {
    const vid = await mintVisitorToken({ sub: 'v-fwd' });
    const res = await visit('/o/api?body=echo&tessera_debug=json&q=1', {
      headers: {
        cookie: `session=abc; __Host-tsr_vid=${vid}; tsr_consent=personal; __Host-tsr_preview=p.q.r`,
        'x-custom': 'kept',
        'accept-language': 'de-DE',
      },
    });
    const echo = await res.json<Echo>();
    expect(echo.headers.cookie).toBe('session=abc; tsr_consent=personal');
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers['accept-language']).toBe('de-DE');
    expect(echo.headers['x-tessera-hop']).toBe('1');
    expect(echo.headers['x-forwarded-host']).toBe('shop.test');
    expect(echo.url).toBe('https://origin.test/o/api?body=echo&q=1');
  });

  it('removes Tessera’s debug parameter however it is spelled, and leaves any other query as sent', async () => {
    const at = (path: string) =>
      originUrl(new URL(`https://shop.test${path}`), 'https://origin.test');
    expect(at('/x?q=1&tessera_debug=1').href).toBe('https://origin.test/x?q=1');
    expect(at('/x?tessera%5Fdebug=json&q=1').href).toBe('https://origin.test/x?q=1');
    expect(at('/x?a=%20b&c&d=e+f').href).toBe('https://origin.test/x?a=%20b&c&d=e+f');
    expect(at('/x?tessera_debugger=1').href).toBe('https://origin.test/x?tessera_debugger=1');
  });

  it('sends no Cookie header at all when Tessera’s cookie was the only one', async () => {
    const res = await visit('/o/api?body=echo', {
      headers: cookieHeader(await mintVisitorToken({ sub: 'v-only' })),
    });
    expect((await res.json<Echo>()).headers.cookie).toBeUndefined();
  });

  it('never lets a path turn into another host', async () => {
    expect(
      originUrl(new URL('https://shop.test//evil.test/x?y=1'), 'https://origin.test').href,
    ).toBe('https://origin.test//evil.test/x?y=1');
    const res = await visit('/o//evil.test/api?body=echo');
    expect(new URL((await res.json<Echo>()).url).host).toBe('origin.test');
  });

  it('lets the origin’s Set-Cookie headers reach the browser next to Tessera’s', async () => {
    const res = await visit('/o/a?cookie=cart=1;%20Path=/&cookie=theme=dark');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toContain('cart=1; Path=/');
    expect(cookies).toContain('theme=dark');
    expect(cookies.some((c) => c.startsWith('__Host-tsr_vid='))).toBe(true);
    const json = await visit('/o/api?body=json&cookie=a=1');
    expect(json.headers.getSetCookie()).toEqual(['a=1']);
  });
});

describe('personalized origin responses', () => {
  it('are private and uncacheable, drop the origin’s validators and time the origin', async () => {
    const res = await visit('/o/a?cc=public,max-age=600');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('vary')).toBe('Cookie');
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('x-tessera-version')).toMatch(/^[0-9a-f]{16}$/);
    expect(res.headers.get('x-tessera-decision')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('server-timing')).toMatch(
      /^app;dur=3, origin;dur=\d+, identity;dur=\d+$/,
    );
  });

  it('answer HEAD with the personalized headers and no body', async () => {
    const res = await visit('/o/a', { init: { method: 'HEAD' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await res.text()).toBe('');
  });

  it('answer a 200 HTML page with an empty body with the personalized headers and only Tessera’s own tags', async () => {
    const res = await visit('/o/a?body=empty');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-tessera-decision')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-origin-render')).toMatch(/^[0-9a-f-]{36}$/);
    // No `</head>` or `</body>` to go before: the stylesheet and the tracker at the document's end.
    const html = await res.text();
    expect(html).toContain('<link rel="stylesheet" href="/__tessera/s.css">');
    expect(html).toContain('<script src="/__tessera/t.js"');
    expect(html.replace(/<link [^>]*>|<script [^>]*>[\s\S]*?<\/script>/g, '')).toBe('');
  });
});

describe('when the origin fails', () => {
  it('answers 504 with a reason when the origin is slower than its timeout, never hanging', async () => {
    const res = await visit('/o/slow?delay=3000');
    expect(res.status).toBe(504);
    expect(res.headers.get('x-tessera-reasons')).toContain('origin.timeout');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await res.text()).toContain('Reason: origin.timeout');
  });

  it('answers 502 with a reason when the origin cannot be reached', async () => {
    const res = await visit('/o/a?crash=1');
    expect(res.status).toBe(502);
    expect(res.headers.get('x-tessera-reasons')).toContain('origin.unreachable');
  });

  it('answers 508 instead of proxying a request that came from Tessera itself', async () => {
    const res = await visit('/o/a', { headers: { 'x-tessera-hop': '1' } });
    expect(res.status).toBe(508);
    expect(res.headers.get('x-tessera-reasons')).toContain('origin.loop');
    const post = await visit('/o/a', {
      init: { method: 'POST', body: 'x' },
      headers: { 'x-tessera-hop': '1' },
    });
    expect(post.status).toBe(508);
  });
});
