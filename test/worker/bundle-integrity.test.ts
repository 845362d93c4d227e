/**
 * How a bundle is stored and checked on read (shared/bundle/version.ts, shared/bundle/parts.ts):
 * the bytes must hash to the version they are stored under, in the parts form written since
 * issue 18 and in the single form written before it (still read, so a rollback to an older
 * version works); the worker parses a slot's other variants only when they are first read.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { loadBundle, storedBundleJson } from '../../shared/bundle/parts.ts';
import { salvageBundle } from '../../shared/bundle/salvage.ts';
import { BUNDLE_DICTS } from '../../shared/schema/validators.gen.ts';
import {
  PARTS_FORM,
  bundleText,
  canonicalJson,
  singleBundleText,
  singleBundleVersion,
} from '../../shared/bundle/version.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import { readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { Bundle, type BundleBody } from '../../shared/schema/bundle.ts';
import { buildTestBundle, testBundleBody } from '../support/bundle.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const json = async (text: string, version: string) => storedBundleJson(bytes(text), version);

/** The version bytes would have in the parts form: their SHA-256, first 8 bytes, hex. */
async function versionOf(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes(text)));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The test bundle as it was stored before the parts form: text and version. */
/** The objects at `path` (`*`: every key or element) in `value`. */
function at(value: unknown, path: readonly string[]): object[] {
  if (typeof value !== 'object' || value === null) return [];
  if (path.length === 0) return [value];
  const [key, ...rest] = path;
  const keys = key === '*' ? Object.keys(value) : [key!];
  return keys.flatMap((k) => at((value as Record<string, unknown>)[k], rest));
}

async function singleForm() {
  const { version: _, ...body } = await buildTestBundle();
  const bundle: Bundle = { ...body, version: await singleBundleVersion(body) };
  return { bundle, text: singleBundleText(bundle) };
}

describe('a bundle stored in parts', () => {
  it('is what uploadVersion stores: the form, the manifest with each slot’s first variant, then each slot’s other variants, and its version hashes exactly these bytes', async () => {
    const up = await uploadVersion(env.CONTENT, testBundleBody());
    if (!up.ok) throw new Error('the test bundle is valid');
    const text = await env.CONTENT.get(contentKeys.bundle(up.bundle.version), 'text');
    expect(text).toBe(bundleText(up.bundle));
    const { version, ...body } = up.bundle;
    const lines = text!.split('\n');
    expect(lines[0]).toBe(PARTS_FORM);
    expect(lines[1]).toBe(
      canonicalJson({
        ...body,
        slots: body.slots.map((s) => ({ ...s, variants: [s.variants[0]] })),
      }),
    );
    expect(lines.slice(2)).toEqual(body.slots.map((s) => canonicalJson(s.variants.slice(1))));
    expect(await versionOf(text!)).toBe(version);
    expect(await json(text!, version)).toEqual(up.bundle);
    expect(await readVersion(env.CONTENT, version)).toEqual(up.bundle);
  });

  it('refuses its bytes altered in the manifest, in a slot’s line, truncated, or extended', async () => {
    const bundle = await buildTestBundle();
    const text = bundleText(bundle);
    expect(text).toContain('Run further'); // hero's second variant: in hero's line, not the manifest
    for (const stored of [
      text.replace(bundle.site.name, `${bundle.site.name}!`),
      text.replace('Run further', 'Run faster'),
      text.slice(0, -1),
      text.slice(0, text.lastIndexOf('\n')),
      `${text}\n[]`,
      text.replace(PARTS_FORM, 'tessera-bundle/parts-2'),
    ]) {
      expect(await json(stored, bundle.version)).toBeUndefined();
      expect(await loadBundle(bytes(stored), bundle.version)).toBeUndefined();
    }
    const other = await buildTestBundle(testBundleBody({ site: { name: 'Other', lang: 'en' } }));
    expect(await json(text, other.version)).toBeUndefined();
    expect(await json(bundleText(other), bundle.version)).toBeUndefined();
  });

  it('refuses intact bytes whose lines are not a manifest and one line per slot', async () => {
    const body = JSON.parse(canonicalJson(testBundleBody())) as BundleBody;
    const manifest = bundleText({ ...body, version: 'x' }).split('\n')[1]!;
    for (const text of [
      `${PARTS_FORM}\nnot json`,
      `${PARTS_FORM}\n[]`,
      `${PARTS_FORM}\n${manifest}`, // no slot lines
      `${PARTS_FORM}\n${manifest}\n[]`, // one line for five slots
    ]) {
      const version = await versionOf(text);
      expect(await json(text, version)).toBeUndefined();
      expect(await loadBundle(bytes(text), version)).toBeUndefined();
    }
  });

  it('hashes multi-byte characters by their UTF-8 bytes, in the manifest and in a slot’s line', async () => {
    const body = testBundleBody({ site: { name: 'Grüße — 日本の店 🏔', lang: 'de' } });
    body.slots.find((s) => s.id === 'hero')!.variants[1]!.props = { headline: 'Weiter laufen 🏃' };
    const bundle = await buildTestBundle(body);
    const text = bundleText(bundle);
    expect(bytes(text).length).toBeGreaterThan(text.length);
    expect(await json(text, bundle.version)).toEqual(bundle);
    expect(await json(text.replace('日本', '日夲'), bundle.version)).toBeUndefined();
    expect(await json(text.replace('🏃', '🚶'), bundle.version)).toBeUndefined();
  });
});

describe('a bundle stored in one piece (before the parts form)', () => {
  it('is still read under the version its canonical JSON hashes to, in any key order', async () => {
    const { bundle, text } = await singleForm();
    expect(text.startsWith('{')).toBe(true);
    expect(await json(text, bundle.version)).toEqual(bundle);
    expect((await loadBundle(bytes(text), bundle.version))?.slots).toEqual(bundle.slots);
    const { version, ...body } = bundle;
    expect(await json(JSON.stringify({ version, ...body }), version)).toEqual(bundle);
    expect(await json(JSON.stringify(bundle), version)).toEqual(bundle);
  });

  it('is refused altered, truncated, or under another version', async () => {
    const { bundle, text } = await singleForm();
    for (const stored of [text, JSON.stringify(bundle)]) {
      expect(await json(stored.replace('Run further', 'Run faster'), bundle.version)).toBe(
        undefined,
      );
      expect(await json(stored.slice(0, -2), bundle.version)).toBeUndefined();
    }
    const parts = await buildTestBundle();
    expect(await json(text, parts.version)).toBeUndefined();
    expect(await json('not json', bundle.version)).toBeUndefined();
    expect(await json('null', bundle.version)).toBeUndefined();
  });

  it('is what uploadVersion stores for a bundle built with its single-form version', async () => {
    const { bundle, text } = await singleForm();
    const up = await uploadVersion(env.CONTENT, bundle);
    expect(up).toMatchObject({ ok: true, bundle: { version: bundle.version } });
    expect(await env.CONTENT.get(contentKeys.bundle(bundle.version), 'text')).toBe(text);
    expect(await readVersion(env.CONTENT, bundle.version)).toEqual(bundle);
  });
});

describe('a stored bundle as the worker loads it', () => {
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
    const loaded = await loadBundle(bytes(bundleText(bundle)), bundle.version);
    const read = salvageBundle(loaded);
    expect(read?.dropped).toEqual([]);
    expect(read?.bundle).toStrictEqual(Bundle.parse(bundle));
    const arm = read!.bundle.experiments![0]!.arms[1]!;
    expect(Object.getPrototypeOf(arm.variants)).toBeNull();
    expect(Object.getPrototypeOf(read!.bundle.site.consent!.countries)).toBeNull();
    // Every record the schema keys by someone else's ids, wherever it sits (a slot's line, parsed
    // after the check, included), is prototype-free once its slot has been read.
    JSON.stringify(loaded); // reads every slot's variants
    const records = BUNDLE_DICTS.flatMap((path) => at(loaded, path));
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) expect(Object.getPrototypeOf(record)).toBeNull();
  });

  it('parses a slot’s other variants only when they are first read, and keeps them', async () => {
    const bundle = await buildTestBundle();
    const loaded = (await loadBundle(bytes(bundleText(bundle)), bundle.version))!;
    const hero = loaded.slots.find((s) => s.id === 'hero')!;
    const unread = () => typeof Object.getOwnPropertyDescriptor(hero, 'variants')?.get;
    expect(unread()).toBe('function');
    expect(loaded.slots.every((s) => Object.getOwnPropertyDescriptor(s, 'variants')?.get)).toBe(
      true,
    );
    const variants = hero.variants;
    expect(variants.map((v) => v.id)).toEqual(
      bundle.slots.find((s) => s.id === 'hero')!.variants.map((v) => v.id),
    );
    expect(unread()).toBe('undefined');
    expect(hero.variants).toBe(variants);
  });

  it('keeps a version whose slot’s first variant cannot render but another can, and refuses one where none can', async () => {
    const { version: _, ...body } = await buildTestBundle(); // defaults applied, as written
    const hero = body.slots.find((s) => s.id === 'hero')!;
    // A prop this worker does not know (a newer writer): the variant cannot render here.
    const unknown = (v: { props: object }) => ({ ...v, props: { ...v.props, video: 'x.mp4' } });
    const store = async (slots: unknown[]) => {
      const text = bundleText({ ...body, slots, version: '' } as unknown as Bundle);
      return { text, version: await versionOf(text) };
    };
    const first = await store(
      body.slots.map((s) =>
        s === hero ? { ...s, variants: [unknown(s.variants[0]!), ...s.variants.slice(1)] } : s,
      ),
    );
    const kept = await loadBundle(bytes(first.text), first.version);
    expect(kept).toBeDefined();
    expect(salvageBundle(kept)?.dropped).toEqual(['hero/hero-default']);
    const none = await store(
      body.slots.map((s) => (s === hero ? { ...s, variants: s.variants.map(unknown) } : s)),
    );
    expect(await loadBundle(bytes(none.text), none.version)).toBeUndefined();
  });
});
