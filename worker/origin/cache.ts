/**
 * Cacheable shells (page.origin.shell): the origin's page as everyone gets it, kept in the edge
 * cache (Cache API, per data centre) when the origin allows it. Only anonymous fetches are ever
 * stored (origin/request.ts drops cookies and authorization for shells), and only when the
 * origin's response says it may be shared:
 *
 *   status 200, text/html, no Set-Cookie, no `Vary: *`, and Cache-Control with a lifetime
 *   (`s-maxage` > 0 or `max-age` > 0) and none of `private`, `no-store`, `no-cache`.
 *
 * What is cached is the origin's HTML, before any slot is filled; personalized output is never
 * stored anywhere (it is `private, no-store`).
 */

/** Whether the origin allows a shared cache to keep this response. Pure. */
export function shellCacheable(response: Response): boolean {
  if (response.status !== 200) return false;
  if (!/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) return false;
  if (response.headers.has('set-cookie')) return false;
  if ((response.headers.get('vary') ?? '').split(',').some((v) => v.trim() === '*')) return false;
  const cc = (response.headers.get('cache-control') ?? '').toLowerCase();
  const directives = new Map(
    cc
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [k, v] = d.split('=', 2);
        return [k!.trim(), v?.trim().replace(/^"|"$/g, '')] as const;
      }),
  );
  if (['private', 'no-store', 'no-cache'].some((d) => directives.has(d))) return false;
  const positive = (d: string) => Number(directives.get(d) ?? 0) > 0;
  return positive('s-maxage') || positive('max-age');
}

/** The cache key of a shell: its origin URL, GET, no headers (nothing of the visitor's). */
export const shellKey = (url: URL) => new Request(url.toString(), { method: 'GET' });
