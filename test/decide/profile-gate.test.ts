/**
 * The profile gate the worker runs — the validator generated from the `Profile` schema
 * (shared/schema/validators.gen.ts, no zod in the worker) — against zod itself, inside workerd:
 * it answers exactly as `Profile.safeParse` on every input, with the very same output
 * (prototypes included), so a profile that fails the schema never drives a decision (issue 18:
 * faster, never weaker).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Profile } from '../../shared/schema/profile.ts';
import { Profile as profileGate } from '../../shared/schema/validators.gen.ts';

/** Same verdict and output as zod. */
let accepted = 0;
function agrees(input: unknown): void {
  const zod = Profile.safeParse(input);
  if (zod.success) accepted++;
  const g = profileGate(input);
  expect(g.success).toBe(zod.success);
  if (g.success) expect(g.data).toStrictEqual(zod.data);
}

/** Mostly a value of the right kind; now and then one at a boundary or of the wrong kind. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
const str = (max: number, min = 0) =>
  mostly(
    fc.string({ minLength: min, maxLength: Math.min(max, 20) }),
    fc.constantFrom(
      '',
      'x'.repeat(max),
      'x'.repeat(max + 1),
      'é'.repeat(max),
      0,
      null,
      true,
      [],
      {},
    ),
  );
const unit = mostly(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, -0, -0.001, 1.001, 2, '0.5', null),
);
const count = mostly(
  fc.nat(1000),
  fc.constantFrom(-1, 0.5, 2 ** 53, 2 ** 53 - 1, 1e308, '3', null),
);
const time = mostly(
  fc.constantFrom('2026-11-30T10:00:00Z', '2026-11-30T10:00:00.123+02:00'),
  fc.constantFrom('2026-11-30T10:00:00', '2026-11-30', '2026-13-30T10:00:00Z', 'yesterday', 17),
);
const key = mostly(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', '', 'k'.repeat(65)),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const listOf = <T>(a: fc.Arbitrary<T>, max: number) =>
  mostly(
    fc.array(a, { maxLength: 4 }),
    fc.oneof(
      fc.constant('not a list'),
      a.map((x) => Array(max + 1).fill(x)),
      a.map((x) => Array(max).fill(x)),
    ),
  );

const nearProfile = fc
  .record(
    {
      id: str(128, 1),
      kind: mostly(fc.constantFrom('visitor', 'customer'), fc.constantFrom('robot', 1)),
      updatedAt: time,
      traits: mostly(
        fc.dictionary(key, fc.oneof(str(500), fc.double(), fc.boolean()), { maxKeys: 4 }),
        fc.constantFrom([], null, { a: null }),
      ),
      segments: listOf(str(64, 1), 200),
      scores: mostly(
        fc.record(
          {
            ltvTier: fc.constantFrom('low', 'medium', 'high', 'vip', 'gold'),
            churnRisk: unit,
            engagement: unit,
            propensity: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), str(64)),
          },
          { requiredKeys: [] },
        ),
        fc.constant(null),
      ),
      affinities: fc.dictionary(key, unit, { maxKeys: 4 }),
      nextBestOffers: fc.dictionary(key, unit, { maxKeys: 4 }),
      behavior: fc.record(
        {
          visits: count,
          pageViews: count,
          purchases: count,
          lastSeen: time,
          recentViews: listOf(
            fc.record({ sku: str(64, 1), category: str(64, 1), at: time }, { requiredKeys: [] }),
            50,
          ),
          cart: listOf(fc.record({ sku: str(64, 1), qty: count }, { requiredKeys: [] }), 100),
          extra: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      ),
      unknownField: maybe(fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: ['id'] },
  )
  // As KV hands it over: JSON text, parsed.
  .map((p) => JSON.parse(JSON.stringify(p)) as unknown);

describe('the profile gate', () => {
  it(
    'answers exactly as the schema on profiles near the schema’s edges',
    { timeout: 60_000 },
    () => {
      accepted = 0;
      fc.assert(fc.property(nearProfile, agrees), { numRuns: 1500 });
      expect(accepted).toBeGreaterThan(100); // the generator reaches valid profiles, not only faults
    },
  );

  it('answers exactly as the schema on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), agrees), { numRuns: 1000 });
  });

  it('answers exactly as the schema when a record or the scores hold "__proto__" as data', () => {
    for (const text of [
      '{"id":"p","traits":{"__proto__":{"plan":"pro"}}}',
      '{"id":"p","affinities":{"__proto__":0.5}}',
      '{"id":"p","scores":{"__proto__":1}}',
      '{"id":"p","__proto__":{"segments":["vip"]}}',
      '{"id":"p","behavior":{"__proto__":{"visits":3}}}',
    ])
      agrees(JSON.parse(text));
    expect(profileGate(JSON.parse('{"id":"p","traits":{"__proto__":1}}')).success).toBe(false);
  });

  it('gives a typical profile the schema’s output, with prototype-free records', () => {
    const input = JSON.parse(
      JSON.stringify({
        id: 'v-1',
        kind: 'customer',
        updatedAt: '2026-11-30T10:00:00Z',
        traits: { plan: 'pro', firstName: 'Ada', age: 41, vip: true },
        segments: ['vip', 'hikers'],
        scores: { ltvTier: 'high', churnRisk: 0.2, propensity: 0.7, tier: 'gold' },
        affinities: { hiking: 0.9, constructor: 0.1 },
        nextBestOffers: { 'hero-1': 0.4 },
        behavior: {
          visits: 3,
          recentViews: [{ sku: 's', category: 'hiking', at: '2026-11-30T09:00:00Z' }],
          cart: [{ sku: 's', qty: 2 }],
        },
      }),
    );
    const out = profileGate(input);
    if (!out.success) throw new Error('a typical profile passes');
    expect(out.data).toStrictEqual(Profile.parse(input));
    expect(Object.getPrototypeOf(out.data.affinities)).toBeNull();
    expect(out.data.affinities.constructor).toBe(0.1);
  });
});
