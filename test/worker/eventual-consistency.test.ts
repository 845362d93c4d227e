import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { bundleText } from '../../shared/bundle/version.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import { resetPublishing, testWorker } from '../support/admin.ts';
import { buildTestBundle, publishTestBundle, testBundleBody } from '../support/bundle.ts';

/** CONTENT as a far-away edge location sees it: the pointer has replicated, the new bundle not yet. */
function lagging(kv: KVNamespace, notYet: string): KVNamespace {
  return new Proxy(kv, {
    get(target, prop, receiver) {
      if (prop === 'get') {
        return (key: string, type: 'text') =>
          key === contentKeys.bundle(notYet) ? Promise.resolve(null) : target.get(key, type);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('KV eventual consistency', () => {
  beforeEach(resetPublishing);

  it('keeps serving the last good version while the pointer names a version not readable yet', async () => {
    const w = testWorker();
    const v1 = await publishTestBundle();
    expect((await w.fetch('/')).headers.get('x-tessera-version')).toBe(v1.version);

    const next = testBundleBody();
    next.site.name = 'Renamed Shop';
    const v2 = await buildTestBundle(next);
    await env.CONTENT.put(contentKeys.bundle(v2.version), bundleText(v2));
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({ version: v2.version, updatedAt: new Date().toISOString(), by: 't' }),
    );

    const stale = await w.fetch('/', {}, { CONTENT: lagging(env.CONTENT, v2.version) });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-tessera-version')).toBe(v1.version);
    expect(stale.headers.get('x-tessera-reasons')).toContain('bundle.missing');

    // Once the bundle replicates, the same isolate moves on.
    const fresh = await w.fetch('/');
    expect(fresh.headers.get('x-tessera-version')).toBe(v2.version);
  });
});
