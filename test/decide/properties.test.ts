/**
 * Property-based tests: for any schema-valid bundle (integrity not required — the edge only
 * schema-checks what it reads), any profile and any context, decide returns exactly one valid
 * variant per page slot, never throws, keeps offers unique when asked, and traces faithfully.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bundle } from '../../shared/schema/bundle.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { Profile } from '../../shared/schema/profile.ts';
import { SIGNAL_NAMES } from '../../shared/schema/context-signals.ts';
import { compile } from '../../worker/decide/compile.ts';
import { decide } from '../../worker/decide/decide.ts';
import {
  LEVELS,
  type DecideInput,
  type ProfileFault,
  type RequestContext,
} from '../../worker/decide/types.ts';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const SLOT_IDS = ids('s', 4);
const VARIANT_IDS = ids('v', 6);
const SEGMENT_IDS = ids('seg', 4);
const OFFERS = ids('o', 3);
const TAGS = ['running', 'hiking', 'golf'];
const FIELDS = [
  'traits.plan',
  'traits.age',
  'scores.churnRisk',
  'scores.ltvTier',
  'affinities.running',
  'behavior.visits',
  'behavior.recentCategories',
  'behavior.daysSinceLastSeen',
  'traits.constructor',
  ...SIGNAL_NAMES.map((s) => `context.${s}`),
  'context.unknownSignal',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 50 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constantFrom('pro', 'mobile', 'DE', 'running'),
);
const field = fc.constantFrom(...FIELDS);

const comparison: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field, op: fc.constant('eq' as const), value: scalar }),
  fc.record({
    field,
    op: fc.constant('in' as const),
    value: fc.array(scalar, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    field,
    op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: fc.integer({ min: -5, max: 50 }),
  }),
  fc.tuple(fc.integer({ min: -5, max: 20 }), fc.integer({ min: 0, max: 30 })).map(([a, d]) => ({
    field: 'traits.age',
    op: 'between' as const,
    value: [a, a + d] as [number, number],
  })),
  fc.record({ field, op: fc.constant('contains' as const), value: scalar }),
  fc.record({ field, op: fc.constant('startsWith' as const), value: fc.string({ maxLength: 4 }) }),
  fc.record({ field, op: fc.constant('exists' as const) }),
);

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.record({ segment: fc.constantFrom(...SEGMENT_IDS, 'undeclared') }),
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}));

const variant = fc.record(
  {
    id: fc.constantFrom(...VARIANT_IDS),
    tags: fc.subarray(TAGS),
    offer: fc.constantFrom(...OFFERS),
    props: fc.constant({ headline: 'Hello' }),
  },
  { requiredKeys: ['id', 'props', 'tags'] },
);

const slot = fc.record({
  id: fc.constantFrom(...SLOT_IDS),
  component: fc.constant('hero' as const),
  // Sometimes a default that is not among the variants (integrity would reject it).
  default: fc.constantFrom(...VARIANT_IDS),
  variants: fc.array(variant, { minLength: 1, maxLength: 5 }),
  rules: fc.array(
    fc.record({
      id: fc.constantFrom(...ids('r', 5)),
      when: condition,
      variant: fc.constantFrom(...VARIANT_IDS),
    }),
    { maxLength: 6 },
  ),
});

const segment = fc.oneof(
  fc.record({
    id: fc.constantFrom(...SEGMENT_IDS),
    name: fc.constant('S'),
    source: fc.constant('profile' as const),
  }),
  // May refer to itself or each other: cycles included.
  fc.record({ id: fc.constantFrom(...SEGMENT_IDS), name: fc.constant('S'), when: condition }),
);

const bundle: fc.Arbitrary<Bundle> = fc
  .record({
    segments: fc.array(segment, { maxLength: 4 }),
    slots: fc.array(slot, { minLength: 1, maxLength: 4 }),
    pageSlots: fc.array(fc.constantFrom(...SLOT_IDS, 'missing'), { minLength: 1, maxLength: 6 }),
    uniqueOffers: fc.boolean(),
  })
  .map(({ segments, slots, pageSlots, uniqueOffers }) =>
    Bundle.parse({
      schemaVersion: 1,
      version: '0123456789abcdef',
      site: { name: 'P' },
      segments,
      pages: [{ id: 'home', path: '/', title: 'Home', slots: pageSlots, uniqueOffers }],
      slots,
    }),
  );

const score = fc.double({ min: 0, max: 1, noNaN: true });
const profile: fc.Arbitrary<Profile | undefined> = fc.option(
  fc
    .record({
      traits: fc.dictionary(
        // "__proto__" is refused by the profile schema (a profile.schema fault, generated below).
        fc.constantFrom('plan', 'age', 'firstName', 'constructor', 'hasOwnProperty'),
        scalar,
      ),
      segments: fc.subarray([...SEGMENT_IDS, 'other']),
      scores: fc.record(
        { churnRisk: score, ltvTier: fc.constantFrom('low', 'high', 'vip') },
        { requiredKeys: [] },
      ),
      affinities: fc.dictionary(fc.constantFrom(...TAGS, 'toString'), score),
      nextBestOffers: fc.dictionary(fc.constantFrom(...VARIANT_IDS, 'elsewhere'), score),
      behavior: fc.record(
        {
          visits: fc.nat(100),
          lastSeen: fc.constantFrom('2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
        },
        { requiredKeys: [] },
      ),
    })
    .map((p) => Profile.parse({ id: 'p', ...p })),
  { nil: undefined },
);

const context: fc.Arbitrary<RequestContext> = fc
  .record({
    device: fc.constantFrom(
      'mobile' as const,
      'tablet' as const,
      'desktop' as const,
      'bot' as const,
    ),
    returning: fc.boolean(),
    extra: fc.dictionary(
      fc.constantFrom(...SIGNAL_NAMES, 'hasOwnProperty'),
      fc.oneof(scalar, fc.constant(undefined)),
    ),
  })
  .map(({ device, returning, extra }) => ({ ...extra, path: '/', device, returning }));

const fault = fc.constantFrom<ProfileFault | undefined>(
  undefined,
  'profile.none',
  'profile.timeout',
  'profile.schema',
);

const input = fc
  .record({ bundle, profile, context, fault, now: fc.integer({ min: 0, max: 4_102_444_800_000 }) })
  .map(({ bundle, profile, context, fault, now }): DecideInput => ({
    bundle,
    pageId: 'home',
    context,
    now,
    ...(profile ? { profile } : {}),
    ...(fault ? { profileFault: fault } : {}),
  }));

const RUNS = { numRuns: 300 };

describe('decide (properties)', () => {
  it('returns exactly one valid variant per known page slot and never throws', () => {
    fc.assert(
      fc.property(input, (i) => {
        const c = compile(i.bundle);
        const page = i.bundle.pages[0]!;
        const expected = page.slots.filter((id) => c.slots.has(id));
        const decisions = decide(i);
        expect(decisions.map((d) => d.slot)).toEqual(expected);
        for (const d of decisions) {
          expect(c.slots.get(d.slot)!.variants.has(d.variant)).toBe(true);
          expect(LEVELS).toContain(d.level);
          expect(d.reason).not.toBe('');
          if (!i.profile) {
            expect(d.level).not.toBe('individual');
            expect(d.fallback?.[0]).toBe(i.profileFault ?? 'profile.none');
          }
        }
      }),
      RUNS,
    );
  });

  it('never shows one offer twice on a page that keeps offers unique, unless it says it had to', () => {
    fc.assert(
      fc.property(input, (i) => {
        if (!i.bundle.pages[0]!.uniqueOffers) return;
        const shown = new Set<string>();
        for (const d of decide(i)) {
          if (!d.offer) continue;
          if (shown.has(d.offer)) expect(d.fallback).toContain('offer_unavoidable');
          shown.add(d.offer);
        }
      }),
      RUNS,
    );
  });

  it('decides the same with and without a trace, and the trace marks exactly that variant chosen', () => {
    fc.assert(
      fc.property(input, (i) => {
        const plain = decide(i);
        const traced = decide({ ...i, trace: true });
        expect(traced.map(({ candidates: _c, ...d }) => d)).toEqual(plain);
        for (const d of traced) {
          const chosen = d.candidates!.filter((c) => c.status === 'chosen');
          expect(chosen).toHaveLength(1);
          expect(chosen[0]!.variant).toBe(d.variant);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(decide(i)).toEqual(decide(i));
      }),
      { numRuns: 100 },
    );
  });
});
