import { HtmlValidate } from 'html-validate';
import { devices, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../cli/lib/content.ts';
import { PROFILES_DIR } from '../../cli/lib/paths.ts';
import { sampleProfiles } from '../../cli/lib/profiles.ts';
import { launchChromium } from '../support/browser.ts';
import { demoSite } from '../support/demo-site.ts';
import { mintVisitorToken } from '../support/tokens.ts';
import { pathMatches, patternBase } from '../../shared/schema/origin.ts';

/**
 * The demo store as a shopper on a phone sees it: every page of the shipped demo content, for a
 * first-time visitor and for every sample profile (so most variants are on screen at least once),
 * on a 390 px wide phone. Invariants only — no page, variant or headline of the demo is named, so
 * a marketer's edit to content-variants/ keeps these green unless it breaks the page.
 */
const PHONE = devices['iPhone 13']; // 390 × 664 CSS px, a mobile user agent, touch

/**
 * The HTML standard rules the W3C checker (vnu) enforces, from html-validate (no Java needed):
 * its `standard` preset, the document rules (doctype, references) and `aria-label` only where
 * the element's role may be named (vnu: "must not be specified on any p element unless …").
 */
const validator = new HtmlValidate({
  extends: ['html-validate:standard'],
  rules: {
    'aria-label-misuse': ['error', { allowAnyNamable: false }],
    'missing-doctype': 'error',
    'no-missing-references': 'error',
  },
});

interface Visitor {
  name: string;
  cookie?: string;
}

interface Seen {
  where: string;
  status: number;
  reasons: string;
  html: string;
  overflow: { scrollWidth: number; viewport: number; widest: string };
  cards: { total: number; withImage: number };
  /** Every link on the page, as the browser resolved it. */
  links: { text: string; href: string }[];
  ids: string[];
  /** `slot/variant` in page order. */
  variants: string[];
  visitor: string;
  path: string;
}

describe('the demo store on a phone', () => {
  let origin = '';
  let browser: Browser;
  const seen: Seen[] = [];

  beforeAll(async () => {
    origin = await demoSite();
    const built = await buildBundle();
    if (!built.ok) throw new Error('content-variants/ is not valid (see the demo-content test)');
    const visitors: Visitor[] = [{ name: 'a first-time visitor' }];
    for (const profile of sampleProfiles(PROFILES_DIR)) {
      const token =
        profile.kind === 'customer'
          ? await mintVisitorToken({ sub: `v-of-${profile.id}`, cid: profile.id })
          : await mintVisitorToken({ sub: profile.id });
      visitors.push({ name: profile.id, cookie: `__Host-tsr_vid=${token}` });
    }

    browser = await launchChromium();
    for (const visitor of visitors) {
      const context = await browser.newContext({
        ...PHONE,
        // Layout only: without the tracker, a page view costs no event round trip.
        javaScriptEnabled: false,
        ...(visitor.cookie ? { extraHTTPHeaders: { cookie: visitor.cookie } } : {}),
      });
      const page = await context.newPage();
      // An origin page (content-variants/pages with "origin") is visited at its base path.
      for (const path of built.bundle.pages.map((p) => patternBase(p.path))) {
        const res = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
        // Strings, not functions: this runs in the page, and the Node type check knows no DOM.
        const measured = await page.evaluate<
          Pick<Seen, 'overflow' | 'cards' | 'links' | 'ids' | 'variants'>
        >(`(() => {
          const root = document.documentElement;
          let widest = '';
          let right = root.clientWidth;
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect().right;
            if (r > right) { right = r; widest = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''); }
          }
          const cards = [...document.querySelectorAll('[data-tessera-slot] li[data-sku]')];
          const pictured = cards.filter((li) => {
            const img = li.querySelector('svg, img');
            const box = img && img.getBoundingClientRect();
            return !!box && box.width > 0 && box.height > 0;
          });
          return {
            overflow: { scrollWidth: root.scrollWidth, viewport: root.clientWidth, widest },
            cards: { total: cards.length, withImage: pictured.length },
            links: [...document.querySelectorAll('a[href]')].map((a) => ({ text: a.textContent.trim(), href: a.href })),
            ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
            variants: [...document.querySelectorAll('[data-tessera-slot]')].map(
              (e) => e.getAttribute('data-tessera-slot') + '/' + e.getAttribute('data-tessera-variant'),
            ),
          };
        })()`);
        seen.push({
          where: `${path} for ${visitor.name}`,
          visitor: visitor.name,
          path,
          status: res?.status() ?? 0,
          reasons: res?.headers()['x-tessera-reasons'] ?? '',
          html: (await res?.text()) ?? '',
          ...measured,
        });
      }
      await context.close();
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every page for every sample visitor, with no slot falling back', () => {
    expect(seen.length).toBeGreaterThan(0);
    const broken = seen
      .filter((s) => s.status !== 200 || /slot\.|bundle\.|pointer\./.test(s.reasons))
      .map((s) => `${s.where}: ${s.status} ${s.reasons}`);
    expect(broken).toEqual([]);
  });

  it('no page scrolls sideways at 390 px', () => {
    const wide = seen
      .filter((s) => s.overflow.scrollWidth > s.overflow.viewport)
      .map(
        (s) =>
          `${s.where}: ${s.overflow.scrollWidth} px wide in a ${s.overflow.viewport} px viewport (widest: ${s.overflow.widest})`,
      );
    expect(seen.every((s) => s.overflow.viewport === PHONE.viewport.width)).toBe(true);
    expect(wide).toEqual([]);
  });

  it('every product card shows a picture', () => {
    const cards = seen.reduce((n, s) => n + s.cards.total, 0);
    expect(cards).toBeGreaterThan(0); // the demo has product grids: the check below measured some
    const bare = seen
      .filter((s) => s.cards.withImage < s.cards.total)
      .map((s) => `${s.where}: ${s.cards.total - s.cards.withImage} of ${s.cards.total} cards`);
    expect(bare).toEqual([]);
  });

  /**
   * A #fragment into another page is not checked: which products a collection shows depends on
   * the visitor (the demo has no product pages), so a product link may land on its collection's top.
   */
  it('every link leads to a page that exists, and a #fragment on the same page to something there', async () => {
    const pages = new Map(seen.map((s) => [`${s.visitor} ${s.path}`, s]));
    const built = await buildBundle();
    const originPrefixes = built.ok
      ? built.bundle.pages.filter((p) => p.origin && p.path.endsWith('/*')).map((p) => p.path)
      : [];
    // A page below an origin prefix (/journal/boot-care) is the origin's: it exists if it answers.
    const answered = new Map<string, boolean>();
    const originPageExists = async (pathname: string) => {
      if (!answered.has(pathname))
        answered.set(pathname, (await fetch(`${origin}${pathname}`)).status === 200);
      return answered.get(pathname)!;
    };
    const dead: string[] = [];
    let internal = 0;
    for (const s of seen)
      for (const link of s.links) {
        const url = new URL(link.href);
        if (url.origin !== origin) continue; // the demo links nowhere else; other hosts are not ours to check
        internal++;
        const target = pages.get(`${s.visitor} ${url.pathname}`);
        if (!target && originPrefixes.some((p) => pathMatches(p, url.pathname))) {
          if (!(await originPageExists(url.pathname)))
            dead.push(`${s.where}: "${link.text}" → ${url.pathname}: the origin has no such page`);
          continue;
        }
        if (!target) dead.push(`${s.where}: "${link.text}" → ${url.pathname}: no such page`);
        else if (
          url.hash &&
          url.pathname === s.path &&
          !target.ids.includes(decodeURIComponent(url.hash.slice(1)))
        )
          dead.push(
            `${s.where}: "${link.text}" → ${url.pathname}${url.hash}: nothing there has that id`,
          );
      }
    expect(internal).toBeGreaterThan(0);
    expect([...new Set(dead)]).toEqual([]);
  });

  it('every rendered page passes the HTML standard checks', async () => {
    const errors: string[] = [];
    const checked = new Set<string>();
    for (const s of seen) {
      // Pages showing the same variants differ only in escaped text (a greeting's name): check one.
      const key = `${s.path} ${s.variants.join(' ')}`;
      if (checked.has(key)) continue;
      checked.add(key);
      const report = await validator.validateString(s.html);
      for (const result of report.results)
        for (const m of result.messages)
          errors.push(`${s.where}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
    }
    expect(checked.size).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
