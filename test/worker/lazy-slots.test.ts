/**
 * A new bundle version is checked as a whole when an isolate first reads it, but each slot's
 * variants (their props) and rules only when a request first needs that slot (issue 18:
 * worker/decide/compile.ts, shared/bundle/salvage.ts). The laziness must not show: a page serves
 * the same whichever pages this isolate has served before, a slot's problem stays in that slot,
 * and a version is live or not as a whole.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { checkBundle, salvageBundle } from '../../shared/bundle/salvage.ts';
import { loadBundle } from '../../shared/bundle/parts.ts';
import { bundleText, bundleVersion, singleBundleText } from '../../shared/bundle/version.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import type { BundleBody } from '../../shared/schema/bundle.ts';
import { compile } from '../../worker/decide/compile.ts';
import { createWorker } from '../../worker/index.ts';
import {
  publishTestBundle,
  putVisitorProfile,
  storeUncheckedBundle,
  testBundleBody,
} from '../support/bundle.ts';
import { fetchWith } from '../support/faults.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** The test bundle as a writer stores it (defaults applied), changed by `edit`. */
function storedBody(edit: (body: BundleBody) => void): BundleBody {
  const parsed = parseBundleBody(testBundleBody());
  if (!parsed.ok) throw new Error('the test bundle is valid');
  edit(parsed.body);
  return parsed.body;
}
const slotOf = (body: BundleBody, id: string) => body.slots.find((s) => s.id === id)!;

/** `hero` (on `/` only) with one variant whose props this worker refuses (an unknown prop). */
const brokenHero = () =>
  storedBody((body) => {
    const running = slotOf(body, 'hero').variants.find((v) => v.id === 'hero-running')!;
    (running.props as Record<string, unknown>).video = 'https://cdn.test/run.mp4';
  });

async function visit(path: string, worker: ReturnType<typeof createWorker>) {
  const request = new Request(`https://shop.test${path}`, {
    headers: cookieHeader(await mintVisitorToken({ sub: 'v-lazy' })),
  });
  const res = await fetchWith(request, {}, worker);
  const html = await res.text();
  return {
    status: res.status,
    version: res.headers.get('x-tessera-version'),
    reasons: (res.headers.get('x-tessera-reasons') ?? '').split(',').filter(Boolean).sort(),
    shown: [...html.matchAll(/data-tessera-variant="([^"]*)"/g)].map((m) => m[1]),
  };
}

describe('slots checked and compiled on first use', () => {
  beforeEach(async () => {
    // A VIP runner on the Pro plan: banner-vip, grid-runners and (by affinity) hero-running or
    // (by rule) hero-greeting are all in reach.
    await putVisitorProfile('v-lazy', {
      segments: ['vip'],
      affinities: { running: 0.9 },
      traits: { plan: 'pro' },
    });
  });

  it('a variant that cannot render on one page leaves another page untouched', async () => {
    const stored = await storeUncheckedBundle(brokenHero() as unknown as Record<string, unknown>);
    const worker = createWorker();
    const deals = await visit('/deals', worker);
    expect(deals.status).toBe(200);
    expect(deals.version).toBe(stored.version);
    expect(deals.shown).toEqual(['banner-vip', 'cta-default']);
    expect(deals.reasons).not.toContain('bundle.partial');
    const home = await visit('/', worker);
    expect(home.version).toBe(stored.version);
    expect(home.shown).not.toContain('hero-running');
    expect(home.reasons).toContain('bundle.partial');
    // Having met the broken slot changes nothing for the page that does not show it.
    expect(await visit('/deals', worker)).toEqual(deals);
  });

  it('a page serves the same whether it is the isolate’s first request or comes after others', async () => {
    await storeUncheckedBundle(brokenHero() as unknown as Record<string, unknown>);
    const first = createWorker();
    const homeFirst = await visit('/', first);
    const after = createWorker();
    await visit('/deals', after);
    const homeAfter = await visit('/', after);
    expect(homeAfter).toEqual(homeFirst);
    expect(homeFirst.status).toBe(200);
    // The broken variant's slot falls back as it did when the whole bundle was checked at once:
    // the rule for Pro visitors still wins the slot; the other slots stay personal.
    expect(homeFirst.shown).toEqual([
      'banner-vip',
      'hero-greeting',
      'grid-runners',
      'quote-default',
      'cta-default',
    ]);
    expect(homeFirst.reasons).toContain('bundle.partial');
  });

  it('every slot compiled lazily is what checking the whole bundle at once made of it', async () => {
    const body = brokenHero();
    const bundle = { ...body, version: await bundleVersion(body) };
    const eager = salvageBundle(JSON.parse(singleBundleText(bundle)));
    // As the bundle store loads it: stored in parts, each slot's other variants parsed on use.
    const lazy = await loadBundle(new TextEncoder().encode(bundleText(bundle)), bundle.version);
    expect(eager?.dropped).toEqual(['hero/hero-running']);
    const eagerSlots = compile(eager!.bundle).slots;
    const lazySlots = compile(lazy!).slots;
    expect([...lazySlots.keys()]).toEqual([...eagerSlots.keys()]);
    for (const id of lazySlots.keys()) {
      const { dropped, ...slot } = lazySlots.get(id)!;
      const { dropped: none, ...reference } = eagerSlots.get(id)!;
      expect(slot).toEqual(reference);
      expect(none).toEqual([]);
      expect(dropped).toEqual(eager!.dropped.filter((d) => d.startsWith(`${id}/`)));
    }
  });

  it('checks no slot’s variants before a request needs the slot', () => {
    const bundle = { ...brokenHero(), version: '0123456789abcdef' };
    const json = JSON.parse(singleBundleText(bundle)) as BundleBody;
    // What the bundle store keeps for the version: every slot's variants as they were stored.
    const checked = checkBundle(json)!;
    const hero = () => checked.slots.find((s) => s.id === 'hero')!;
    expect(hero().variants.map((v) => v.id)).toContain('hero-running');
    expect(compile(checked).slots.has('hero')).toBe(true);
    expect(compile(checked).slots.get('hero')!.variants.has('hero-running')).toBe(false);
    // Compiling the slot never changes the stored one (a preview shares it).
    expect(hero().variants.map((v) => v.id)).toContain('hero-running');
  });

  it('a slot with no variant this worker can render still rejects the whole version, on every page', async () => {
    const good = await publishTestBundle();
    const worker = createWorker();
    expect((await visit('/deals', worker)).version).toBe(good.version);
    // `quote` is on `/` only, and its one variant is broken: nothing of this version serves.
    const broken = await storeUncheckedBundle(
      storedBody((body) => {
        (slotOf(body, 'quote').variants[0]!.props as Record<string, unknown>).rating = 99;
      }) as unknown as Record<string, unknown>,
    );
    for (const path of ['/deals', '/']) {
      const page = await visit(path, worker);
      expect(page.status).toBe(200);
      expect(page.version).toBe(good.version);
      expect(page.version).not.toBe(broken.version);
      expect(page.reasons).toContain('bundle.invalid');
    }
  });

  it('a slot whose rules this worker cannot compile serves its default, and other slots and pages keep theirs', async () => {
    // A condition no schema this worker knows would accept, under the version its bytes hash to
    // (as a newer writer could store it).
    const stored = await storeUncheckedBundle(
      storedBody((body) => {
        slotOf(body, 'hero').rules.push({
          id: 'from-the-future',
          when: { someday: true } as never,
          variant: 'hero-mobile',
        });
      }) as unknown as Record<string, unknown>,
    );
    const worker = createWorker();
    const home = await visit('/', worker);
    expect(home.status).toBe(200);
    expect(home.version).toBe(stored.version);
    // No hero rule applies (not the Pro visitor's greeting); the ladder's other rungs still do.
    expect(home.shown).not.toContain('hero-greeting');
    expect(home.shown).toContain('banner-vip');
    expect(home.shown).toContain('grid-runners');
    expect(home.reasons).toContain('bundle.partial');
    const deals = await visit('/deals', worker);
    expect(deals.shown).toEqual(['banner-vip', 'cta-default']);
    expect(deals.reasons).not.toContain('bundle.partial');
    expect(compile((await storedOf(stored.version))!).slots.get('hero')!.dropped).toEqual([
      'hero#rules',
    ]);
  });
});

async function storedOf(version: string) {
  const bytes = await env.CONTENT.get(contentKeys.bundle(version), 'arrayBuffer');
  return bytes === null ? undefined : loadBundle(new Uint8Array(bytes), version);
}
