/**
 * The console's files, served by the control plane (production route `/console*`):
 *
 *   GET /console                 the page (no-store: it names the current build's files)
 *   GET /console/app.<hash>.js   the script  ┐ immutable: a new build has a new hash
 *   GET /console/app.<hash>.css  the styles  ┘
 *
 * The page's Content-Security-Policy allows only these same-origin files, API calls and the
 * preview iframe (the site itself): no inline script or style, no other origin, no framing.
 */
import { Hono } from 'hono/tiny';
import { CONSOLE_ASSETS } from './assets.gen.js';

export const CONSOLE_PATH = '/console';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  // The sign-in link's fragment never leaves the browser; this keeps the path out of Referers too.
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function consolePage(hash: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Tessera console</title>' +
    `<link rel="stylesheet" href="${CONSOLE_PATH}/app.${hash}.css">` +
    `<script type="module" src="${CONSOLE_PATH}/app.${hash}.js"></script>` +
    '</head><body><div id="app"><p class="boot">Loading the console…</p></div>' +
    '<noscript>The Tessera console needs JavaScript.</noscript></body></html>'
  );
}

export function consoleAssetRoutes() {
  const app = new Hono();
  const { hash, js, css } = CONSOLE_ASSETS;
  const page = () =>
    new Response(consolePage(hash), {
      headers: {
        ...SECURITY,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      },
    });
  app.get('/', page);
  app.get(
    `/app.${hash}.js`,
    () =>
      new Response(js, {
        headers: {
          ...SECURITY,
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': IMMUTABLE,
        },
      }),
  );
  app.get(
    `/app.${hash}.css`,
    () =>
      new Response(css, {
        headers: {
          ...SECURITY,
          'content-type': 'text/css; charset=utf-8',
          'cache-control': IMMUTABLE,
        },
      }),
  );
  app.all('*', (c) =>
    c.text(
      `no console file ${new URL(c.req.url).pathname} (the console is at ${CONSOLE_PATH})`,
      404,
      {
        ...SECURITY,
        'cache-control': 'no-store',
      },
    ),
  );
  return app;
}
