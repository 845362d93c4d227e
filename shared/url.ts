/**
 * The one URL check used by the bundle schema and by the renderer. Allowed: site-relative
 * paths ("/shop"), fragments ("#faq") and absolute http(s) URLs. Everything else
 * (`javascript:`, `data:`, `vbscript:`, protocol-relative `//evil`, control characters) is not.
 */
export function isSafeUrl(value: string): boolean {
  if (value.length === 0 || value.length > 2048) return false;
  // Control characters and whitespace inside a URL are how scheme filters get bypassed.
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return false;
  if (value.startsWith('#')) return true;
  if (value.startsWith('/')) return !value.startsWith('//');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:';
}
