import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitorToken } from '../../cli/commands/token.ts';
import { parseDevVars } from '../../cli/lib/dev-vars.ts';
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';
import { ROOT, tempDir, tessera } from '../cli/run.ts';

/**
 * What a visitor's browser sees: the demo site (seeded from content-variants/) served by
 * wrangler's dev server in workerd, loaded in Debian's Chromium. Checks what only a browser can:
 * the CSP lets the tracker run, nothing shifts the layout, cookies round-trip, events arrive.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the demo site in a real browser', () => {
  const state = tempDir('browser-state');
  const port = 20000 + Math.floor(Math.random() * 40000);
  const origin = `http://127.0.0.1:${port}`;
  let stopWorker: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    const seeded = tessera(['seed'], { TESSERA_LOCAL_STATE: path.join(state, 'v3') });
    expect(seeded.code, seeded.stderr).toBe(0);
    const vars = parseDevVars(readFileSync(path.join(ROOT, '.dev.vars.example'), 'utf8'));
    const { unstable_dev } = await import('wrangler');
    const worker = await unstable_dev(path.join(ROOT, 'worker', 'index.ts'), {
      config: WRANGLER_TOML,
      ip: '127.0.0.1',
      port,
      persistTo: state,
      vars: { VISITOR_KEYS: vars.VISITOR_KEYS!, ADMIN_KEYS: vars.ADMIN_KEYS! },
      logLevel: 'none',
      experimental: { disableExperimentalWarning: true },
    });
    stopWorker = () => worker.stop();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopWorker?.();
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

  const variants = (page: Page) =>
    page.$$eval('[data-tessera-slot]', (els) =>
      els.map((e) => e.getAttribute('data-tessera-variant')),
    );

  it('a known visitor gets their page: no CSP violation, no console error, no layout shift, the page view accepted', async () => {
    // As if the site's login had set it: every request of this browser carries the visitor cookie.
    const cookie = `__Host-tsr_vid=${await visitorToken('v-runner', undefined)}`;
    const context = await browser.newContext({ extraHTTPHeaders: { cookie } });
    const { page, res, problems, pageView } = await open(context, '/');
    expect(res?.status()).toBe(200);
    expect(await variants(page)).toContain('hero-running');
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

    // A click inside a personalized slot is sent with the slot, the variant and the decision id.
    const clickSent = page.waitForRequest(
      (r) => r.url() === `${origin}/events` && (r.postData() ?? '').includes('"click"'),
    );
    await page.click('[data-tessera-slot="home-hero"] h1');
    const body = JSON.parse((await clickSent).postData() ?? '{}') as {
      events: Record<string, unknown>[];
    };
    expect(body.events).toContainEqual(
      expect.objectContaining({
        type: 'click',
        slot: 'home-hero',
        variant: 'hero-running',
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
