/**
 * The page layout: site chrome around the rendered slots. Pure: strings in, HTML out.
 */
import { raw } from 'hono/html';
import type { Bundle, Page } from '../../shared/schema/bundle.ts';
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

/** Home first, then the other pages in bundle order. */
function navOrder(pages: Page[]): Page[] {
  return [...pages.filter((p) => p.path === '/'), ...pages.filter((p) => p.path !== '/')];
}

export function renderPage({ bundle, page, nonce, slots, head, bodyEnd }: PageParts): string {
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
          <style nonce={nonce}>{raw(STYLES)}</style>
          {head ? raw(head) : null}
        </head>
        <body>
          <header class="site">
            <a href="/">
              <strong>{bundle.site.name}</strong>
            </a>
            <nav>
              {navOrder(bundle.pages).map((p) => (
                <a href={p.path}>{p.title}</a>
              ))}
            </nav>
          </header>
          <main>{raw(slots.join(''))}</main>
          <footer class="site">
            <small>{bundle.site.tagline ?? bundle.site.name}</small>
          </footer>
          {bodyEnd ? raw(bodyEnd) : null}
        </body>
      </html>,
    )
  );
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
                <code> npm run seed</code> (or restart <code>npm run dev</code>, which seeds for you). Against a
                deployed worker, run <code>npx tessera publish --target &lt;url&gt;</code>.
              </p>
            </div>
          </main>
        </body>
      </html>,
    )
  );
}

/** 404 inside the site's chrome. */
export function renderNotFound(bundle: Bundle, path: string, nonce: string): string {
  return renderPage({
    bundle,
    nonce,
    page: { id: 'not-found', path, title: 'Not found', slots: ['none'] },
    slots: [
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
    ],
  });
}
