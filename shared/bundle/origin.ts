/**
 * Publish-time checks for origin pages (shared/schema/origin.ts) that the schema alone cannot
 * express: which pages may use a `/*` path, which may have no slots, and that origin pages have
 * an origin to come from. Pure.
 */
import type { BundleBody } from '../schema/bundle.ts';
import { patternBase } from '../schema/origin-paths.ts';
import type { Issue } from './issues.ts';

export function checkOrigin(body: BundleBody): Issue[] {
  const issues: Issue[] = [];
  body.pages.forEach((page, p) => {
    if (!page.origin) {
      if (page.path.endsWith('*'))
        issues.push({
          path: ['pages', p, 'path'],
          message: `"${page.path}" covers many paths, which only an origin page can (add "origin": {} and set site.origin), or use an exact path such as "${patternBase(page.path)}"`,
        });
      if (page.slots.length === 0)
        issues.push({
          path: ['pages', p, 'slots'],
          message: `page "${page.id}" is rendered by Tessera and needs at least one slot`,
        });
      return;
    }
    if (!body.site.origin)
      issues.push({
        path: ['pages', p, 'origin'],
        message: `page "${page.id}" comes from the origin, but site.json has no "origin": add "origin": { "url": "https://www.example.com" } to site`,
      });
  });
  return issues;
}
