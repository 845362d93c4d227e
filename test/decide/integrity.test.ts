import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { heroSlot, pageBundle } from './helpers.ts';

const issuesFor = (when: Condition) => {
  const parsed = parseBundleBody(
    pageBundle([heroSlot('hero', [{ id: 'r', when, variant: 'hit' }])]),
  );
  return parsed.ok ? [] : parsed.issues;
};

describe('bundle integrity: context signals', () => {
  it('accepts comparisons that can match', () => {
    expect(
      issuesFor({
        all: [
          { field: 'context.device', op: 'in', value: ['mobile', 'tablet'] },
          { field: 'context.hour', op: 'between', value: [9, 17] },
        ],
      }),
    ).toEqual([]);
  });

  const rejected: [string, Condition, string][] = [
    [
      'an unknown signal',
      { field: 'context.devise', op: 'eq', value: 'mobile' },
      'unknown context signal "devise"',
    ],
    [
      'a value outside an enumerated signal',
      { field: 'context.device', op: 'eq', value: 'phone' },
      'context.device is one of mobile, tablet, desktop, bot',
    ],
    [
      'a listed value outside the set',
      { not: { field: 'context.weekday', op: 'in', value: ['mon', 'Saturday'] } },
      '"Saturday" can never equal it',
    ],
    [
      'a number compared with a string signal',
      { field: 'context.country', op: 'gt', value: 3 },
      '"gt" needs a number signal',
    ],
    [
      'a string equal to a number signal',
      { field: 'context.hour', op: 'eq', value: '9' },
      'context.hour is a number',
    ],
    [
      'startsWith on a boolean signal',
      { field: 'context.returning', op: 'startsWith', value: 't' },
      '"startsWith" needs a string signal',
    ],
  ];
  for (const [name, when, message] of rejected) {
    it(`rejects ${name}, saying where and why`, () => {
      const issues = issuesFor(when);
      expect(issues).toHaveLength(1);
      expect(issues[0]!.message).toContain(message);
      expect(issues[0]!.path.slice(0, 5)).toEqual(['slots', 0, 'rules', 0, 'when']);
    });
  }

  it('checks bundle-defined segments too', () => {
    const parsed = parseBundleBody(
      pageBundle([heroSlot('hero')], {
        segments: [
          {
            id: 'night',
            name: 'Night owls',
            when: { field: 'context.hours', op: 'gte', value: 22 },
          },
        ],
      }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.issues[0]).toMatchObject({ path: ['segments', 0, 'when', 'field'] });
  });
});

describe('bundle integrity: unique offers', () => {
  const withDefaultOffer = (id: string, offer: string) =>
    heroSlot(id, [], { variants: [{ id: 'miss', offer, props: { headline: 'x' } }] });

  it('rejects a page that keeps offers unique while two slot defaults share an offer', () => {
    const parsed = parseBundleBody(
      pageBundle([withDefaultOffer('one', 'sale'), withDefaultOffer('two', 'sale')], {}, true),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues[0]).toMatchObject({ path: ['pages', 0, 'slots', 1] });
      expect(parsed.issues[0]!.message).toContain('"one" and "two" both carry offer "sale"');
    }
  });

  it('allows shared default offers on pages that do not ask for uniqueness', () => {
    expect(
      parseBundleBody(
        pageBundle([withDefaultOffer('one', 'sale'), withDefaultOffer('two', 'sale')]),
      ).ok,
    ).toBe(true);
  });
});
