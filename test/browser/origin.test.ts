import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { demoSite } from '../support/demo-site.ts';
import { mintVisitorToken } from '../support/tokens.ts';

/**
 * Origin mode in a real browser (issue 11): a page of the demo origin (demo-origin/, a plain
 * static site with its own strict Content-Security-Policy) through Tessera. The personalized slot
 * is on screen, nothing shifts, the tracker runs under the origin's policy (which allows neither
 * 'self' nor a nonce for scripts: Tessera added its exact URLs) and its events arrive, the
 * origin's own inline script still runs, and the console stays clean. No demo variant is named.
 */
describe('an origin-mode page in a real browser', () => {
  let origin = '';
  let browser: Browser;

  beforeAll(async () => {
    origin = await demoSite();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a personalized slot with no layout shift, runs the tracker under the origin’s CSP, and stays error-free', async () => {
    const cookie = `__Host-tsr_vid=${await mintVisitorToken({ sub: 'v-browser-origin' })}`;
    const context = await browser.newContext({ extraHTTPHeaders: { cookie } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
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
    const res = await page.goto(`${origin}/journal/boot-care`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const headers = res?.headers() ?? {};
    expect(headers['x-tessera-decision']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['cache-control']).toBe('private, no-store');
    // The origin's own policy, still without 'self' for scripts, plus exactly Tessera's URLs.
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src [^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/script-src [^;]*'self'/);
    expect(csp).toContain(`${origin}/__tessera/t.js`);
    expect(csp).toContain(`${origin}/events`);

    expect((await pageView).status()).toBe(202);
    await page.waitForTimeout(300);
    const seen = await page.evaluate<{
      shift: number;
      csp: string[];
      measured: boolean;
      filled: { slot: string | null; variant: string | null; height: number }[];
      originScript: string;
      tesseraStyles: boolean;
    }>(`({
      shift: window.__shift,
      csp: window.__csp,
      measured: PerformanceObserver.supportedEntryTypes.includes('layout-shift'),
      filled: [...document.querySelectorAll('[data-tessera-slot]')].map((e) => ({
        slot: e.getAttribute('data-tessera-slot'),
        variant: e.getAttribute('data-tessera-variant'),
        height: e.getBoundingClientRect().height,
      })),
      originScript: document.getElementById('year-note').textContent,
      tesseraStyles: [...document.styleSheets].some((s) => (s.href || '').endsWith('/__tessera/s.css') && s.cssRules.length > 0),
    })`);
    expect(seen.measured).toBe(true); // the shift of 0 below is a measurement, not a missing API
    expect(seen.shift).toBe(0);
    expect(seen.csp).toEqual([]);
    expect(problems).toEqual([]);
    // Every marked slot was filled by Tessera and is on screen.
    expect(seen.filled.length).toBeGreaterThan(0);
    for (const slot of seen.filled) {
      expect(slot.variant, String(slot.slot)).toMatch(/\S/);
      expect(slot.height, String(slot.slot)).toBeGreaterThan(0);
    }
    expect(seen.originScript).toMatch(/^Page script ran/);
    expect(seen.tesseraStyles).toBe(true);

    // A click inside a filled slot is sent with that slot, its variant and the decision id.
    const slot = page.locator('[data-tessera-slot][data-tessera-variant]').first();
    const shown = {
      slot: await slot.getAttribute('data-tessera-slot'),
      variant: await slot.getAttribute('data-tessera-variant'),
    };
    const clickSent = page.waitForRequest(
      (r) => r.url() === `${origin}/events` && (r.postData() ?? '').includes('"click"'),
    );
    await slot.click({ position: { x: 5, y: 5 } });
    const body = JSON.parse((await clickSent).postData() ?? '{}') as {
      events: Record<string, unknown>[];
    };
    expect(body.events).toContainEqual(
      expect.objectContaining({
        type: 'click',
        ...shown,
        decisionId: headers['x-tessera-decision'],
      }),
    );
    expect((await (await clickSent).response())?.status()).toBe(202);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
