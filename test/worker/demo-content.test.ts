/// <reference types="vite/client" />
/**
 * The shipped demo content (content-variants/) is checked for invariants only — valid, every
 * component kind used, every page renders for a first-time visitor and every sample profile — so
 * a marketer can change any text, variant, rule or page without breaking `npm test`. Behaviour
 * is specified by the other tests, on fixtures of their own.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import type { BundleInput } from '../../shared/schema/bundle.ts';
import { COMPONENTS } from '../../shared/schema/components.ts';
import { Profile, type ProfileInput } from '../../shared/schema/profile.ts';
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

/**
 * Reason codes that mean something in the demo is broken — not a first visit, consent, or a KV
 * read that outran its deadline on a busy machine (which says nothing about the content).
 */
const FAILURE = /(^|,)(slot|bundle|pointer|profile)\.(?!timeout)/;

describe('the demo store (content-variants/)', () => {
  beforeAll(async () => {
    await publishTestBundle(body);
    for (const p of Object.values(profiles)) {
      const key = p.kind === 'customer' ? profileKeys.customer(p.id) : profileKeys.visitor(p.id);
      await env.PROFILES.put(key, JSON.stringify(p));
    }
  });

  it('is a valid bundle, and every sample profile passes the profile schema', () => {
    const parsed = parseBundleBody(body);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    const invalid = Object.entries(profiles)
      .filter(([, p]) => !Profile.safeParse(p).success)
      .map(([file]) => file);
    expect(invalid).toEqual([]);
  });

  it('uses every component kind', () => {
    expect(new Set(body.slots.map((s) => s.component))).toEqual(new Set(Object.keys(COMPONENTS)));
  });

  it('renders every page for a first-time visitor and every sample profile, with no slot falling back', async () => {
    const visitors: { who: string; headers: Record<string, string> }[] = [
      { who: 'a first-time visitor', headers: {} },
    ];
    for (const p of Object.values(profiles)) {
      const token = await mintVisitorToken(
        p.kind === 'customer' ? { sub: `v-of-${p.id}`, cid: p.id } : { sub: p.id },
      );
      visitors.push({ who: p.id, headers: cookieHeader(token) });
    }
    const broken: string[] = [];
    for (const { who, headers } of visitors)
      // Origin pages come from the demo origin (demo-origin/), which only `npm run dev` and the
      // browser tests serve: test/browser/demo-store.test.ts covers them in a real browser.
      for (const page of body.pages.filter((pg) => !pg.origin)) {
        const res = await SELF.fetch(`https://shop.test${page.path}`, { headers });
        const html = await res.text();
        const reasons = res.headers.get('x-tessera-reasons') ?? '';
        if (res.status !== 200 || FAILURE.test(reasons) || html.includes('data-tessera-variant=""'))
          broken.push(`${page.path} for ${who}: ${res.status} ${reasons}`);
      }
    expect(visitors.length).toBeGreaterThan(1);
    expect(broken).toEqual([]);
  }, 60_000); // ~110 full page renders: seconds on a busy two-core machine
});
