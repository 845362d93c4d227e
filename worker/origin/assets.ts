/**
 * GET /__tessera/s.css: the slots' stylesheet for origin pages (render/styles.ts SLOT_STYLES —
 * variants, the preview ribbon; not Tessera's page chrome). Same-origin, so a policy that allows
 * 'self' needs no change, and cacheable like the tracker.
 */
import { hash32 } from '../../shared/experiments/hash.ts';
import { SLOT_STYLES } from '../render/styles.ts';

export const STYLESHEET_PATH = '/__tessera/s.css';

const ETAG = `"s-${hash32(SLOT_STYLES).toString(16)}"`;

export function stylesheetResponse(ifNoneMatch: string | null | undefined): Response {
  const headers = {
    'content-type': 'text/css; charset=utf-8',
    'cache-control': 'public, max-age=3600',
    etag: ETAG,
    'x-content-type-options': 'nosniff',
  };
  if (ifNoneMatch === ETAG) return new Response(null, { status: 304, headers });
  return new Response(SLOT_STYLES, { headers });
}

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** The stylesheet link for the end of an origin page's <head>. */
export const stylesheetTag = (nonce: string | undefined) =>
  `<link rel="stylesheet" href="${STYLESHEET_PATH}"${nonce ? ` nonce="${attr(nonce)}"` : ''}>`;
