/**
 * Which origin responses Tessera rewrites. Only a GET or HEAD answered `200` with `text/html`,
 * and never a `Range` request; everything else — other methods, redirects, `304`, `4xx`, `5xx`,
 * JSON, images, streams, partial content — is returned exactly as the origin sent it: its status,
 * its headers, its bytes. An origin error stays the origin's (no generic 500 in its place). Pure.
 */
export function rewritable(request: Request, response: Response): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !request.headers.has('range') &&
    response.status === 200 &&
    /^\s*text\/html\s*(;|$)/i.test(response.headers.get('content-type') ?? '')
  );
}

/** The charset the Content-Type names, lower case (`undefined`: not said). */
export function charsetOf(contentType: string | null): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}
