/**
 * Origin mode: pages whose HTML comes from the site's own server (a CMS, a shop, a framework app)
 * and streams through Tessera, which fills the slots the templates mark. Shared by the worker
 * (routing, per request) and the CLI (bundle validation). See README "Put Tessera in front of
 * your site".
 *
 *   site.origin   where origin pages come from: { "url": "https://www.example.com", "timeoutMs": 5000 }
 *   page.origin   this page is the origin's: { "shell": true } marks it a cacheable shell
 *   page.path     "/help" (exact) or "/journal/*" (that path and everything under it; origin pages only)
 *
 * `ORIGIN_URL` (a wrangler var) overrides `site.origin.url` per environment (staging, local dev).
 */
import * as z from './zod.ts';

import { DEFAULT_ORIGIN_TIMEOUT_MS, isOriginUrl, ORIGIN_URL_HINT } from './origin-paths.ts';
export {
  ORIGIN_URL_HINT,
  isOriginUrl,
  DEFAULT_ORIGIN_TIMEOUT_MS,
  patternBase,
  pathMatches,
} from './origin-paths.ts';

export const OriginUrl = z.string().check(z.refine(isOriginUrl, ORIGIN_URL_HINT));

export const SiteOrigin = z.strictObject({
  /** Where origin pages are fetched from; `ORIGIN_URL` overrides it per environment. */
  url: OriginUrl,
  /**
   * How long the origin may take to send its response headers before the visitor gets a 504
   * page (the body then streams as fast as the origin sends it).
   */
  timeoutMs: z._default(
    z.number().check(z.int(), z.gte(100, 'at least 100 ms'), z.lte(30_000, 'at most 30000 ms')),
    DEFAULT_ORIGIN_TIMEOUT_MS,
  ),
});
export type SiteOrigin = z.infer<typeof SiteOrigin>;

export const PageOrigin = z.strictObject({
  /**
   * The origin serves this page the same for everyone (no login, no cart in the HTML): Tessera
   * fetches it without the visitor's cookies and may keep it in the edge cache when the origin
   * allows (`Cache-Control: public`/`max-age`/`s-maxage`, no `Set-Cookie`). The personalized
   * page built from it is never cached.
   */
  shell: z._default(z.boolean(), false),
});
export type PageOrigin = z.infer<typeof PageOrigin>;
