/**
 * Security headers for every HTML response. The Content-Security-Policy allows only scripts and
 * styles carrying this response's nonce, so injected markup (should any ever slip past escaping)
 * cannot run script, load a plugin, rebase relative URLs or be framed by another site.
 */

/** A per-response nonce from a random UUID (122 random bits): the caller owns the randomness. */
export function nonceFrom(uuid: string): string {
  return uuid.replaceAll('-', '');
}

/** The policy, written once; `{nonce}` marks where each response's nonce goes. */
const POLICY = [
  "default-src 'self'",
  // 'strict-dynamic': a nonced script (the client script) may load what it needs; nothing else runs.
  "script-src 'nonce-{nonce}' 'strict-dynamic'",
  "style-src 'nonce-{nonce}'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
/** Split once per isolate: a response only joins its nonce in. */
const [BEFORE, BETWEEN, AFTER] = POLICY.split('{nonce}') as [string, string, string];

export function contentSecurityPolicy(nonce: string): string {
  return BEFORE + nonce + BETWEEN + nonce + AFTER;
}

export function securityHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}
