/**
 * The OpenAPI document lists every route the decision API and the admin API really register,
 * and nothing they do not: the route table (shared/openapi/routes.ts) against the workers' own
 * hono apps, method by method.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/openapi/routes.ts';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { BundleStore } from '../../worker/data/bundle-store.ts';
import { createApp } from '../../worker/index.ts';

const deps = {
  store: new BundleStore(),
  bandits: new BanditStore(),
  now: () => 0,
  newId: () => 'id',
};

/** `METHOD /path/{param}` of every concrete route an app registers under `prefixes`. */
function registered(routes: { method: string; path: string }[], prefixes: string[]): string[] {
  return [
    ...new Set(
      routes
        // Catch-alls (404/405 answers) and scope middleware are registered for ALL methods.
        .filter((r) => r.method !== 'ALL' && prefixes.some((p) => r.path.startsWith(p)))
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    ),
  ].sort();
}

const documented = (prefixes: string[]) =>
  ROUTES.filter((r) => prefixes.some((p) => r.path.startsWith(p)))
    .map((r) => `${r.method.toUpperCase()} ${r.path}`)
    .sort();

describe('the OpenAPI route table', () => {
  it('lists every decision API route the visitor-facing worker registers', () => {
    const v1 = registered(createApp(deps).routes, ['/v1/']);
    expect(v1).toEqual(['POST /v1/decisions', 'POST /v1/decisions/batch', 'POST /v1/events']);
    expect(documented(['/v1/decisions', '/v1/events'])).toEqual(v1);
  });

  it('lists every admin API route', () => {
    expect(documented(['/admin/'])).toEqual(registered(createApp(deps).routes, ['/admin/']));
  });
});
