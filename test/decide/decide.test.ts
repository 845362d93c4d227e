import { describe, expect, it } from 'vitest';
import type { Condition } from '../../shared/schema/condition.ts';
import { buildTestBundle } from '../support/bundle.ts';
import type { Profile, ProfileFault, RequestContext } from '../../worker/decide/types.ts';
import { ctx, decideRule, heroSlot, pageBundle, profile, run } from './helpers.ts';

describe('decide: every operator', () => {
  const traits = profile({
    traits: { plan: 'pro', city: 'Berlin', age: 34, optIn: true },
    scores: { churnRisk: 0.2, ltvTier: 'high' },
    affinities: { running: 0.8 },
    behavior: {
      visits: 5,
      recentViews: [{ sku: 's1', category: 'shoes', at: '2026-11-01T00:00:00Z' }],
    },
  });
  const cases: [string, Condition, boolean][] = [
    ['eq matches an equal string', { field: 'traits.plan', op: 'eq', value: 'pro' }, true],
    ['eq does not match another string', { field: 'traits.plan', op: 'eq', value: 'free' }, false],
    ['eq never matches across types', { field: 'traits.age', op: 'eq', value: '34' }, false],
    ['eq matches a boolean', { field: 'traits.optIn', op: 'eq', value: true }, true],
    ['in matches a listed value', { field: 'traits.plan', op: 'in', value: ['free', 'pro'] }, true],
    [
      'in does not match an unlisted value',
      { field: 'traits.plan', op: 'in', value: ['free'] },
      false,
    ],
    ['in is false for a missing field', { field: 'traits.nope', op: 'in', value: ['x'] }, false],
    ['gt is strict', { field: 'traits.age', op: 'gt', value: 34 }, false],
    ['gt matches above', { field: 'traits.age', op: 'gt', value: 33 }, true],
    ['gte includes the bound', { field: 'traits.age', op: 'gte', value: 34 }, true],
    ['lt is strict', { field: 'scores.churnRisk', op: 'lt', value: 0.2 }, false],
    ['lt matches below', { field: 'scores.churnRisk', op: 'lt', value: 0.3 }, true],
    ['lte includes the bound', { field: 'scores.churnRisk', op: 'lte', value: 0.2 }, true],
    ['gt on a string is false', { field: 'traits.plan', op: 'gt', value: 0 }, false],
    [
      'between includes both bounds (low)',
      { field: 'traits.age', op: 'between', value: [34, 40] },
      true,
    ],
    [
      'between includes both bounds (high)',
      { field: 'traits.age', op: 'between', value: [30, 34] },
      true,
    ],
    ['between excludes outside', { field: 'traits.age', op: 'between', value: [35, 40] }, false],
    ['contains finds a substring', { field: 'traits.city', op: 'contains', value: 'erl' }, true],
    [
      'contains finds an array element',
      { field: 'behavior.recentCategories', op: 'contains', value: 'shoes' },
      true,
    ],
    [
      'contains is false for an absent element',
      { field: 'behavior.recentCategories', op: 'contains', value: 'tents' },
      false,
    ],
    ['startsWith matches a prefix', { field: 'traits.city', op: 'startsWith', value: 'Ber' }, true],
    [
      'startsWith is case-sensitive',
      { field: 'traits.city', op: 'startsWith', value: 'ber' },
      false,
    ],
    ['exists is true for a present field', { field: 'affinities.running', op: 'exists' }, true],
    ['exists is false for an absent field', { field: 'affinities.golf', op: 'exists' }, false],
    ['exists is false for an empty list', { field: 'behavior.cartSkus', op: 'exists' }, false],
    [
      'all needs every part',
      {
        all: [
          { field: 'traits.plan', op: 'eq', value: 'pro' },
          { field: 'traits.age', op: 'lt', value: 30 },
        ],
      },
      false,
    ],
    [
      'any needs one part',
      {
        any: [
          { field: 'traits.plan', op: 'eq', value: 'free' },
          { field: 'traits.age', op: 'gt', value: 30 },
        ],
      },
      true,
    ],
    ['not inverts', { not: { field: 'traits.plan', op: 'eq', value: 'pro' } }, false],
    ['segment reads a bundle-defined segment', { segment: 'big-spender' }, true],
    ['segment is false when not a member', { segment: 'vip' }, false],
    [
      'a field named like an Object builtin is absent',
      { field: 'traits.constructor', op: 'exists' },
      false,
    ],
  ];
  for (const [name, when, matches] of cases) {
    it(`${name}`, async () => {
      const d = await decideRule(when, { profile: traits });
      expect(d.variant).toBe(matches ? 'hit' : 'miss');
    });
  }
});

describe('decide: the fallback ladder', () => {
  const bundleInput = pageBundle([
    heroSlot(
      'hero',
      [
        { id: 'pro', when: { field: 'traits.plan', op: 'eq', value: 'pro' }, variant: 'a' },
        { id: 'vip-rule', when: { segment: 'vip' }, variant: 'b' },
        {
          id: 'mobile',
          when: { field: 'context.device', op: 'eq', value: 'mobile' },
          variant: 'c',
        },
      ],
      {
        variants: [
          { id: 'miss', props: { headline: 'Default' } },
          { id: 'a', props: { headline: 'A' } },
          { id: 'b', props: { headline: 'B' } },
          { id: 'c', props: { headline: 'C' } },
          { id: 'run', tags: ['running'], props: { headline: 'Run' } },
          { id: 'nbo-pick', props: { headline: 'NBO' } },
        ],
      },
    ),
  ]);

  const cases: [
    string,
    Profile | undefined,
    RequestContext,
    ProfileFault | undefined,
    Record<string, unknown>,
  ][] = [
    [
      'individual from a next-best-offer score',
      profile({ nextBestOffers: { 'nbo-pick': 0.9, a: 0.6 } }),
      ctx(),
      undefined,
      { variant: 'nbo-pick', level: 'individual', reason: 'nbo:nbo-pick' },
    ],
    [
      'individual from the top affinity',
      profile({ affinities: { running: 0.7, golf: 0.9 } }),
      ctx(),
      undefined,
      { variant: 'run', level: 'individual', reason: 'affinity:running' },
    ],
    [
      'segment from a profile rule',
      profile({ traits: { plan: 'pro' } }),
      ctx(),
      undefined,
      { variant: 'a', level: 'segment', reason: 'rule:pro', rule: 'pro' },
    ],
    [
      'segment from a pipeline segment, naming it',
      profile({ segments: ['vip'] }),
      ctx(),
      undefined,
      { variant: 'b', level: 'segment', rule: 'vip-rule', segments: ['vip'] },
    ],
    [
      'cohort from a context rule',
      profile(),
      ctx({ device: 'mobile' }),
      undefined,
      { variant: 'c', level: 'cohort', reason: 'rule:mobile' },
    ],
    [
      'default when nothing matches',
      profile(),
      ctx(),
      undefined,
      { variant: 'miss', level: 'default', reason: 'default:no_match' },
    ],
    [
      'cohort without a profile, with the cause',
      undefined,
      ctx({ device: 'mobile' }),
      'profile.none',
      { level: 'cohort', fallback: ['profile.none'] },
    ],
    [
      'default when the profile was late',
      undefined,
      ctx(),
      'profile.timeout',
      { level: 'default', reason: 'default:no_profile', fallback: ['profile.timeout'] },
    ],
    [
      'default when the profile was invalid',
      undefined,
      ctx(),
      'profile.schema',
      { level: 'default', fallback: ['profile.schema'] },
    ],
    [
      'weak scores do not personalize',
      profile({ nextBestOffers: { a: 0.4 }, affinities: { running: 0.2 } }),
      ctx(),
      undefined,
      { level: 'default' },
    ],
    [
      'an NBO naming another slot’s variant is ignored',
      profile({ nextBestOffers: { elsewhere: 1 } }),
      ctx(),
      undefined,
      { level: 'default' },
    ],
  ];
  for (const [name, p, context, fault, expected] of cases) {
    it(`answers at ${name}`, async () => {
      const bundle = await buildTestBundle(bundleInput);
      const [d] = run(bundle, { profile: p, context, ...(fault ? { profileFault: fault } : {}) });
      expect(d).toMatchObject(expected);
      if (!('fallback' in expected)) expect(d?.fallback).toBeUndefined();
    });
  }

  it('ranks profile rules above context rules whatever their file order', async () => {
    const bundle = await buildTestBundle(
      pageBundle([
        heroSlot('hero', [
          {
            id: 'ctx-first',
            when: { field: 'context.device', op: 'eq', value: 'mobile' },
            variant: 'a',
          },
          {
            id: 'profile-second',
            when: { field: 'traits.plan', op: 'eq', value: 'pro' },
            variant: 'b',
          },
        ]),
      ]),
    );
    const [d] = run(bundle, {
      profile: profile({ traits: { plan: 'pro' } }),
      context: ctx({ device: 'mobile' }),
    });
    expect(d).toMatchObject({ variant: 'b', rule: 'profile-second', level: 'segment' });
  });

  it('takes the first matching rule in file order within a rung', async () => {
    const bundle = await buildTestBundle(
      pageBundle([
        heroSlot('hero', [
          {
            id: 'first',
            when: { field: 'context.device', op: 'eq', value: 'mobile' },
            variant: 'a',
          },
          {
            id: 'second',
            when: { field: 'context.device', op: 'in', value: ['mobile'] },
            variant: 'b',
          },
        ]),
      ]),
    );
    expect(run(bundle, { context: ctx({ device: 'mobile' }) })[0]?.rule).toBe('first');
  });

  it('lets a bundle segment combine a pipeline segment with context', async () => {
    const bundle = await buildTestBundle(
      pageBundle([
        heroSlot('hero', [{ id: 'vm', when: { segment: 'vip-mobile' }, variant: 'hit' }]),
      ]),
    );
    const vip = profile({ segments: ['vip'] });
    expect(run(bundle, { profile: vip, context: ctx({ device: 'mobile' }) })[0]).toMatchObject({
      variant: 'hit',
      segments: ['vip-mobile'],
    });
    expect(run(bundle, { profile: vip, context: ctx({ device: 'desktop' }) })[0]?.variant).toBe(
      'miss',
    );
  });

  it('returns one decision per page slot, in page order', async () => {
    const bundle = await buildTestBundle(
      pageBundle([heroSlot('one'), heroSlot('two'), heroSlot('three')]),
    );
    expect(run(bundle).map((d) => d.slot)).toEqual(['one', 'two', 'three']);
  });

  it('returns nothing for an unknown page', async () => {
    const bundle = await buildTestBundle(pageBundle([heroSlot('one')]));
    expect(run(bundle, { pageId: 'nope' })).toEqual([]);
  });
});

describe('decide: unique offers on a page', () => {
  const offerVariants = [
    { id: 'miss', props: { headline: 'Default' } },
    { id: 'a', offer: 'spring-sale', props: { headline: 'Spring sale' } },
    { id: 'b', offer: 'free-shipping', props: { headline: 'Free shipping' } },
  ];
  const rules = [
    { id: 'sale', when: { field: 'context.device', op: 'eq', value: 'mobile' }, variant: 'a' },
    { id: 'ship', when: { field: 'context.returning', op: 'eq', value: true }, variant: 'b' },
  ] as const;
  const slots = [
    heroSlot('top', [...rules], { variants: offerVariants }),
    heroSlot('bottom', [...rules], { variants: offerVariants }),
  ];
  const context = ctx({ device: 'mobile', returning: true });

  it('moves a later slot to its next candidate when its best offer is already on the page', async () => {
    const bundle = await buildTestBundle(pageBundle(slots, {}, true));
    const [top, bottom] = run(bundle, { profile: profile(), context });
    expect(top).toMatchObject({ variant: 'a', offer: 'spring-sale', rule: 'sale' });
    expect(bottom).toMatchObject({
      variant: 'b',
      offer: 'free-shipping',
      rule: 'ship',
      fallback: ['offer_taken:a'],
    });
  });

  it('falls to the default when every matching candidate is taken', async () => {
    const bundle = await buildTestBundle(
      pageBundle([...slots, heroSlot('third', [...rules], { variants: offerVariants })], {}, true),
    );
    const third = run(bundle, { profile: profile(), context })[2];
    expect(third).toMatchObject({
      variant: 'miss',
      level: 'default',
      fallback: ['offer_taken:a', 'offer_taken:b'],
    });
  });

  it('uses another variant of the slot when even the default offer is taken', async () => {
    const withOfferDefault = heroSlot('second', [], {
      default: 'a',
      variants: [...offerVariants.slice(1), { id: 'plain', props: { headline: 'Plain' } }],
    });
    const bundle = await buildTestBundle(pageBundle([slots[0]!, withOfferDefault], {}, true));
    const second = run(bundle, { profile: profile(), context })[1];
    expect(second).toMatchObject({
      variant: 'b',
      level: 'default',
      reason: 'default:alternate',
      fallback: ['offer_taken:a'],
    });
  });

  it('allows the same offer twice on pages that do not ask for uniqueness', async () => {
    const bundle = await buildTestBundle(pageBundle(slots));
    expect(run(bundle, { profile: profile(), context }).map((d) => d.variant)).toEqual(['a', 'a']);
  });
});

describe('decide: trace', () => {
  it('lists every candidate with its status when asked for a trace, and none otherwise', async () => {
    const bundle = await buildTestBundle(
      pageBundle([
        heroSlot('hero', [
          { id: 'pro', when: { field: 'traits.plan', op: 'eq', value: 'pro' }, variant: 'a' },
          { id: 'never', when: { field: 'traits.plan', op: 'eq', value: 'free' }, variant: 'b' },
          {
            id: 'mobile',
            when: { field: 'context.device', op: 'eq', value: 'mobile' },
            variant: 'c',
          },
        ]),
      ]),
    );
    const input = {
      profile: profile({ traits: { plan: 'pro' } }),
      context: ctx({ device: 'mobile' }),
    };
    const [traced] = run(bundle, { ...input, trace: true });
    expect(traced?.candidates).toEqual([
      { variant: 'a', level: 'segment', reason: 'rule:pro', rule: 'pro', status: 'chosen' },
      { variant: 'c', level: 'cohort', reason: 'rule:mobile', rule: 'mobile', status: 'outranked' },
      { variant: 'miss', level: 'default', reason: 'default', status: 'outranked' },
    ]);
    const [plain] = run(bundle, input);
    expect(plain?.candidates).toBeUndefined();
    expect({ ...traced, candidates: undefined }).toEqual({ ...plain, candidates: undefined });
  });
});
