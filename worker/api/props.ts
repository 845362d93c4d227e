/**
 * A variant's props as the page renders them, for callers that render themselves: every text
 * with its `{{traits.…}}` placeholders filled by the page's own fill (render/text.ts), every
 * `href` checked by the page's safe-URL rule and removed when it fails (the page drops such a
 * link). Hrefs are not filled, as the page does not fill them. Pure; never throws.
 */
import { isSafeUrl } from '../../shared/url.ts';
import type { Fill } from '../render/text.ts';

function walk(value: unknown, key: string | undefined, fill: Fill): unknown {
  if (typeof value === 'string') {
    if (key === 'href') return isSafeUrl(value) ? value : undefined;
    return fill(value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => walk(v, undefined, fill)).filter((v) => v !== undefined);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const w = walk(v, k, fill);
      if (w !== undefined) out[k] = w;
    }
    return out;
  }
  return value;
}

export function filledProps(props: unknown, fill: Fill): Record<string, unknown> {
  const out = walk(props, undefined, fill);
  return out !== null && typeof out === 'object' && !Array.isArray(out)
    ? (out as Record<string, unknown>)
    : {};
}
