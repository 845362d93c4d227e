import { env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminInit, mintAdminToken, resetPublishing, testWorker } from '../support/admin.ts';
import { putVisitorProfile, withHeadline } from '../support/bundle.ts';
import { ADMIN_KID, ADMIN_SECRET } from '../support/keys.ts';

type Worker = ReturnType<typeof testWorker>;

async function upload(w: Worker, body: unknown): Promise<string> {
  const res = await w.fetch('/admin/versions', await adminInit('POST', body));
  return ((await res.json()) as { version: string }).version;
}

async function previewLink(
  w: Worker,
  target: Record<string, string>,
  token?: string,
): Promise<Response> {
  return w.fetch(
    '/admin/previews',
    await adminInit('POST', target, token ?? (await mintAdminToken({ scope: 'preview' }))),
  );
}

/** Opens a preview link like a browser: returns the session cookie pair and the redirect. */
async function openPreview(w: Worker, url: string) {
  const res = await w.fetch(new URL(url).pathname + new URL(url).search, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { res, setCookie, cookie: setCookie.split(';')[0]! };
}

/** DECISIONS as the worker sees it, counting what is sent (and passing it on). */
function countingQueue() {
  const sent: unknown[] = [];
  const queue = new Proxy(env.DECISIONS, {
    get(target, prop, receiver) {
      if (prop === 'send')
        return (body: unknown, o?: QueueSendOptions) => (sent.push(body), target.send(body, o));
      if (prop === 'sendBatch')
        return (batch: Iterable<MessageSendRequest>, o?: QueueSendBatchOptions) => (
          sent.push(...batch),
          target.sendBatch(batch, o)
        );
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { queue, sent };
}

const headline = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';

describe('preview', () => {
  let w: Worker;
  let live: string;
  let draft: string;

  beforeEach(async () => {
    await resetPublishing();
    w = testWorker();
    live = await upload(w, withHeadline('Live headline'));
    await w.fetch('/admin/live', await adminInit('PUT', { to: live, expected: null }));
    draft = await upload(w, withHeadline('Draft headline'));
  });
  afterEach(() => vi.restoreAllMocks());

  it('exchanges a preview link for a short-lived host-only HttpOnly cookie and redirects to the page', async () => {
    const link = await previewLink(w, { path: '/deals', version: draft });
    expect(link.status).toBe(201);
    const { url } = (await link.json()) as { url: string };
    const { res, setCookie } = await openPreview(w, url);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/deals');
    expect(setCookie).toMatch(/^__Host-tsr_preview=/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).not.toMatch(/Domain=/i);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)?.[1])).toBeLessThanOrEqual(30 * 60);
  });

  it('renders the not-yet-live version with a ribbon, noindex and no-store, and logs nothing', async () => {
    const { url } = (await (await previewLink(w, { path: '/', version: draft })).json()) as {
      url: string;
    };
    const { cookie } = await openPreview(w, url);
    const log = vi.spyOn(console, 'log');
    const { queue, sent } = countingQueue();
    const res = await w.fetch('/', { headers: { cookie } }, { DECISIONS: queue });
    const html = await res.text();
    expect(headline(html)).toBe('Draft headline');
    expect(res.headers.get('x-tessera-version')).toBe(draft);
    expect(html).toContain('data-tessera-preview');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(log.mock.calls.filter((c) => String(c[0]).includes('tessera.decision'))).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('never changes what live visitors see, during or after a preview', async () => {
    const { url } = (await (await previewLink(w, { path: '/', version: draft })).json()) as {
      url: string;
    };
    const { cookie } = await openPreview(w, url);
    await w.fetch('/', { headers: { cookie } });
    const log = vi.spyOn(console, 'log');
    const { queue, sent } = countingQueue();
    const visitor = await w.fetch('/', {}, { DECISIONS: queue });
    const html = await visitor.text();
    expect(headline(html)).toBe('Live headline');
    expect(visitor.headers.get('x-tessera-version')).toBe(live);
    expect(html).not.toContain('data-tessera-preview');
    expect(log.mock.calls.some((c) => String(c[0]).includes('tessera.decision'))).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('forces a segment, even one defined by conditions', async () => {
    const vip = (await (await previewLink(w, { segment: 'vip' })).json()) as { url: string };
    const vipHtml = await (
      await w.fetch('/', { headers: { cookie: (await openPreview(w, vip.url)).cookie } })
    ).text();
    expect(vipHtml).toContain('data-tessera-variant="banner-vip"');
    const runners = (await (await previewLink(w, { segment: 'runners' })).json()) as {
      url: string;
    };
    const runHtml = await (
      await w.fetch('/', { headers: { cookie: (await openPreview(w, runners.url)).cookie } })
    ).text();
    expect(runHtml).toContain('data-tessera-variant="grid-runners"');
    expect(runHtml).toContain('segment “runners”');
  });

  it('renders as a given visitor without issuing or reading anyone’s visitor cookie', async () => {
    await putVisitorProfile('v-pro', { traits: { plan: 'pro', firstName: 'Kim' } });
    const { url } = (await (await previewLink(w, { as: 'v-pro' })).json()) as { url: string };
    const res = await w.fetch('/', { headers: { cookie: (await openPreview(w, url)).cookie } });
    expect(await res.text()).toContain('Welcome back, Kim');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses to sign a link "as" a visitor who has no profile, saying so', async () => {
    const res = await previewLink(w, { as: 'v-nobody-has-this' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      error: { code: 'unknown_visitor', message: expect.stringContaining('"v-nobody-has-this"') },
    });
  });

  it('refuses an expired or tampered link and sets no cookie', async () => {
    const now = Math.floor(w.clock.now / 1000);
    const expired = await new SignJWT({ scope: 'preview', pv: { path: '/', version: draft } })
      .setProtectedHeader({ alg: 'HS256', kid: ADMIN_KID })
      .setIssuer('tessera')
      .setAudience('tessera-preview')
      .setSubject('qa')
      .setExpirationTime(now - 10)
      .sign(new TextEncoder().encode(ADMIN_SECRET));
    for (const token of [expired, `${expired.slice(0, -3)}abc`, 'garbage']) {
      const res = await w.fetch(`/__tessera/preview?token=${token}`, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('does not accept an admin token as a preview link, nor a preview cookie as an admin token', async () => {
    const admin = await mintAdminToken();
    expect(
      (await w.fetch(`/__tessera/preview?token=${admin}`, { redirect: 'manual' })).status,
    ).toBe(401);
    const { url } = (await (await previewLink(w, { version: draft })).json()) as { url: string };
    const { cookie } = await openPreview(w, url);
    const session = cookie.slice(cookie.indexOf('=') + 1);
    const res = await w.fetch('/admin/history', {
      headers: { authorization: `Bearer ${session}` },
    });
    expect(res.status).toBe(401);
  });

  it('ignores a preview cookie that was never issued by a link (forged session)', async () => {
    const { url } = (await (await previewLink(w, { version: draft })).json()) as { url: string };
    const linkToken = new URL(url).searchParams.get('token')!;
    const res = await w.fetch('/', { headers: { cookie: `__Host-tsr_preview=${linkToken}` } });
    expect(headline(await res.text())).toBe('Live headline');
  });

  it('needs the preview scope to create links', async () => {
    const res = await previewLink(w, { version: draft }, await mintAdminToken({ scope: 'read' }));
    expect(res.status).toBe(403);
  });

  it('exit clears the session', async () => {
    const res = await w.fetch('/__tessera/preview/exit', { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-tsr_preview=; Max-Age=0/);
  });
});
