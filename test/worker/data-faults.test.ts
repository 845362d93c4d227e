import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentKeys, profileKeys } from '../../shared/kv-keys.ts';
import { createWorker } from '../../worker/index.ts';
import type { Env } from '../../worker/env.ts';
import { bundleText } from '../../shared/bundle/version.ts';
import {
  buildTestBundle,
  publishTestBundle,
  putVisitorProfile,
  storeUncheckedBundle,
  testBundleBody,
} from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** A KV namespace whose reads fail the way real ones can; writes go to the real one. */
function faultyKv(
  real: KVNamespace,
  fault: 'throw' | 'hang',
  match: (key: string) => boolean = () => true,
): KVNamespace {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'get') {
        return (key: string, ...rest: unknown[]) => {
          if (!match(key)) return (target.get as (...a: unknown[]) => unknown)(key, ...rest);
          return fault === 'throw'
            ? Promise.reject(new Error('KV GET failed: 500'))
            : new Promise(() => {});
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function render(worker: ExportedHandler<Env>, e: Env, visitor?: string, path = '/') {
  const ctx = createExecutionContext();
  const headers = visitor ? cookieHeader(await mintVisitorToken({ sub: visitor })) : undefined;
  const res = await worker.fetch!(new Request(`https://shop.test${path}`, { headers }), e, ctx);
  await waitOnExecutionContext(ctx);
  const html = await res.text();
  return { res, html, reasons: res.headers.get('x-tessera-reasons') ?? '' };
}

describe('profile faults move slots down the ladder, never to an error', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  it('renders defaults without a reason when the visitor simply has no profile yet', async () => {
    const { res, html, reasons } = await render(createWorker(), env, 'v-nobody');
    expect(res.status).toBe(200);
    expect(html).toContain('data-tessera-variant="banner-default"');
    expect(reasons).not.toContain('profile');
  });

  it('ignores a profile that is not JSON (profile.invalid_json)', async () => {
    await env.PROFILES.put(profileKeys.visitor('v-garbled'), '{"segments": ["vip"');
    const { res, html, reasons } = await render(createWorker(), env, 'v-garbled');
    expect(res.status).toBe(200);
    expect(html).toContain('banner-default');
    expect(reasons).toContain('profile.invalid_json');
  });

  it('ignores a profile that violates the schema (data-quality gate, profile.schema)', async () => {
    await putVisitorProfile('v-bad', { segments: ['vip'], scores: { churnRisk: 7 } });
    const { html, reasons } = await render(createWorker(), env, 'v-bad');
    expect(html).toContain('banner-default');
    expect(reasons).toContain('profile.schema');
  });

  it('serves the page when the profile read throws (profile.error)', async () => {
    await putVisitorProfile('v-vip', { segments: ['vip'] });
    const e = { ...env, PROFILES: faultyKv(env.PROFILES, 'throw') };
    const { res, html, reasons } = await render(createWorker(), e, 'v-vip');
    expect(res.status).toBe(200);
    expect(html).toContain('banner-default');
    expect(reasons).toContain('profile.error');
  });

  it('stops waiting for a profile read past the deadline (profile.timeout)', async () => {
    await putVisitorProfile('v-vip', { segments: ['vip'] });
    const e = { ...env, KV_DEADLINE_MS: '30', PROFILES: faultyKv(env.PROFILES, 'hang') };
    const { res, reasons } = await render(createWorker(), e, 'v-vip');
    expect(res.status).toBe(200);
    expect(reasons).toContain('profile.timeout');
  });
});

describe('bundle faults serve the last good bundle', () => {
  it('shows the built-in setup page when nothing was ever published', async () => {
    await env.CONTENT.delete(contentKeys.pointer());
    const { res, html } = await render(createWorker(), env);
    expect(res.status).toBe(200);
    expect(html).toContain('No content bundle is live yet');
    expect(html).toContain('npm run seed');
    expect(res.headers.get('x-tessera-version')).toBe('none');
  });

  it('keeps serving the last good version when the pointer names a version KV cannot return yet', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    expect((await render(worker, env)).res.headers.get('x-tessera-version')).toBe(good.version);
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({ version: 'ffffffffffffffff', updatedAt: new Date().toISOString() }),
    );
    const { res, reasons, html } = await render(worker, env);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tessera-version')).toBe(good.version);
    expect(reasons).toContain('bundle.missing');
    expect(html).toContain('data-tessera-slot="hero"');
  });

  it('keeps the last good version when the pointer read throws, times out or returns garbage', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    await render(worker, env);
    const isPointer = (k: string) => k === contentKeys.pointer();
    const cases: [Env, string][] = [
      [{ ...env, CONTENT: faultyKv(env.CONTENT, 'throw', isPointer) }, 'pointer.error'],
      [
        { ...env, KV_DEADLINE_MS: '30', CONTENT: faultyKv(env.CONTENT, 'hang', isPointer) },
        'pointer.timeout',
      ],
    ];
    for (const [e, reason] of cases) {
      const { res, reasons } = await render(worker, e);
      expect(res.headers.get('x-tessera-version')).toBe(good.version);
      expect(reasons).toContain(reason);
    }
    await env.CONTENT.put(contentKeys.pointer(), 'not json');
    const garbage = await render(worker, env);
    expect(garbage.res.headers.get('x-tessera-version')).toBe(good.version);
    expect(garbage.reasons).toContain('pointer.invalid');
  });

  it('rejects a stored bundle that fails the schema and keeps the last good one', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    await render(worker, env);
    // Under the version its content hashes to: the bytes are intact, the shape is not.
    await storeUncheckedBundle({ ...testBundleBody(), slots: 'oops' });
    const { res, reasons } = await render(worker, env);
    expect(res.headers.get('x-tessera-version')).toBe(good.version);
    expect(reasons).toContain('bundle.invalid');
  });

  it('rejects a stored bundle whose bytes do not match its version and keeps the last good one', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    await render(worker, env);
    // A valid bundle, altered after it was named: one character of its content changed.
    const next = await buildTestBundle(testBundleBody({ site: { name: 'Next Shop', lang: 'en' } }));
    const altered = bundleText(next).replace('Next Shop', 'Evil Shop');
    await env.CONTENT.put(contentKeys.bundle(next.version), altered);
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({ version: next.version, updatedAt: new Date().toISOString() }),
    );
    const { res, reasons, html } = await render(worker, env);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tessera-version')).toBe(good.version);
    expect(reasons).toContain('bundle.invalid');
    expect(html).not.toContain('Evil Shop');
  });

  it('reads a new version as soon as the pointer moves (no stale cache with POINTER_TTL_MS=0)', async () => {
    const worker = createWorker();
    await publishTestBundle();
    await render(worker, env);
    const body = testBundleBody({ site: { name: 'Renamed Shop', lang: 'en' } });
    const next = await publishTestBundle(body);
    const { res, html } = await render(worker, env);
    expect(res.headers.get('x-tessera-version')).toBe(next.version);
    expect(html).toContain('Renamed Shop');
  });
});
