import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { contentKeys } from '../../shared/kv-keys.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { fetchWith } from '../support/faults.ts';
import { shapeOf } from '../support/html-shape.ts';

const nonceOf = (res: Response) =>
  /script-src 'nonce-([A-Za-z0-9]+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

async function styleNonces(res: Response): Promise<(string | undefined)[]> {
  const shape = await shapeOf(await res.text());
  return shape.attributes
    .filter((a) => a.tag === 'style' && a.name === 'nonce')
    .map((a) => a.value);
}

describe('security headers on HTML', () => {
  it('send a CSP whose per-response nonce is the one on the page’s <style>, plus nosniff and a referrer policy', async () => {
    await publishTestBundle();
    for (const path of ['/', '/no-such-page']) {
      const res = await SELF.fetch(`https://shop.test${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(await styleNonces(res)).toEqual([nonceOf(res)]);
    }
  });

  it('use a fresh nonce for every response', async () => {
    await publishTestBundle();
    const nonces = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) nonces.add(nonceOf(await SELF.fetch('https://shop.test/')));
    expect(nonces.size).toBe(5);
    expect([...nonces].every((n) => n && n.length >= 32)).toBe(true);
  });

  it('cover the setup page shown before anything is published', async () => {
    await env.CONTENT.delete(contentKeys.pointer());
    const res = await fetchWith('https://shop.test/');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tessera-version')).toBe('none');
    expect(await styleNonces(res)).toEqual([nonceOf(res)]);
  });
});
