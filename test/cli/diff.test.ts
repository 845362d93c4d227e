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
      'variant "a" changed in slot "hero" (props.headline)',
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
      'site settings changed (name)',
      'page "/" changed (title)',
      'segment "vip" changed (name)',
      'segment "new" added',
      'slot "hero" changed (default)',
    ]);
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
