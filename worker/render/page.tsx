/**
 * The page layout: site chrome around the rendered slots. Pure: strings in, HTML out.
 */
import { raw } from 'hono/html';
import type { Bundle, Page } from '../../shared/schema/bundle.ts';
import { patternBase } from '../../shared/schema/origin-paths.ts';
import { STYLES } from './styles.ts';
import { toHtml } from './to-html.ts';

export interface PageParts {
  bundle: Bundle;
  page: Page;
  /** This response's CSP nonce: every <style> and <script> on the page must carry it. */
  nonce: string;
  /** Already-rendered slot sections, in page order. */
  slots: string[];
  /** Extra trusted HTML for the end of <head> and of <body> (later layers add scripts here, with `nonce`). */
  head?: string;
  bodyEnd?: string;
}

/** Home first, then the other pages in bundle order; an origin prefix links to its base path. */
function navOrder(pages: Page[]): { href: string; title: string }[] {
  const link = (p: Page) => ({ href: patternBase(p.path), title: p.title });
  return [...pages.filter((p) => p.path === '/'), ...pages.filter((p) => p.path !== '/')].map(link);
}

const attr = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page's one <style>, carrying this response's CSP nonce (the styles are a constant). */
const STYLE_CLOSE = `">${STYLES}</style>`;
const styleTag = (nonce: string) => `<style nonce="${attr(nonce)}` + STYLE_CLOSE;

/** `headStart`: trusted HTML right after the title and description (the nonced <style>, extras). */
function layout(
  bundle: Bundle,
  page: Page,
  headStart: string,
  main: string,
  bodyEnd: string,
): string {
  return (
    '<!doctype html>' +
    toHtml(
      <html lang={bundle.site.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* No icon request: it would reach this worker and render a 404 page. */}
          <link rel="icon" href="data:," />
          <title>{`${page.title} · ${bundle.site.name}`}</title>
          {page.description && <meta name="description" content={page.description} />}
          {raw(headStart)}
        </head>
        <body>
          <header class="site">
            <a href="/">
              <strong>{bundle.site.name}</strong>
            </a>
            <nav>
              {navOrder(bundle.pages).map((p) => (
                <a href={p.href}>{p.title}</a>
              ))}
            </nav>
          </header>
          <main>{raw(main)}</main>
          <footer class="site">
            <small>{bundle.site.tagline ?? bundle.site.name}</small>
          </footer>
          {raw(bodyEnd)}
        </body>
      </html>,
    )
  );
}

/**
 * The chrome of a page is the same for every visitor, so it is rendered once per isolate and
 * bundle version (memoized on the page object) with markers where the per-request parts go —
 * the nonced <style> and head extras, the slots, the body extras — and split there. Escaped
 * content can never produce a marker (`<` is always escaped); if the split still finds the wrong
 * number of parts, the page is rendered in full instead.
 */
const HEAD = '<!--tessera:head-->';
const SLOTS = '<!--tessera:slots-->';
const BODY_END = '<!--tessera:body-end-->';
const chrome = new WeakMap<Page, string[] | null>();

function chromeFor(bundle: Bundle, page: Page): string[] | null {
  let parts = chrome.get(page);
  if (parts === undefined) {
    const html = layout(bundle, page, HEAD, SLOTS, BODY_END);
    const split = html.split(/<!--tessera:(?:head|slots|body-end)-->/);
    const ordered =
      html.indexOf(HEAD) < html.indexOf(SLOTS) && html.indexOf(SLOTS) < html.indexOf(BODY_END);
    parts = split.length === 4 && ordered ? split : null;
    chrome.set(page, parts);
  }
  return parts;
}

export function renderPage({
  bundle,
  page,
  nonce,
  slots,
  head = '',
  bodyEnd = '',
}: PageParts): string {
  const headStart = styleTag(nonce) + head;
  const c = chromeFor(bundle, page);
  if (!c) return layout(bundle, page, headStart, slots.join(''), bodyEnd);
  return c[0] + headStart + c[1] + slots.join('') + c[2] + bodyEnd + c[3];
}

/** Shown when nothing has been published yet: tells the developer what to run. */
export function renderSetupPage(nonce: string): string {
  return (
    '<!doctype html>' +
    toHtml(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <link rel="icon" href="data:," />
          <title>Tessera · nothing published yet</title>
          <style nonce={nonce}>{raw(STYLES)}</style>
        </head>
        <body>
          <main>
            <div class="hero tone-neutral">
              <p class="eyebrow">Tessera</p>
              <h1>No content bundle is live yet</h1>
              <p class="subhead">
                This worker is running, but the CONTENT namespace has no live bundle. Locally, run
                <code> npm run seed</code> (or restart <code>npm run dev</code>, which seeds for
                you). Against a deployed worker, run{' '}
                <code>npx tessera publish --target &lt;url&gt;</code>.
              </p>
            </div>
          </main>
        </body>
      </html>,
    )
  );
}

/** 404 inside the site's chrome (rendered in full: its page object is new on every call). */
export function renderNotFound(bundle: Bundle, path: string, nonce: string): string {
  return layout(
    bundle,
    { id: 'not-found', path, title: 'Not found', slots: ['none'] },
    styleTag(nonce),
    toHtml(
      <section class="slot">
        <div class="hero tone-neutral">
          <h1>We couldn’t find that page</h1>
          <p class="subhead">{`Nothing lives at ${path}.`}</p>
          <a class="button" href="/">
            Back to the shop
          </a>
        </div>
      </section>,
    ),
    '',
  );
}
