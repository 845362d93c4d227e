/**
 * A test bundle with origin pages (the test bundle's own pages stay): `/o/*` with slots banner
 * and hero, `/shell/*` the same as a cacheable shell, `/plain/*` with no slot (tracker only).
 * The origin is the test origin worker (test/support/origin/worker.js), whose behaviour each
 * request chooses in its query string.
 */
import type { BundleInput } from '../../../shared/schema/bundle.ts';
import { testBundleBody } from '../bundle.ts';

export const ORIGIN_URL = 'https://origin.test';

export function originBundleBody(overrides: Partial<BundleInput> = {}): BundleInput {
  const base = testBundleBody();
  return testBundleBody({
    site: { name: 'Test Shop', lang: 'en', origin: { url: ORIGIN_URL, timeoutMs: 1_000 } },
    pages: [
      ...base.pages,
      { id: 'article', path: '/o/*', title: 'Articles', origin: {}, slots: ['banner', 'hero'] },
      {
        id: 'help',
        path: '/shell/*',
        title: 'Help',
        origin: { shell: true },
        slots: ['banner', 'hero'],
      },
      { id: 'plain', path: '/plain/*', title: 'Plain', origin: {}, slots: [] },
    ],
    ...overrides,
  });
}
