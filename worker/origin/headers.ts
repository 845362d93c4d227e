/**
 * The headers of a personalized origin page: the origin's own, minus what no longer describes
 * the body Tessera sends, plus Tessera's.
 *
 *   removed     Content-Length (the body changes), Content-Encoding (the runtime decoded what it
 *               rewrites; Cloudflare's edge compresses the result for each client's
 *               Accept-Encoding), ETag / Last-Modified / Expires / Age / Accept-Ranges
 *               (validators and ranges of the origin's bytes, not of this page)
 *   replaced    Cache-Control: private, no-store (never cached for anyone else); Vary gains Cookie;
 *               Content-Security-Policy as adjusted for Tessera's tags (origin/csp.ts)
 *   kept        everything else, Set-Cookie included (Tessera's visitor cookie is appended)
 *   added       X-Tessera-Decision / -Version / -Reasons / -Origin, Server-Timing `origin`
 *               (time to the origin's first byte) and `identity`, after the origin's own timings
 */
import { applyVisitHeaders, type VisitHeaders } from '../visit/respond.ts';

const STALE = [
  'content-length',
  'content-encoding',
  'etag',
  'last-modified',
  'expires',
  'age',
  'accept-ranges',
];

/**
 * Done in place on a mutable copy of the origin's headers: for a rewritten page the one
 * `HTMLRewriter.transform` gives its response, so its headers are copied once, not three times
 * (a `new Headers`, a `new Response` and the transform's own copy).
 */
export function personalizeHeaders(
  headers: Headers,
  visit: VisitHeaders,
  o: { csp: string | null; timing: string; cache: string },
): Headers {
  for (const name of STALE) headers.delete(name);
  headers.set('cache-control', 'private, no-store');
  const vary = headers.get('vary');
  if (!vary) headers.set('vary', 'Cookie');
  else if (!/(^|,)\s*cookie\s*(,|$)/i.test(vary)) headers.set('vary', `${vary}, Cookie`);
  if (o.csp !== null) headers.set('content-security-policy', o.csp);
  const originTiming = headers.get('server-timing');
  applyVisitHeaders(headers, visit);
  headers.set('server-timing', originTiming ? `${originTiming}, ${o.timing}` : o.timing);
  headers.set('x-tessera-origin', o.cache);
  return headers;
}
