/**
 * The benchmark's workload, generated deterministically (seeded, no wall clock):
 * - a bundle with 4 pages of 5 slots, 10 variants per slot (50), 30 rules, 8 segments, a 5 %
 *   holdout and 3 experiments (a page A/B/n test, a bandit, a slot A/B test) on `/exp`, plus the
 *   bandit snapshot the cron would publish for it;
 * - sized variants of it for the scaling curves (rules per page, slots per page);
 * - 10,000 profiles (visitors and customers) shaped like the CDP writes them.
 */
import { parseBundleBody } from '../shared/bundle/parse.ts';
import { bundleVersion } from '../shared/bundle/version.ts';
import type { BanditSnapshot } from '../shared/schema/bandit.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import type { Condition } from '../shared/schema/condition.ts';
import type { ProfileInput } from '../shared/schema/profile.ts';
import { mulberry32 } from '../shared/experiments/random.ts';

/** Seeded, so every run generates the same workload (the experiments' mulberry32). */
export const rng = mulberry32;

export const CATEGORIES = [
  'hiking',
  'running',
  'camping',
  'climbing',
  'cycling',
  'skiing',
  'kids',
  'travel',
];
const KINDS = ['announcement-bar', 'hero', 'product-grid', 'testimonial', 'cta-banner'] as const;
type Kind = (typeof KINDS)[number];
const PIPELINE_SEGMENTS = ['vip', 'trail-club', 'newsletter', 'lapsed'];

const SEGMENTS = [
  ...PIPELINE_SEGMENTS.map((id) => ({ id, name: id, source: 'profile' as const })),
  { id: 'runners', name: 'Runners', when: { field: 'affinities.running', op: 'gte', value: 0.5 } },
  {
    id: 'high-value',
    name: 'High value',
    when: { field: 'scores.ltvTier', op: 'in', value: ['high', 'vip'] },
  },
  {
    id: 'mobile-returning',
    name: 'Returning on mobile',
    when: {
      all: [
        { field: 'context.device', op: 'eq', value: 'mobile' },
        { field: 'context.returning', op: 'eq', value: true },
      ],
    },
  },
  {
    id: 'cart-holders',
    name: 'Something in the cart',
    when: { field: 'behavior.cartItems', op: 'gt', value: 0 },
  },
] as const;

function props(kind: Kind, slotId: string, v: number): Record<string, unknown> {
  const cat = CATEGORIES[v % CATEGORIES.length]!;
  switch (kind) {
    case 'announcement-bar':
      return {
        text: `Free shipping on ${cat} gear over €75 — offer ${v}`,
        link: { label: 'Details', href: `/sale#${cat}` },
        nav: CATEGORIES.slice(0, 4).map((c) => ({ label: c, href: `/c/${c}` })),
      };
    case 'hero':
      return {
        eyebrow: `${cat} season`,
        headline:
          v % 3 === 0
            ? 'Welcome back, {{traits.firstName|friend}}'
            : `Everything for ${cat}, tested on the trail`,
        subhead: `Hand-picked ${cat} gear from people who use it every weekend. Free returns for 60 days on every order.`,
        cta: { label: `Shop ${cat}`, href: `/c/${cat}` },
        tone: 'primary',
      };
    case 'product-grid':
      return {
        title: `${cat} picks for you`,
        products: Array.from({ length: 8 }, (_, p) => ({
          sku: `${slotId}-${v}-${p}`,
          name: `Northwind ${cat} item ${p + 1}`,
          price: 19.95 + p * 10 + v,
          currency: p % 4 === 3 ? 'USD' : 'EUR',
          href: `/p/${slotId}-${v}-${p}`,
          ...(p === 0 ? { badge: 'New' } : {}),
          category: cat,
        })),
      };
    case 'testimonial':
      return {
        quote: `The ${cat} kit held up for three seasons and still looks new. Would buy again.`,
        author: `Customer ${v}`,
        role: `${cat} enthusiast`,
        rating: 5,
      };
    case 'cta-banner':
      return {
        headline: `Join the ${cat} club`,
        body: 'Members get early access, repairs and 10% off.',
        button: { label: 'Sign up', href: '/join' },
        tone: 'accent',
      };
  }
}

/**
 * Rule templates: a mix of segment, profile, nested and context-only (cohort) conditions. `k`
 * makes each rule's literal unique, so a visitor matching nothing walks every rule (worst case).
 */
function condition(t: number, k: number): Condition {
  switch (t % 6) {
    case 0:
      return { segment: SEGMENTS[k % SEGMENTS.length]!.id };
    case 1:
      return { field: 'traits.plan', op: 'eq', value: `plan-${k % 7}` };
    case 2:
      return {
        all: [
          { field: 'scores.churnRisk', op: 'gte', value: 0.6 },
          { field: 'behavior.visits', op: 'gt', value: 3 + (k % 20) },
        ],
      };
    case 3:
      return {
        any: [
          {
            field: 'context.country',
            op: 'in',
            value: ['DE', 'AT', 'CH', 'NL'].slice(0, 1 + (k % 4)),
          },
          { field: 'context.path', op: 'eq', value: `/landing-${k}` },
        ],
      };
    case 4:
      return {
        all: [
          { field: 'affinities.hiking', op: 'exists' },
          { not: { field: 'affinities.hiking', op: 'between', value: [0, 0.2 + (k % 5) / 10] } },
        ],
      };
    default:
      return { field: 'context.device', op: 'eq', value: k % 2 ? 'mobile' : 'tablet' };
  }
}

export interface Shape {
  /** Slots on each page (all pages share them). */
  slotsPerPage: number;
  /** Rules across a page's slots, spread evenly. */
  rulesPerPage: number;
  variantsPerSlot: number;
  /** Add the holdout and the 3 experiments on /exp. */
  experiments: boolean;
}

export const STANDARD: Shape = {
  slotsPerPage: 5,
  rulesPerPage: 30,
  variantsPerSlot: 10,
  experiments: true,
};

export const BENCH_PAGES = [
  { id: 'home', path: '/', title: 'Home' },
  { id: 'exp', path: '/exp', title: 'Spring landing' },
  { id: 'sale', path: '/sale', title: 'Sale' },
  { id: 'new', path: '/new', title: 'New in' },
];

/**
 * An experiment covers its slots on every page that shows them (docs/experiments.md), and the
 * bench's pages share their slots: each experiment targets `/exp` with `when`, so the other
 * pages evaluate all three (as every page view does) and enter none.
 */
const ON_EXP = { field: 'context.path', op: 'eq', value: '/exp' } as const;

function experimentsFor(slotIds: string[]): Record<string, unknown> {
  const [first, second] = slotIds;
  const variant = (slot: string | undefined, v: number) => `${slot}-v${v}`;
  return {
    holdout: { share: 0.05, salt: 'bench-holdout' },
    experiments: [
      {
        id: 'exp-page-ab',
        type: 'ab',
        scope: { page: 'exp' },
        when: ON_EXP,
        arms: [
          { id: 'control' },
          { id: 'bold', variants: { [first!]: variant(first, 2), [second!]: variant(second, 2) } },
          { id: 'calm', variants: { [first!]: variant(first, 3), [second!]: variant(second, 3) } },
        ],
        layer: { id: 'exp-page', from: 0, to: 0.4 },
      },
      {
        id: 'exp-page-bandit',
        type: 'bandit',
        scope: { page: 'exp' },
        when: ON_EXP,
        arms: [
          { id: 'a', variants: { [second!]: variant(second, 4) } },
          { id: 'b', variants: { [second!]: variant(second, 5) } },
          { id: 'c', variants: { [second!]: variant(second, 6) } },
        ],
        layer: { id: 'exp-page', from: 0.4, to: 0.8 },
      },
      {
        id: 'exp-slot-first-visit',
        type: 'ab',
        scope: { slot: slotIds[slotIds.length - 1] },
        when: ON_EXP,
        arms: [
          { id: 'control', variant: variant(slotIds[slotIds.length - 1], 0) },
          { id: 'code', variant: variant(slotIds[slotIds.length - 1], 7) },
        ],
        layer: { id: 'exp-page', from: 0.8, to: 1 },
      },
    ],
  };
}

/** A bundle body of the given shape (unvalidated; see buildBundle). */
export function bundleBody(shape: Shape = STANDARD): Record<string, unknown> {
  const slotIds = Array.from(
    { length: shape.slotsPerPage },
    (_, i) => `${KINDS[i % KINDS.length]}-${i}`,
  );
  let ruleNo = 0;
  const slots = slotIds.map((id, i) => {
    const kind = KINDS[i % KINDS.length]!;
    const rules =
      Math.floor(shape.rulesPerPage / shape.slotsPerPage) +
      (i < shape.rulesPerPage % shape.slotsPerPage ? 1 : 0);
    return {
      id,
      component: kind,
      default: `${id}-v0`,
      variants: Array.from({ length: shape.variantsPerSlot }, (_, v) => ({
        id: `${id}-v${v}`,
        tags: v === 0 ? [] : [CATEGORIES[v % CATEGORIES.length]!],
        props: props(kind, id, v),
      })),
      rules: Array.from({ length: rules }, () => {
        const k = ruleNo++;
        return {
          id: `r${k}`,
          when: condition(k, k),
          variant: `${id}-v${1 + (k % (shape.variantsPerSlot - 1))}`,
        };
      }),
    };
  });
  return {
    schemaVersion: 1,
    site: {
      name: 'Northwind Outfitters',
      tagline: 'Outdoor gear, tested on the trail',
      lang: 'en',
      // Origin mode (bench/origin.ts): /o/* comes from the bench's origin worker.
      origin: { url: 'https://origin.bench' },
    },
    segments: SEGMENTS,
    pages: [
      ...BENCH_PAGES.map((p) => ({ ...p, slots: slotIds })),
      { id: 'origin', path: '/o/*', title: 'Journal', origin: {}, slots: slotIds },
    ],
    slots,
    ...(shape.experiments ? experimentsFor(slotIds) : {}),
  };
}

/** Validates like a publish would and names the bundle by its content hash. */
export async function buildBundle(shape: Shape = STANDARD): Promise<Bundle> {
  const parsed = parseBundleBody(bundleBody(shape));
  if (!parsed.ok)
    throw new Error(`bench bundle invalid: ${JSON.stringify(parsed.issues.slice(0, 5))}`);
  return { ...parsed.body, version: await bundleVersion(parsed.body) };
}

/** What the bandit cron would publish after some traffic: a learned split for the bandit. */
export function banditSnapshot(at = '2026-11-20T12:00:00Z'): BanditSnapshot {
  return {
    epoch: 'bench-epoch-1',
    computedAt: at,
    experiments: {
      'exp-page-bandit': {
        arms: [
          { arm: 'a', exposures: 4000, conversions: 120, share: 0.2 },
          { arm: 'b', exposures: 4100, conversions: 180, share: 0.7 },
          { arm: 'c', exposures: 3900, conversions: 100, share: 0.1 },
        ],
      },
    },
  };
}

export const PROFILE_COUNT = 10_000;
/** Every third profile belongs to a known customer (`profile:c:`), the rest to anonymous visitors. */
export const isCustomer = (i: number) => i % 3 === 2;
export const profileId = (i: number) => (isCustomer(i) ? `bc-${i}` : `bv-${i}`);

/** Profile `i` of the workload (deterministic). `at` is the generation time (ISO, fixed). */
export function profile(i: number, slotIds: string[], at = '2026-11-20T12:00:00Z'): ProfileInput {
  const r = rng(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const affinities: Record<string, number> = {};
  for (let a = 0; a < 2 + Math.floor(r() * 3); a++)
    affinities[pick(CATEGORIES)] = Math.round(r() * 100) / 100;
  const hero = slotIds.find((s) => s.startsWith('hero'));
  return {
    id: profileId(i),
    kind: isCustomer(i) ? 'customer' : 'visitor',
    updatedAt: at,
    traits: {
      firstName: pick(['Astrid', 'Jonas', 'Mia', 'Noah', 'Lea', 'Elias', 'Yara', 'Farah']),
      plan: `plan-${Math.floor(r() * 10)}`,
      city: pick(['Berlin', 'Stockholm', 'Vienna', 'Zurich', 'Amsterdam']),
      loyaltyPoints: Math.floor(r() * 5000),
    },
    segments: PIPELINE_SEGMENTS.filter(() => r() < 0.3),
    scores: {
      ltvTier: pick(['low', 'medium', 'high', 'vip'] as const),
      churnRisk: Math.round(r() * 100) / 100,
      engagement: Math.round(r() * 100) / 100,
    },
    affinities,
    nextBestOffers:
      hero && r() < 0.2
        ? { [`${hero}-v${1 + Math.floor(r() * 9)}`]: 0.5 + Math.round(r() * 50) / 100 }
        : {},
    behavior: {
      visits: 1 + Math.floor(r() * 40),
      pageViews: Math.floor(r() * 300),
      purchases: Math.floor(r() * 8),
      lastSeen: at,
      recentViews: Array.from({ length: Math.floor(r() * 8) }, (_, v) => ({
        sku: `sku-${i}-${v}`,
        category: pick(CATEGORIES),
        at,
      })),
      cart: r() < 0.25 ? [{ sku: `sku-${i}-cart`, qty: 1 + Math.floor(r() * 3) }] : [],
    },
  };
}

/** The slot ids of a bundle's first page (what profiles' next-best offers point at). */
export function slotIdsOf(bundle: Bundle): string[] {
  return bundle.pages[0]?.slots ?? [];
}
