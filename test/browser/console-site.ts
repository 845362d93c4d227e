/**
 * The marketer console in Chromium, on a site of its own: what the console's browser tests share.
 *
 * - `startConsoleSite({ body, seed })`: a temporary local state (D1 migrated, then `seed` writes
 *   the test's own rows, both through test/support/local-d1.ts, before anything else opens the
 *   database), both workers behind the dev router in one `wrangler dev` session as `npm run dev`
 *   runs them, signed with the dev keys (`tessera console` signs its link with them), and `body`
 *   published and live. Never the demo content.
 * - `openConsole(site, sub)`: a Chromium page at 1280 × 900 signed in with a `tessera console`
 *   link, recording every console error, page error and CSP violation in `problems`.
 * - `seriousAxeViolations(page)`: axe-core's serious and critical findings on the page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { consoleLink } from '../../cli/commands/console.ts';
import { adminToken } from '../../cli/commands/token.ts';
import { devVars } from '../../cli/lib/dev-vars.ts';
import { applyLocalMigrations } from '../../cli/lib/local-migrations.ts';
import { launchChromium } from '../support/browser.ts';
import { startDevSession } from '../support/dev-session.ts';
import { openLocalD1 } from '../support/local-d1.ts';

export interface ConsoleSite {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
  url: string;
  port: number;
  /** Calls an admin route with a `publish read` token; fails the test unless it answers 2xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface ConsoleSiteOptions {
  /** The bundle body published and made live once the site is up. */
  body: unknown;
  /** Writes the test's own rows into the local D1 (migrated) before the site starts. */
  seed?: (db: D1Database) => Promise<void>;
}

export async function startConsoleSite(o: ConsoleSiteOptions): Promise<ConsoleSite> {
  const state = mkdtempSync(path.join(tmpdir(), 'tessera-console-state-'));
  const d1 = await openLocalD1(state);
  try {
    await applyLocalMigrations(d1.db);
    await o.seed?.(d1.db);
  } finally {
    await d1.dispose();
  }
  // The dev keys: `tessera console` signs its link with them, as it does for `npm run dev`.
  const keys = devVars();
  const session = await startDevSession({
    state,
    secrets: { VISITOR_KEYS: keys.VISITOR_KEYS!, ADMIN_KEYS: keys.ADMIN_KEYS! },
    vars: { POINTER_TTL_MS: '0', ORIGIN_URL: '' },
  });
  const admin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const token = await adminToken('publish,read', 'setup@shop.test', undefined);
    const res = await fetch(`${session.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  const site: ConsoleSite = {
    url: session.url,
    port: session.port,
    admin,
    stop: async () => {
      await session.stop();
      rmSync(state, { recursive: true, force: true });
    },
  };
  try {
    const { version } = await admin<{ version: string }>('POST', '/admin/versions', o.body);
    await admin('PUT', '/admin/live', { to: version, expected: null });
  } catch (error) {
    await site.stop();
    throw error;
  }
  return site;
}

export interface OpenConsole {
  browser: Browser;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /** Call at the start of a test: on failure it prints the page's URL, problems and text. */
  explainFailure(): void;
}

/** A Chromium page signed in to the console as `sub` (a `tessera console` link), at 1280 px. */
export async function openConsole(site: ConsoleSite, sub: string): Promise<OpenConsole> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const { url } = await consoleLink({ port: String(site.port), sub, print: true });
  await page.goto(url);
  await page.getByRole('heading', { name: 'Pages and slots' }).waitFor();
  return {
    browser,
    page,
    problems,
    explainFailure: () =>
      onTestFailed(async () => {
        const text = await page
          .locator('body')
          .innerText()
          .catch(() => '(no page)');
        console.error(`console test failed at ${page.url()}\n${problems.join('\n')}\n---\n${text}`);
      }),
  };
}

/**
 * axe-core's serious and critical violations (WCAG 2.1 A/AA and best practice) on what the page
 * shows now, iframes left out (the preview is the site's page, checked by its own tests).
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  // Evaluated through the DevTools protocol: the console's CSP forbids inline scripts.
  await page.evaluate(source);
  // Strings, not functions: this runs in the page, and the Node type check knows no DOM.
  return page.evaluate<string[]>(`(async () => {
    const r = await axe.run({ exclude: [['iframe']] }, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.help + ' (' + v.nodes.map((n) => n.target.join(' ')).join(', ') + ')');
  })()`);
}
