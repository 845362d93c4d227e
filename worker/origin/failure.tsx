/**
 * When the origin cannot answer, the visitor gets a clear page instead of a hang or a generic
 * 500: what happened in words, the reason code for support, and a retry link. Pure.
 *
 *   origin.unreachable   502  the connection failed (DNS, refused, TLS, reset)
 *   origin.timeout       504  no response headers within site.origin.timeoutMs
 *   origin.loop          508  the request came from Tessera itself (X-Tessera-Hop): the origin
 *                            URL points back at this worker
 *   origin.unconfigured  502  an origin page, but no site.origin.url and no ORIGIN_URL
 */
import { raw } from 'hono/html';
import { STYLES } from '../render/styles.ts';
import { toHtml } from '../render/to-html.ts';

export type OriginFailure =
  'origin.unreachable' | 'origin.timeout' | 'origin.loop' | 'origin.unconfigured';

export const FAILURE_STATUS: Record<OriginFailure, number> = {
  'origin.unreachable': 502,
  'origin.timeout': 504,
  'origin.loop': 508,
  'origin.unconfigured': 502,
};

const WORDS: Record<OriginFailure, string> = {
  'origin.unreachable': 'The site’s server could not be reached.',
  'origin.timeout': 'The site’s server took too long to answer.',
  'origin.loop': 'This request came back to Tessera instead of reaching the site’s server.',
  'origin.unconfigured': 'No server is configured for this page.',
};

export function renderOriginFailure(reason: OriginFailure, nonce: string): string {
  const status = FAILURE_STATUS[reason];
  return (
    '<!doctype html>' +
    toHtml(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="robots" content="noindex" />
          <link rel="icon" href="data:," />
          <title>{`${status} · temporarily unavailable`}</title>
          <style nonce={nonce}>{raw(STYLES)}</style>
        </head>
        <body>
          <main>
            <div class="hero tone-neutral" data-tessera-failure={reason}>
              <p class="eyebrow">{`Error ${status}`}</p>
              <h1>This page is temporarily unavailable</h1>
              <p class="subhead">{`${WORDS[reason]} Please try again in a moment.`}</p>
              <p>
                <small>{`Reason: ${reason}`}</small>
              </p>
              <a class="button" href="">
                Try again
              </a>
            </div>
          </main>
        </body>
      </html>,
    )
  );
}
