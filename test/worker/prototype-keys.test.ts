/**
 * Keys someone else chose are data, never property lookups (issue 13 #1). An event with
 * `"category": "constructor"` made the profile update read `Object.prototype.constructor`, store
 * NaN (as null), and break the profile for good. Every record indexed by such keys — profiles,
 * events, bundles — is prototype-free, and `__proto__` is refused where a record is parsed.
 */
import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { BanditSnapshot } from '../../shared/schema/bandit.ts';
import { RESERVED_KEY, toDict } from '../../shared/schema/dict.ts';
import { EventBatch, type TrackedEvent } from '../../shared/schema/events.ts';
import { Profile } from '../../shared/schema/profile.ts';
import { lookupFor } from '../../worker/decide/facts.ts';
import { applyEvents, emptyProfile, mergeBehaviour } from '../../shared/profile/update.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** The names an ordinary object answers for without holding them. */
const INHERITED = [
  RESERVED_KEY,
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];
const key = fc.oneof(fc.constantFrom(...INHERITED), fc.string({ minLength: 1, maxLength: 64 }));
const T0 = Date.UTC(2026, 10, 1);

/** A JSON text whose record under `field` has `k` as an own key — what a pipeline would send. */
const profileJson = (field: string, k: string, v: unknown) =>
  `{"id":"v-keys","${field}":{${JSON.stringify(k)}:${JSON.stringify(v)}}}`;

describe('records indexed by untrusted keys', () => {
  it('hold any key as data and refuse only __proto__, by name (profiles)', () => {
    fc.assert(
      fc.property(
        key,
        fc.constantFrom(
          ['traits', 'Ada'],
          ['affinities', 0.5],
          ['nextBestOffers', 0.9],
          ['scores', 7],
        ) as fc.Arbitrary<[string, string | number]>,
        (k, [field, v]) => {
          const parsed = Profile.safeParse(JSON.parse(profileJson(field, k, v)));
          if (k === RESERVED_KEY) {
            expect(parsed.success).toBe(false);
            expect(parsed.error?.issues[0]).toMatchObject({
              path: [field, RESERVED_KEY],
              message: '"__proto__" cannot be used as a key',
            });
            return;
          }
          expect(parsed.success).toBe(true);
          const record = parsed.data![field as 'traits'];
          expect(Object.hasOwn(record, k)).toBe(true);
          expect(record[k]).toBe(v);
          // Nothing else is there, inherited or not.
          for (const other of INHERITED.filter((o) => o !== k))
            expect(record[other]).toBeUndefined();
        },
      ),
      { numRuns: 300, seed: 1 },
    );
  });

  it('gives conditions nothing inherited to read', () => {
    const profile = Profile.parse({ id: 'v-keys', affinities: { shoes: 0.4 } });
    const lookup = lookupFor(profile, { path: '/', device: 'desktop', returning: false }, T0);
    for (const name of INHERITED) {
      expect(lookup('affinities', name)).toBeUndefined();
      expect(lookup('traits', name)).toBeUndefined();
      expect(lookup('context', name)).toBeUndefined();
    }
  });

  it('keeps every profile valid whatever categories events carry (the update is total)', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('page_view' as const), category: key }),
      fc.record({
        type: fc.constant('add_to_cart' as const),
        sku: fc.string({ minLength: 1, maxLength: 64 }),
        qty: fc.integer({ min: 1, max: 99 }),
        category: key,
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(event, fc.integer({ min: 0, max: 30 * 24 * 3600 * 1000 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (steps) => {
          const events = steps.map(([e, dt], i) => ({
            event: { id: `evt-keys-${i.toString().padStart(4, '0')}`, ...e } as TrackedEvent,
            at: T0 + dt,
          }));
          const next = applyEvents(emptyProfile('v-keys', 'visitor'), events);
          // What the consumer stores is this JSON; the page and the next update parse it back.
          const stored = Profile.safeParse(JSON.parse(JSON.stringify(next)));
          expect(stored.success).toBe(true);
          for (const [k, a] of Object.entries(stored.data!.affinities)) {
            expect(k).not.toBe(RESERVED_KEY);
            expect(a).toBeGreaterThanOrEqual(0);
            expect(a).toBeLessThanOrEqual(1);
          }
          // A second round on the stored profile works too (nothing is broken "for good").
          expect(
            Profile.safeParse(JSON.parse(JSON.stringify(applyEvents(stored.data!, events))))
              .success,
          ).toBe(true);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  it('counts "constructor" and "toString" as categories like any other', () => {
    const events = [
      { event: { id: 'evt-keys-c1', type: 'page_view', category: 'constructor' }, at: T0 },
      {
        event: { id: 'evt-keys-c2', type: 'add_to_cart', sku: 's', qty: 1, category: 'toString' },
        at: T0 + 1000,
      },
    ] as { event: TrackedEvent; at: number }[];
    const next = applyEvents(emptyProfile('v-keys', 'visitor'), events);
    expect(next.affinities.constructor).toBeCloseTo(0.1);
    expect(next.affinities.toString).toBeCloseTo(0.25);
  });

  it('merges an anonymous profile with any affinity keys into a valid customer profile', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.double({ min: 0, max: 1, noNaN: true }))), (pairs) => {
        const visitor = { ...emptyProfile('v-keys', 'visitor'), affinities: toDict(pairs) };
        const merged = mergeBehaviour(emptyProfile('c-keys', 'customer'), visitor);
        expect(Profile.safeParse(JSON.parse(JSON.stringify(merged))).success).toBe(true);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it('refuses __proto__ in an event’s props and in the bandit snapshot, naming where', () => {
    const batch = JSON.parse(
      '{"events":[{"id":"evt-keys-p1","type":"custom","name":"x","props":{"__proto__":1}}]}',
    );
    expect(EventBatch.safeParse(batch).error?.issues[0]?.path).toEqual([
      'events',
      0,
      'props',
      '__proto__',
    ]);
    const snapshot = JSON.parse(
      '{"epoch":"1","computedAt":"2026-11-01T00:00:00Z","experiments":{"__proto__":{"arms":[]}}}',
    );
    expect(BanditSnapshot.safeParse(snapshot).success).toBe(false);
  });

  it('refuses __proto__ in a bundle’s records, naming the field', () => {
    const body = JSON.parse(
      JSON.stringify(
        testBundleBody({
          experiments: [
            {
              id: 'home-test',
              scope: { page: 'home' },
              arms: [{ id: 'a' }, { id: 'b', variants: { hero: 'hero-running' } }],
            },
          ],
        }),
      ).replace('"variants":{"hero"', '"variants":{"__proto__":"hero-running","hero"'),
    );
    const parsed = parseBundleBody(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok || parsed.issues[0]?.path).toEqual([
      'experiments',
      0,
      'arms',
      1,
      'variants',
      '__proto__',
    ]);
  });
});

describe('prototype keys through the running worker', () => {
  it('renders a slot named "constructor" under a page experiment with its own variant', async () => {
    const body = testBundleBody({
      experiments: [
        {
          id: 'home-test',
          scope: { page: 'home' },
          arms: [{ id: 'a' }, { id: 'b', variants: { hero: 'hero-running' } }],
        },
      ],
    });
    const banner = body.slots.find((s) => s.id === 'banner')!;
    banner.id = 'constructor';
    body.pages = body.pages.map((p) => ({
      ...p,
      slots: p.slots.map((s) => (s === 'banner' ? 'constructor' : s)),
    }));
    await publishTestBundle(body);
    for (let i = 0; i < 8; i++) {
      const res = await SELF.fetch('https://shop.test/', {
        headers: cookieHeader(await mintVisitorToken({ sub: `v-ctor-${i}` })),
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      // Arm b names a variant for "hero" only: "constructor" keeps its normal decision.
      expect(html).toMatch(
        /data-tessera-slot="constructor" data-tessera-variant="banner-default" data-tessera-level="default"/,
      );
      expect(res.headers.get('x-tessera-reasons') ?? '').not.toMatch(/render|variant/);
    }
  });

  it('accepts events whose category is "constructor" or "toString"', async () => {
    await publishTestBundle();
    const res = await SELF.fetch('https://shop.test/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...cookieHeader(await mintVisitorToken({ sub: 'v-ctor-events' })),
      },
      body: JSON.stringify({
        events: [
          { id: 'evt-ctor-0001', type: 'page_view', category: 'constructor' },
          { id: 'evt-ctor-0002', type: 'add_to_cart', sku: 'x', category: 'toString' },
        ],
      }),
    });
    expect(res.status).toBe(202);
  });
});
