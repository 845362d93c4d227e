/**
 * The visitor worker's integrity check on a stored bundle (shared/bundle/version.ts): the bytes
 * it reads must hash to the version they are stored under, whatever order their keys are in.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { bundleText, canonicalJson, verifiedBundleJson } from '../../shared/bundle/version.ts';
import { salvageBundle } from '../../shared/bundle/salvage.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import { Bundle } from '../../shared/schema/bundle.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { buildTestBundle, testBundleBody } from '../support/bundle.ts';

describe('verifiedBundleJson', () => {
  it('accepts the bytes uploadVersion stores, and they are the body’s canonical JSON plus the version', async () => {
    const up = await uploadVersion(env.CONTENT, testBundleBody());
    if (!up.ok) throw new Error('the test bundle is valid');
    const text = await env.CONTENT.get(contentKeys.bundle(up.bundle.version), 'text');
    expect(text).toBe(bundleText(up.bundle));
    const { version, ...body } = up.bundle;
    expect(text).toBe(`${canonicalJson(body).slice(0, -1)},"version":"${version}"}`);
    expect(await verifiedBundleJson(text!, version)).toEqual(up.bundle);
  });

  it('accepts a bundle stored in any key order (as written before bundleText)', async () => {
    const bundle = await buildTestBundle();
    const { version, ...body } = bundle;
    const reordered = JSON.stringify({ version, ...body });
    expect(reordered.startsWith('{"version"')).toBe(true);
    expect(await verifiedBundleJson(reordered, bundle.version)).toEqual(bundle);
    expect(await verifiedBundleJson(JSON.stringify(bundle), bundle.version)).toEqual(bundle);
  });

  it('refuses bytes that differ from what the version names, in either form', async () => {
    const bundle = await buildTestBundle();
    const text = bundleText(bundle);
    const name = bundle.site.name;
    for (const stored of [text, JSON.stringify(bundle)]) {
      expect(await verifiedBundleJson(stored.replace(name, `${name}!`), bundle.version)).toBe(
        undefined,
      );
      expect(await verifiedBundleJson(stored.slice(0, -2), bundle.version)).toBeUndefined();
    }
    const other = await buildTestBundle(testBundleBody({ site: { name: 'Other', lang: 'en' } }));
    expect(await verifiedBundleJson(text, other.version)).toBeUndefined();
    expect(await verifiedBundleJson(bundleText(other), bundle.version)).toBeUndefined();
  });

  it('hashes text with multi-byte characters by its UTF-8 bytes, and refuses it altered', async () => {
    const bundle = await buildTestBundle(
      testBundleBody({ site: { name: 'Grüße — 日本の店 🏔', lang: 'de' } }),
    );
    const text = bundleText(bundle);
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(text.length);
    expect(await verifiedBundleJson(text, bundle.version)).toEqual(bundle);
    expect(await verifiedBundleJson(text.replace('日本', '日夲'), bundle.version)).toBeUndefined();
    expect(await verifiedBundleJson(text.replace('🏔', '🏕'), bundle.version)).toBeUndefined();
  });

  it('refuses what is not JSON, or not an object', async () => {
    const bundle = await buildTestBundle();
    expect(await verifiedBundleJson('not json', bundle.version)).toBeUndefined();
    expect(await verifiedBundleJson('[]', bundle.version)).toBeUndefined();
    expect(await verifiedBundleJson('null', bundle.version)).toBeUndefined();
  });
});

describe('a stored bundle as the worker reads it', () => {
  it('is what the full schema makes of it, prototype-free records included', async () => {
    const bundle = await buildTestBundle(
      testBundleBody({
        site: { name: 'Shop', lang: 'en', consent: { countries: { US: 'personal' } } },
        experiments: [
          {
            id: 'home-test',
            scope: { page: 'home' },
            arms: [{ id: 'a' }, { id: 'b', variants: { hero: 'hero-running' } }],
          },
        ],
      }),
    );
    const read = salvageBundle(await verifiedBundleJson(bundleText(bundle), bundle.version));
    expect(read?.dropped).toEqual([]);
    expect(read?.bundle).toStrictEqual(Bundle.parse(JSON.parse(bundleText(bundle))));
    const arm = read!.bundle.experiments![0]!.arms[1]!;
    expect(Object.getPrototypeOf(arm.variants)).toBeNull();
    expect(Object.getPrototypeOf(read!.bundle.site.consent!.countries)).toBeNull();
  });
});
