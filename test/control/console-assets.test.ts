/**
 * The console's page and files (control/console/asset-routes.ts): served by the control plane
 * under a strict Content-Security-Policy, files named by their content hash.
 */
import { describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS } from '../../control/console/assets.gen.js';
import { isControlPath } from '../../dev/router.ts';
import { testWorker } from '../support/admin.ts';

describe('the console page', () => {
  it('is routed to the control plane, as production routes /console*', () => {
    expect(isControlPath('/console')).toBe(true);
    expect(isControlPath(`/console/app.${CONSOLE_ASSETS.hash}.js`)).toBe(true);
  });

  it('loads only its own hashed script and styles, under a CSP without inline code or framing', async () => {
    const res = await testWorker().fetch('/console');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain(`src="/console/app.${CONSOLE_ASSETS.hash}.js"`);
    expect(html).toContain(`href="/console/app.${CONSOLE_ASSETS.hash}.css"`);
    expect(html).not.toMatch(/<script>|<style>| style=/);
  });

  it('serves the script and styles as immutable files', async () => {
    const w = testWorker();
    const js = await w.fetch(`/console/app.${CONSOLE_ASSETS.hash}.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe(CONSOLE_ASSETS.js);
    const css = await w.fetch(`/console/app.${CONSOLE_ASSETS.hash}.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toBe(CONSOLE_ASSETS.css);
  });

  it('answers 404 for a file of another build', async () => {
    const res = await testWorker().fetch('/console/app.000000000000.js');
    expect(res.status).toBe(404);
  });
});
