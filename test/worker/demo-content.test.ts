/// <reference types="vite/client" />
/**
 * The shipped demo content, through the real worker: every page for every sample profile
 * renders with no fallback, and the profiles really see different pages.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleInput } from '../../shared/schema/bundle.ts';
import type { ProfileInput } from '../../shared/schema/profile.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

type Json = Record<string, unknown>;
const strip = ({ $schema: _s, ...rest }: Json) => rest;
const byFile = (files: Record<string, Json>) =>
  Object.keys(files)
    .sort()
    .map((f) => strip(files[f]!));

const site = import.meta.glob<Json>('../../content-variants/site.json', {
  eager: true,
  import: 'default',
});
const segments = import.meta.glob<Json>('../../content-variants/segments.json', {
  eager: true,
  import: 'default',
});
const pages = import.meta.glob<Json>('../../content-variants/pages/*.json', {
  eager: true,
  import: 'default',
});
const slots = import.meta.glob<Json>('../../content-variants/slots/*.json', {
  eager: true,
  import: 'default',
});
const experiments = import.meta.glob<Json>('../../content-variants/experiments/*.json', {
  eager: true,
  import: 'default',
});
const profiles = import.meta.glob<ProfileInput>('../../content-variants/profiles/*.json', {
  eager: true,
  import: 'default',
});

const body = {
  ...strip(Object.values(site)[0]!),
  segments: (Object.values(segments)[0]!.segments as unknown[]) ?? [],
  pages: byFile(pages),
  slots: byFile(slots),
  experiments: byFile(experiments),
} as unknown as BundleInput;

describe('the demo store (content-variants/)', () => {
  beforeAll(async () => {
    await publishTestBundle(body);
    for (const p of Object.values(profiles)) {
      const key = p.kind === 'customer' ? profileKeys.customer(p.id) : profileKeys.visitor(p.id);
      await env.PROFILES.put(key, JSON.stringify(p));
    }
  });

  it('ships at least 3 pages, 15 variants, 4 segments and 20 sample profiles', () => {
    expect(body.pages.length).toBeGreaterThanOrEqual(3);
    expect(body.slots.reduce((n, s) => n + s.variants.length, 0)).toBeGreaterThanOrEqual(15);
    expect((body.segments ?? []).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(profiles).length).toBeGreaterThanOrEqual(20);
    expect(new Set(body.slots.map((s) => s.component)).size).toBe(5);
  });

  it('ships an A/B test, a bandit and a holdout', () => {
    expect(body.experiments?.map((e) => e.type ?? 'ab').sort()).toEqual(['ab', 'bandit']);
    expect(body.holdout?.share).toBeGreaterThan(0);
  });

  it('renders every page for every sample profile without a fallback, and pages differ across profiles', async () => {
    const homes = new Set<string>();
    for (const p of Object.values(profiles)) {
      const token = await mintVisitorToken(
        p.kind === 'customer' ? { sub: `v-of-${p.id}`, cid: p.id } : { sub: p.id },
      );
      // Origin pages come from the demo origin (demo-origin/), which only `npm run dev` and the
      // browser tests serve: test/browser/demo-store.test.ts covers them in a real browser.
      for (const page of body.pages.filter((pg) => !pg.origin)) {
        const res = await SELF.fetch(`https://shop.test${page.path}`, {
          headers: cookieHeader(token),
        });
        const html = await res.text();
        expect(res.status, `${p.id} ${page.path}`).toBe(200);
        expect(res.headers.get('x-tessera-reasons'), `${p.id} ${page.path}`).toBeNull();
        expect(html).not.toContain('data-tessera-variant=""');
        if (page.path === '/')
          homes.add(
            [...html.matchAll(/data-tessera-variant="([^"]+)"/g)].map((m) => m[1]).join(','),
          );
      }
    }
    expect(homes.size).toBeGreaterThanOrEqual(10);
  });
});
