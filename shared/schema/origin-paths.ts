/**
 * Origin mode's URLs and page paths, as values (no zod here: the visitor worker routes with
 * them per request). The schemas are in origin.ts.
 */
export const ORIGIN_URL_HINT =
  'an http(s) origin such as "https://www.example.com" (scheme, host and port only: no path, query, fragment or credentials)';

/** An http(s) origin: scheme, host, optional port, and at most a bare trailing slash. */
export function isOriginUrl(value: string): boolean {
  if (value.length > 2048 || /[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !/[?#]/.test(value)
  );
}

export const DEFAULT_ORIGIN_TIMEOUT_MS = 5_000;

/** `/journal/*` → `/journal`; an exact path is returned as is. */
export const patternBase = (path: string) =>
  path === '/*' ? '/' : path.endsWith('/*') ? path.slice(0, -2) : path;

/** Whether a request path is covered by a page path (exact, or a `/*` prefix). */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.endsWith('/*')) return false;
  const base = patternBase(pattern);
  return base === '/' || path === base || path.startsWith(`${base}/`);
}
