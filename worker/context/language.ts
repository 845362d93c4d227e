/**
 * The visitor's preferred language: the first well-formed entry of `Accept-Language` in the order
 * the browser sent it (browsers list their preference first), ignoring `*` and q=0.
 */
const MAX_HEADER = 256;
const TAG = /^([a-z]{2,3})(-[a-z0-9]{2,8}){0,3}$/;

export function language(header: string | null): { language: string; locale: string } | undefined {
  if (!header) return undefined;
  for (const entry of header.slice(0, MAX_HEADER).split(',')) {
    const [rawTag = '', ...params] = entry.split(';');
    const tag = rawTag.trim().toLowerCase();
    if (params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p))) continue;
    const m = TAG.exec(tag);
    if (!m?.[1]) continue;
    // Canonical case: language lower, region upper (`de-CH`); scripts and variants as sent.
    const locale = tag.replace(
      /-([a-z]{2})(?=-|$)/,
      (_all, region: string) => `-${region.toUpperCase()}`,
    );
    return { language: m[1], locale };
  }
  return undefined;
}
