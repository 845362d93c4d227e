/**
 * The dev router (dev/router.ts) must route as production does: the control plane's routes in
 * control/wrangler.toml are the same patterns, and the visitor worker takes everything else.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_ROUTES, isControlPath } from '../../dev/router.ts';
import { CONTROL_TOML, WRANGLER_TOML } from '../../cli/lib/paths.ts';

async function productionRoutes(config: string): Promise<string[]> {
  const { unstable_readConfig } = await import('wrangler');
  const read = unstable_readConfig({ config, env: 'production' }, { hideWarnings: true });
  const routes: (string | { pattern: string })[] = read.routes ?? [];
  return routes.map((r) => (typeof r === 'string' ? r : r.pattern));
}

describe('the dev router', () => {
  it('forwards exactly the paths the control plane is routed in production', async () => {
    const control = await productionRoutes(CONTROL_TOML);
    expect(control.map((p) => p.slice(p.indexOf('/')))).toEqual([...CONTROL_ROUTES]);
    const visitor = await productionRoutes(WRANGLER_TOML);
    expect(visitor.map((p) => p.slice(p.indexOf('/')))).toEqual(['/*']);
  });

  it('sends the admin API, the console and the API document to the control plane, everything else to the visitor worker', () => {
    for (const path of [
      '/admin/live',
      '/admin/',
      '/admin/privacy/visitors/v-1',
      '/console',
      '/console/x',
      '/v1/openapi.json',
    ])
      expect(isControlPath(path), path).toBe(true);
    for (const path of [
      '/',
      '/admin',
      '/administrator',
      '/deals',
      '/privacy/me',
      '/events',
      '/__tessera/preview',
      '/v1/decisions',
      '/v1/openapi.jsonx',
    ])
      expect(isControlPath(path), path).toBe(false);
  });
});
