/**
 * The marketer console in Chromium, on a site of its own: what the console's browser tests share.
 *
 * - `startConsoleSite({ body, seed })`: a temporary local state (D1 migrated, then `seed` writes
 *   the test's own rows through wrangler's platform proxy before anything else opens the
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
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';
import { launchChromium } from '../support/browser.ts';
import { startDevSession } from '../support/dev-session.ts';

export interface ConsoleSite {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
  url: string;
  port: number;
  /** Calls an admin route with a `publish read` token; fails the test unless it answers 2xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

interface Recorded {
  sql: string;
  params: unknown[];
}

/**
 * A D1 that records what `seed` prepares, binds and batches. Every call on the platform proxy's D1
 * is a synchronous round trip into workerd, and a seed of thousands of rows (the consumer's own
 * statements, one bind each) made as many: under load one of them failed inside miniflare
 * (`SynchronousFetcher` assertion). Recorded, the same statements reach D1 in a few calls.
 */
function recordingD1(): { db: D1Database; statements: Recorded[] } {
  const statements: Recorded[] = [];
  const statement = (sql: string, params: unknown[] = []) => ({
    sql,
    params,
    bind: (...values: unknown[]) => statement(sql, values),
  });
  const db = {
    prepare: (sql: string) => statement(sql),
    batch: async (list: Recorded[]) => {
      statements.push(...list.map(({ sql, params }) => ({ sql, params })));
      return [];
    },
  };
  // Only what a seed uses (prepare, bind, batch); anything else fails loudly as undefined.
  return { db: db as unknown as D1Database, statements };
}

/** SQLite literal for a bound value the seed can give (text, number, null). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && !value.includes('\n')) return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`console site seed: cannot write ${JSON.stringify(value)} as a literal`);
}

/** The recorded statements with their values in place (`?` in order, `?N` by number). */
async function applyRecorded(db: D1Database, statements: Recorded[]): Promise<void> {
  const lines = statements.map(({ sql, params }) => {
    let next = 0;
    return sql.replace(/\?(\d+)?/g, (_, n?: string) => literal(params[n ? Number(n) - 1 : next++]));
  });
  // A few hundred statements a call: a handful of round trips, none of them a megabyte.
  for (let i = 0; i < lines.length; i += 300) await db.exec(lines.slice(i, i + 300).join('\n'));
}

export interface ConsoleSiteOptions {
  /** The bundle body published and made live once the site is up. */
  body: unknown;
  /** Writes the test's own rows into the local D1 (migrated) before the site starts. */
  seed?: (db: D1Database) => Promise<void>;
}

export async function startConsoleSite(o: ConsoleSiteOptions): Promise<ConsoleSite> {
  const state = mkdtempSync(path.join(tmpdir(), 'tessera-console-state-'));
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: WRANGLER_TOML,
    persist: { path: path.join(state, 'v3') },
  });
  try {
    await applyLocalMigrations(proxy.env.DB);
    if (o.seed) {
      const recorder = recordingD1();
      await o.seed(recorder.db);
      await applyRecorded(proxy.env.DB, recorder.statements);
    }
  } finally {
    await proxy.dispose();
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
