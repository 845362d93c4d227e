/**
 * The console's plain language (control/console/ui/describe.ts): rules, conditions and a
 * render's trace as a marketer reads them.
 */
import { describe, expect, it } from 'vitest';
import {
  conditionText,
  contextLine,
  readable,
  ruleText,
  traceLines,
} from '../../control/console/ui/describe.ts';

const segments = [{ id: 'vip', name: 'VIP' }];

describe('console plain language', () => {
  it('says who sees what for a segment rule, with placeholders as words', () => {
    const t = ruleText(
      { when: { segment: 'vip' }, variant: 'hero-vip' },
      [{ id: 'hero-vip', props: { headline: 'Welcome back, {{traits.firstName|friend}}' } }],
      segments,
    );
    expect(`${t.who} see ${t.what}`).toBe('Visitors in VIP see Welcome back, {first name}');
  });

  it('falls back to the variant name, then its id, when there is no headline', () => {
    const variants = [{ id: 'bar-de', name: 'German bar', props: { text: 'Hallo' } }];
    expect(ruleText({ when: { segment: 'x' }, variant: 'bar-de' }, variants, []).what).toBe(
      'German bar',
    );
    expect(ruleText({ when: { segment: 'x' }, variant: 'gone' }, variants, []).what).toBe('gone');
  });

  it('reads comparisons, groups and negation', () => {
    expect(
      conditionText(
        {
          all: [
            { field: 'context.country', op: 'eq', value: 'DE' },
            {
              any: [{ field: 'scores.churn', op: 'gte', value: 0.7 }, { not: { segment: 'vip' } }],
            },
          ],
        },
        segments,
      ),
    ).toBe('whose country is "DE" and (whose score churn is at least 0.7 or not in VIP)');
    expect(conditionText({ field: 'context.returning', op: 'eq', value: false })).toBe(
      'on their first visit',
    );
    expect(conditionText({ field: 'context.hour', op: 'between', value: [9, 17] })).toBe(
      'whose hour is between 9 and 17',
    );
    expect(conditionText({ field: 'traits.tier', op: 'in', value: ['gold', 'silver'] })).toBe(
      'whose trait tier is one of "gold", "silver"',
    );
  });

  it('explains a trace slot by slot and says whether the visitor was held out', () => {
    const trace = {
      version: 'v',
      page: { id: 'home', path: '/' },
      profile: 'customer',
      reasons: [],
      context: { country: 'DE', device: 'mobile', path: '/' },
      slots: [
        {
          slot: 'home-hero',
          variant: 'hero-vip',
          level: 'segment',
          reason: 'rule:vip-welcome',
          rule: 'vip-welcome',
        },
        { slot: 'cta', variant: 'cta-b', level: 'experiment', reason: 'experiment:cta-test:b' },
        { slot: 'grid', variant: 'grid-default', level: 'default', reason: 'default:no-match' },
      ],
    };
    expect(traceLines(trace)).toEqual([
      'Home hero: vip-welcome rule matched → hero-vip',
      'Cta: experiment cta-test, arm b → cta-b',
      'Grid: default (no match) → grid-default',
      'Holdout: no',
    ]);
    expect(
      traceLines({
        ...trace,
        slots: [{ slot: 'hero', variant: 'd', level: 'default', reason: 'holdout' }],
      }),
    ).toEqual(['Hero: in the holdout: default content → d', 'Holdout: yes']);
    expect(contextLine(trace.context)).toBe('As seen with country DE, device mobile');
  });

  it('keeps text without placeholders as it is', () => {
    expect(readable('Run further')).toBe('Run further');
  });
});
