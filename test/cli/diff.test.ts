import { describe, expect, it } from 'vitest';
import { diffBundles, summarize } from '../../shared/publish/diff.ts';
import { BundleBody, type BundleInput } from '../../shared/schema/bundle.ts';

const base = (): BundleInput => ({
  schemaVersion: 1,
  site: { name: 'Shop' },
  segments: [{ id: 'vip', name: 'VIP', source: 'profile' }],
  pages: [{ id: 'home', path: '/', title: 'Home', slots: ['hero'] }],
  slots: [
    {
      id: 'hero',
      component: 'hero',
      default: 'a',
      variants: [
        { id: 'a', props: { headline: 'A' } },
        { id: 'b', props: { headline: 'B' } },
      ],
      rules: [
        { id: 'r1', when: { segment: 'vip' }, variant: 'b' },
        { id: 'r2', when: { field: 'context.device', op: 'eq', value: 'mobile' }, variant: 'a' },
      ],
    },
  ],
});

const texts = (from: BundleInput, to: BundleInput) =>
  diffBundles(BundleBody.parse(from), BundleBody.parse(to)).map((c) => c.text);

describe('diff in marketer words', () => {
  it('says nothing changed for identical bundles', () => {
    expect(texts(base(), base())).toEqual([]);
    expect(summarize([])).toBe('no changes');
  });

  it('names added, removed and changed variants with what changed', () => {
    const to = base();
    to.slots[0] = {
      ...to.slots[0]!,
      component: 'hero',
      variants: [
        { id: 'a', props: { headline: 'A2' } },
        { id: 'c', props: { headline: 'C' } },
      ],
      rules: [],
    };
    expect(texts(base(), to)).toEqual([
      'variant "a" changed in slot "hero" (props.headline: "A" → "A2")',
      'variant "c" added in slot "hero"',
      'variant "b" removed in slot "hero"',
      'rule "r1" removed in slot "hero"',
      'rule "r2" removed in slot "hero"',
    ]);
  });

  it('notices rules reordered (order decides which rule wins)', () => {
    const to = base();
    to.slots[0]!.rules = [...to.slots[0]!.rules!].reverse();
    expect(texts(base(), to)).toEqual(['rules reordered in slot "hero": r1, r2 → r2, r1']);
  });

  it('names page, segment, slot and site changes', () => {
    const to = base();
    to.site.name = 'New shop';
    to.pages[0]!.title = 'Welcome';
    to.segments = [
      { id: 'vip', name: 'Very important', source: 'profile' },
      { id: 'new', name: 'New', source: 'profile' },
    ];
    to.slots[0]!.default = 'b';
    expect(texts(base(), to)).toEqual([
      'site settings changed (name: "Shop" → "New shop")',
      'page "/" changed (title: "Home" → "Welcome")',
      'segment "vip" changed (name: "VIP" → "Very important")',
      'segment "new" added',
      'slot "hero" changed (default: "a" → "b")',
    ]);
  });

  it('shows old → new text for changed content, nested fields by their path, long values cut', () => {
    const to = base();
    const long = 'x'.repeat(100);
    to.slots[0]!.variants[1] = {
      id: 'b',
      props: { headline: long, cta: { label: 'Go', href: '/go' } },
    } as never;
    const [text] = texts(base(), to);
    expect(text).toMatch(
      /^variant "b" changed in slot "hero" \(props\.cta: \(none\) → \{"href":"\/go","label":"Go"\}, props\.headline: "B" → "x{57}…"\)$/,
    );
  });

  describe('experiments and the holdout', () => {
    const hero = {
      id: 'hero-test',
      scope: { slot: 'hero' },
      arms: [{ id: 'control' }, { id: 'bold', variant: 'b' }],
    };
    const withExperiments = (experiments: unknown[], holdout?: unknown): BundleInput =>
      ({ ...base(), experiments, ...(holdout ? { holdout } : {}) }) as BundleInput;

    it('names an added and a removed experiment with what it tests', () => {
      expect(texts(base(), withExperiments([hero]))).toEqual([
        'experiment "hero-test" added (A/B test on slot "hero": control vs bold)',
      ]);
      expect(texts(withExperiments([hero]), base())).toEqual([
        'experiment "hero-test" removed (A/B test on slot "hero": control vs bold)',
      ]);
    });

    it('says what changed in an experiment, old → new, and when that starts a new phase', () => {
      const changed = {
        ...hero,
        traffic: 0.5,
        arms: [
          { id: 'control' },
          { id: 'bold', variant: 'b', weight: 3 },
          { id: 'plain', variant: 'a' },
        ],
      };
      expect(texts(withExperiments([hero]), withExperiments([changed]))).toEqual([
        'experiment "hero-test" changed (traffic: 1 → 0.5, arm "bold" weight: 1 → 3, arm "plain" added) — starts a new phase: its report counts visitors from now on',
      ]);
      // Extending the end date or renaming keeps the phase (and the report's numbers).
      const renamed = { ...hero, name: 'Bold hero', end: '2027-01-01T00:00:00Z' };
      expect(texts(withExperiments([hero]), withExperiments([renamed]))).toEqual([
        'experiment "hero-test" changed (end: (none) → "2027-01-01T00:00:00Z", name: (none) → "Bold hero")',
      ]);
      const goal = { ...hero, goal: { event: 'custom', name: 'signup' } };
      expect(texts(withExperiments([hero]), withExperiments([goal]))[0]).toBe(
        'experiment "hero-test" changed (goal.event: "click" → "custom", goal.name: (none) → "signup") — starts a new phase: its report counts visitors from now on',
      );
    });

    it('names holdout changes, and a change of share as a new phase', () => {
      const h = { share: 0.05, salt: 'h' };
      expect(texts(base(), withExperiments([], h))).toEqual(['holdout added (5 % of visitors)']);
      expect(texts(withExperiments([], h), withExperiments([], { ...h, share: 0.1 }))).toEqual([
        'holdout changed (share: 0.05 → 0.1) — starts a new phase: its report counts visitors from now on',
      ]);
      expect(texts(withExperiments([], h), base())).toEqual(['holdout removed (5 % of visitors)']);
    });
  });

  it('describes a first publish as such', () => {
    expect(diffBundles(undefined, BundleBody.parse(base())).map((c) => c.text)).toEqual([
      'first publish: everything is new',
    ]);
  });

  it('keeps the one-line summary short', () => {
    const changes = Array.from({ length: 20 }, (_, i) => ({
      thing: 'variant',
      id: `v${i}`,
      kind: 'added' as const,
      text: `variant "v${i}" added`,
    }));
    expect(summarize(changes, 3)).toBe(
      'variant "v0" added; variant "v1" added; variant "v2" added; and 17 more',
    );
  });
});
