import { type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { demoSite } from '../support/demo-site.ts';
import { mintVisitorToken } from '../support/tokens.ts';

/**
 * What a visitor's browser sees: the demo site (test/support/browser-site.ts) served by wrangler's
 * dev server in workerd, loaded in Chromium. Checks what only a browser can: the CSP lets the
 * tracker run, nothing shifts the layout, cookies round-trip, events arrive. It asserts no demo
 * content (which variant a visitor gets is the worker tests' business, on fixtures).
 */
describe('the demo site in a real browser', () => {
  let origin = '';
  let browser: Browser;

  beforeAll(async () => {
    origin = await demoSite();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page and collects what would tell a developer something went wrong. */
  async function open(context: BrowserContext, pathname: string) {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    // Strings, not functions: this code runs in the page, and the Node type check knows no DOM.
    await page.addInitScript(`
      window.__shift = 0;
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    `);
    const pageView = page.waitForResponse(
      (r) => r.url() === `${origin}/events` && r.request().method() === 'POST',
    );
    const res = await page.goto(`${origin}${pathname}`, { waitUntil: 'load' });
    return { page, res, problems, pageView };
  }

  it('a returning visitor gets their page: no CSP violation, no console error, no layout shift, the page view accepted', async () => {
    // As if the site's login had set it: the visitor cookie is in this browser's jar (next to
    // any cookie the worker sets, e.g. the sticky-bandit arms cookie of a bandit on the page).
    const context = await browser.newContext();
    await context.addCookies([
      {
        name: '__Host-tsr_vid',
        value: await mintVisitorToken({ sub: 'v-browser-returning' }),
        domain: new URL(origin).hostname,
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);
    const { page, res, problems, pageView } = await open(context, '/');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['x-tessera-reasons'] ?? '').not.toMatch(/cookie\./);
    expect((await pageView).status()).toBe(202);
    await page.waitForTimeout(300);
    const seen = await page.evaluate<{ shift: number; csp: string[]; measured: boolean }>(`({
      shift: window.__shift,
      csp: window.__csp,
      measured: PerformanceObserver.supportedEntryTypes.includes('layout-shift'),
    })`);
    expect(seen.measured).toBe(true); // the shift of 0 below is a measurement, not a missing API
    expect(seen.csp).toEqual([]);
    expect(problems).toEqual([]);
    expect(seen.shift).toBe(0);

    // A click inside a slot is sent with that slot, the variant it shows and the decision id.
    const hero = page.locator('[data-tessera-slot]:has(h1)').first();
    const shown = {
      slot: await hero.getAttribute('data-tessera-slot'),
      variant: await hero.getAttribute('data-tessera-variant'),
    };
    const clickSent = page.waitForRequest(
      (r) => r.url() === `${origin}/events` && (r.postData() ?? '').includes('"click"'),
    );
    await hero.locator('h1').click();
    const body = JSON.parse((await clickSent).postData() ?? '{}') as {
      events: Record<string, unknown>[];
    };
    expect(body.events).toContainEqual(
      expect.objectContaining({
        type: 'click',
        ...shown,
        decisionId: res?.headers()['x-tessera-decision'],
      }),
    );
    expect((await (await clickSent).response())?.status()).toBe(202);
    await context.close();
  }, 60_000);

  it('a first-time visitor keeps the cookie the worker sets and comes back as the same visitor', async () => {
    const context = await browser.newContext();
    const first = await open(context, '/');
    expect(first.res?.status()).toBe(200);
    expect((await first.pageView).status()).toBe(202);
    const cookies = await context.cookies(origin);
    const vid = cookies.find((c) => c.name === '__Host-tsr_vid');
    expect(vid).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
    const again = await open(context, '/');
    expect(again.res?.headers()['x-tessera-reasons'] ?? '').not.toContain('cookie.missing');
    expect((await again.pageView).status()).toBe(202);
    expect((await context.cookies(origin)).find((c) => c.name === '__Host-tsr_vid')?.value).toBe(
      vid?.value,
    );
    expect([...first.problems, ...again.problems]).toEqual([]);
    await context.close();
  }, 60_000);
});
