/**
 * /privacy, /events and /v1 are built on their first request instead of at start-up (cold start,
 * docs/performance.md). The lazy mount must take exactly the requests `app.route(base, sub)` took,
 * and leave every other path to the pages.
 */
import { SELF } from 'cloudflare:test';
import { Hono } from 'hono/tiny';
import { describe, expect, it } from 'vitest';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { createApp } from '../../worker/index.ts';
import { decisionRoutes } from '../../worker/routes/decisions.ts';
import { eventRoutes } from '../../worker/routes/events.ts';
import { privacyRoutes } from '../../worker/routes/privacy.ts';

const deps = {
  store: new BundleStore(),
  bandits: new BanditStore(),
  now: () => Date.now(),
  newId: () => crypto.randomUUID(),
};

describe('the JSON apps mounted on first use', () => {
  it('take exactly the methods and paths app.route would have mounted', () => {
    const worker = createApp(deps).routes.map((r) => [r.method, r.path] as const);
    const mounts = [
      ['/privacy', privacyRoutes(deps.now)],
      ['/events', eventRoutes(deps)],
      ['/v1', decisionRoutes(deps)],
    ] as const;
    for (const [base, sub] of mounts) {
      const routed = new Hono().route(base, sub).routes.map((r) => [r.method, r.path] as const);
      const lazy = worker.filter(([, p]) => p === base || p.startsWith(`${base}/`));
      // What the worker registers for the app is what app.route registers…
      for (const pair of lazy) expect(routed, base).toContainEqual(pair);
      // …and each of the app's own routes is reached: by the same method and pattern, or by its
      // catch-all when that is what the worker registers.
      const takesAll = lazy.some(([m, p]) => m === 'ALL' && p === `${base}/*`);
      for (const [method, path] of routed) {
        const reached = takesAll || lazy.some(([m, p]) => m === method && p === path);
        expect(reached, `${method} ${path}`).toBe(true);
      }
    }
  });

  it('answer from the mounted app, as JSON, on their first request', async () => {
    const me = await SELF.fetch('https://shop.test/privacy/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ subject: null });

    const head = await SELF.fetch('https://shop.test/privacy/me', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const v1 = await SELF.fetch('https://shop.test/v1');
    expect(v1.status).toBe(404);
    expect(((await v1.json()) as { error: { code: string } }).error.code).toBe('not_found');

    // No visitor cookie: refused with the events app's own JSON error.
    const events = await SELF.fetch('https://shop.test/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(events.status).toBe(401);
    expect(events.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('leave the paths beside them to the pages', async () => {
    for (const path of ['/privacy', '/events', '/v1x', '/privacy/me/more']) {
      const res = await SELF.fetch(`https://shop.test${path}`);
      await res.arrayBuffer();
      expect(res.headers.get('content-type'), path).not.toMatch(/json/);
    }
  });
});
