/**
 * The tracker's script tag: at the end of an own page's <body>, at the start of an origin page's.
 * The script itself is script.ts, served by worker/routes/tracker.ts.
 */

export const TRACKER_PATH = '/__tessera/t.js';

/** Decision ids and nonces are hex and dashes: most values need no escaping at all. */
const escapeAttr = (v: string) =>
  /[&"<>]/.test(v)
    ? v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    : v;

const OPEN = `<script src="${TRACKER_PATH}" defer data-decision="`;

/**
 * The script tag (own pages: at the end of <body>; origin pages: first inside it); a CSP nonce is
 * added when the page has one.
 */
export function trackerTag(o: {
  decisionId: string;
  nonce?: string;
  sku?: string;
  category?: string;
}): string {
  return (
    OPEN +
    escapeAttr(o.decisionId) +
    '"' +
    (o.sku ? ` data-sku="${escapeAttr(o.sku)}"` : '') +
    (o.category ? ` data-category="${escapeAttr(o.category)}"` : '') +
    (o.nonce ? ` nonce="${escapeAttr(o.nonce)}"` : '') +
    '></script>'
  );
}
