/** Render-time URL gate (defence in depth: content was validated at publish time too). */
import { isSafeUrl } from '../../shared/url.ts';

export function safeHref(url: string | undefined): string | undefined {
  return url !== undefined && isSafeUrl(url) ? url : undefined;
}
