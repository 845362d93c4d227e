/**
 * GET /__tessera/bare: the benchmark's baseline (docs/performance.md) — static HTML of a chosen
 * size through the same worker, with the headers every HTML response carries — and only where
 * the bench turns it on (BENCH_ROUTES=on); anywhere else it is an unknown page.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { createApp } from '../../worker/index.ts';
import { publishTestBundle } from '../support/bundle.ts';

/** The worker as the bench runs it: BENCH_ROUTES=on (bench/server.ts). */
const bench = createApp({
  store: new BundleStore(),
  bandits: new BanditStore(),
  now: () => Date.now(),
  newId: () => crypto.randomUUID(),
});
async function fetchBare(url: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await bench.fetch(new Request(url), { ...env, BENCH_ROUTES: 'on' }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const nonceOf = (res: Response) =>
  /style-src 'nonce-([A-Za-z0-9]+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

describe('the bare route', () => {
  it('answers with exactly the requested number of bytes', async () => {
    for (const bytes of [4096, 5910, 20_000]) {
      const res = await fetchBare(`https://shop.test/__tessera/bare?bytes=${bytes}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(bytes);
    }
  });

  it('carries the CSP with a fresh nonce that its <style> names, and no visitor cookie', async () => {
    const a = await fetchBare('https://shop.test/__tessera/bare?bytes=2048');
    const b = await fetchBare('https://shop.test/__tessera/bare?bytes=2048');
    const nonce = nonceOf(a);
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(nonceOf(b)).not.toBe(nonce);
    expect(await a.text()).toContain(`<style nonce="${nonce}">`);
    expect(a.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('set-cookie')).toBeNull();
  });

  it('gives its smallest page for a size below its own head, and 16 KB for a size that is not a number', async () => {
    const size = async (q: string) =>
      (await (await fetchBare(`https://shop.test/__tessera/bare?bytes=${q}`)).arrayBuffer())
        .byteLength;
    expect(await size('3')).toBe(await size('1'));
    expect(await size('3')).toBeLessThan(4096);
    expect(await size('lots')).toBe(16 * 1024);
  });

  it('is an ordinary unknown page where BENCH_ROUTES is not on, as in every deployed worker', async () => {
    await publishTestBundle();
    const res = await SELF.fetch('https://shop.test/__tessera/bare?bytes=262144');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Nothing lives at /__tessera/bare');
    expect(html.length).toBeLessThan(64 * 1024);
    expect(res.headers.get('x-tessera-version')).not.toBe('bare');
  });
});
