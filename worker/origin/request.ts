/**
 * The request Tessera sends to the origin for a visitor's request: same method, headers and
 * body, at the same path and query on the origin's host, with three changes —
 *
 *   - Tessera's own cookies (the visitor id, a preview session) never reach the origin;
 *   - a cacheable shell (page.origin.shell) is fetched anonymously: no Cookie, no Authorization,
 *     no conditional headers, so what the origin sends can be cached for everyone;
 *   - a loop guard (`X-Tessera-Hop`) marks it, so a misconfigured origin URL that points back at
 *     this worker is answered with 508 instead of proxying to itself for ever.
 *
 * `X-Forwarded-Host` and `X-Forwarded-Proto` tell the origin which site the visitor asked for.
 * Tessera's own query parameter (`tessera_debug`) is removed. Redirects are not followed: the
 * origin's 3xx reaches the browser as it was sent. Pure.
 */
import { PREVIEW_COOKIE } from '../preview/session.ts';
import { VISITOR_COOKIE } from '../identity/visitor.ts';
import { DEBUG_PARAM } from '../debug/access.ts';
import { abortableRequest, type AbortableRequest } from './fetch.ts';

export const HOP_HEADER = 'x-tessera-hop';

const OWN_COOKIES = new Set([VISITOR_COOKIE, PREVIEW_COOKIE]);

const ANONYMOUS_DROP = [
  'cookie',
  'authorization',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
];

/** The Cookie header without Tessera's cookies (other pairs byte for byte); null when empty. */
export function withoutOwnCookies(cookie: string | null): string | null {
  if (!cookie) return cookie;
  const kept = cookie.split(';').filter((pair) => !OWN_COOKIES.has(pair.split('=', 1)[0]!.trim()));
  if (kept.length === 0) return null;
  return kept.map((p, i) => (i === 0 ? p.trimStart() : p)).join(';');
}

/** The origin URL for a visitor's URL: origin scheme/host/port, visitor's path and query. */
export function originUrl(visitorUrl: URL, origin: string): URL {
  // Set piece by piece: resolving "//other.host/x" against the origin would change the host.
  const url = new URL(origin);
  url.pathname = visitorUrl.pathname;
  const search = visitorUrl.search;
  url.search = search;
  // The query is parsed (≈ 3–4 µs) only when the parameter could be in it: named as is, or
  // percent-encoded (`tessera%5Fdebug` is the same name to URLSearchParams).
  if ((search.includes(DEBUG_PARAM) || search.includes('%')) && url.searchParams.has(DEBUG_PARAM))
    url.searchParams.delete(DEBUG_PARAM);
  return url;
}

export function originRequest(
  request: Request,
  origin: string,
  { anonymous }: { anonymous: boolean },
): AbortableRequest {
  const visitorUrl = new URL(request.url);
  const headers = new Headers(request.headers);
  if (anonymous) for (const name of ANONYMOUS_DROP) headers.delete(name);
  else {
    const cookie = withoutOwnCookies(headers.get('cookie'));
    if (cookie === null) headers.delete('cookie');
    else headers.set('cookie', cookie);
  }
  headers.set(HOP_HEADER, '1');
  headers.set('x-forwarded-host', visitorUrl.host);
  headers.set('x-forwarded-proto', visitorUrl.protocol.replace(':', ''));
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return abortableRequest(originUrl(visitorUrl, origin), {
    method: request.method,
    headers,
    redirect: 'manual',
    ...(hasBody ? { body: request.body } : {}),
  });
}
