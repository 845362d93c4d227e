/**
 * The OpenAPI document lists every route the decision API and the admin API really register,
 * and nothing they do not: the route table (shared/openapi/routes.ts) against both workers' own
 * hono apps, method by method — and the control plane serves the document itself.
 */
import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../control/index.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { ROUTES } from '../../shared/openapi/routes.ts';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { decisionRoutes } from '../../worker/routes/decisions.ts';
import { Hono } from 'hono/tiny';
import document from '../../docs/openapi.json';
import { SITE } from '../support/site.ts';

/** The decision API as the visitor-facing worker mounts it at /v1 (on its first request). */
const decisionApi = new Hono().route(
  '/v1',
  decisionRoutes({
    store: new BundleStore(),
    bandits: new BanditStore(),
    now: () => 0,
    newId: () => 'id',
  }),
);
const control = createControlApp({ now: () => 0 });

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
    const v1 = registered(decisionApi.routes, ['/v1/']);
    expect(v1).toEqual(['POST /v1/decisions', 'POST /v1/decisions/batch', 'POST /v1/events']);
    expect(documented(['/v1/decisions', '/v1/events'])).toEqual(v1);
  });

  it('lists every admin API route and the document itself, as the control plane registers them', () => {
    const routes = registered(control.routes, ['/admin/', '/v1/']);
    expect(routes).toContain('GET /v1/openapi.json');
    expect(documented(['/admin/', '/v1/openapi.json'])).toEqual(routes);
  });
});

describe('GET /v1/openapi.json', () => {
  it('serves docs/openapi.json, public and cacheable, from the control plane', async () => {
    const res = await SITE.fetch('https://shop.test/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.json()).toEqual(document);
  });
});
