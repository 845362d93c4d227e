import { describe, expect, it } from 'vitest';
import { attribute, ladderOf, OBSERVATIONAL_NOTE } from '../../shared/revenue/attribution.ts';

const H = 3600_000;
const W = 24 * H;

/**
 * The fixture, by hand. Slot hero: 10 decisions — 4 affinity (variant trail), 3 segment rule
 * `runners` (variant running), 3 default (variant base). Slot grid: 5 default decisions.
 * Experiment cta-test: 6 exposures, 3 per arm.
 *
 * Conversions (revenue):
 *   c1 (100) at 10 h: hero touches affinity@2h, rule@8h → last is rule@8h; grid default@9h; arm b@5h
 *   c2 (50)  at 30 h: hero affinity@20h (and rule@1h, outside the 24 h window); no grid; arm a@29h
 *   c3 (30)  at 40 h: no touch in the window (hero@10h is 30 h before) → unattributed
 *   c4 (20)  at 50 h: hero default@50h (same instant counts); grid default@49h; arm b@40h and a@45h → a
 */
const input = {
  slotExposures: [
    { slot: 'hero', level: 'individual', reason: 'affinity:trail', variant: 'trail', count: 4 },
    {
      slot: 'hero',
      level: 'segment',
      reason: 'rule:runners',
      rule: 'runners',
      variant: 'running',
      count: 3,
    },
    { slot: 'hero', level: 'default', reason: 'default:no_match', variant: 'base', count: 3 },
    { slot: 'grid', level: 'default', reason: 'default:no_profile', variant: 'all', count: 5 },
  ],
  armExposures: [
    { experiment: 'cta-test', arm: 'a', count: 3 },
    { experiment: 'cta-test', arm: 'b', count: 3 },
  ],
  conversions: [
    { id: 'c1', at: 10 * H, revenue: 100 },
    { id: 'c2', at: 30 * H, revenue: 50 },
    { id: 'c3', at: 40 * H, revenue: 30 },
    { id: 'c4', at: 50 * H, revenue: 20 },
  ],
  slotTouches: [
    {
      conversion: 'c1',
      at: 2 * H,
      slot: 'hero',
      level: 'individual',
      reason: 'affinity:trail',
      variant: 'trail',
    },
    {
      conversion: 'c1',
      at: 8 * H,
      slot: 'hero',
      level: 'segment',
      reason: 'rule:runners',
      rule: 'runners',
      variant: 'running',
    },
    {
      conversion: 'c1',
      at: 9 * H,
      slot: 'grid',
      level: 'default',
      reason: 'default:no_profile',
      variant: 'all',
    },
    {
      conversion: 'c2',
      at: 1 * H,
      slot: 'hero',
      level: 'segment',
      reason: 'rule:runners',
      rule: 'runners',
      variant: 'running',
    },
    {
      conversion: 'c2',
      at: 20 * H,
      slot: 'hero',
      level: 'individual',
      reason: 'affinity:trail',
      variant: 'trail',
    },
    {
      conversion: 'c3',
      at: 10 * H,
      slot: 'hero',
      level: 'default',
      reason: 'default:no_match',
      variant: 'base',
    },
    {
      conversion: 'c4',
      at: 50 * H,
      slot: 'hero',
      level: 'default',
      reason: 'default:no_match',
      variant: 'base',
    },
    {
      conversion: 'c4',
      at: 49 * H,
      slot: 'grid',
      level: 'default',
      reason: 'default:no_profile',
      variant: 'all',
    },
  ],
  armTouches: [
    { conversion: 'c1', at: 5 * H, experiment: 'cta-test', arm: 'b' },
    { conversion: 'c2', at: 29 * H, experiment: 'cta-test', arm: 'a' },
    { conversion: 'c4', at: 40 * H, experiment: 'cta-test', arm: 'b' },
    { conversion: 'c4', at: 45 * H, experiment: 'cta-test', arm: 'a' },
  ],
  windowMs: W,
};

const pick = (
  rows: { group: string; key: string; exposures: number; conversions: number; revenue: number }[],
) => rows.map((r) => [r.group, r.key, r.exposures, r.conversions, r.revenue]);

describe('attribution', () => {
  it('names the ladder as a marketer reads it', () => {
    expect(ladderOf('individual', 'nbo:shoe-42')).toBe('individual: next-best offer');
    expect(ladderOf('individual', 'affinity:trail')).toBe('individual: affinity');
    expect(ladderOf('segment', 'rule:x')).toBe('segment rule');
    expect(ladderOf('cohort', 'rule:y')).toBe('cohort rule');
    expect(ladderOf('default', 'default:no_match')).toBe('default');
  });

  it('credits each conversion to the last decision of each slot within the window, as computed by hand', () => {
    const t = attribute(input);
    expect(t.conversions).toBe(4);
    expect(t.revenue).toBe(200);
    expect(t.unattributed).toEqual({ conversions: 1, revenue: 30 });
    expect(pick(t.levels)).toEqual([
      ['grid', 'default', 5, 2, 120],
      ['hero', 'segment rule', 3, 1, 100],
      ['hero', 'individual: affinity', 4, 1, 50],
      ['hero', 'default', 3, 1, 20],
    ]);
    expect(pick(t.rules)).toEqual([['hero', 'runners', 3, 1, 100]]);
    expect(pick(t.variants)).toEqual([
      ['grid', 'all', 5, 2, 120],
      ['hero', 'running', 3, 1, 100],
      ['hero', 'trail', 4, 1, 50],
      ['hero', 'base', 3, 1, 20],
    ]);
    expect(pick(t.arms)).toEqual([
      ['cta-test', 'b', 3, 1, 100],
      ['cta-test', 'a', 3, 2, 70],
    ]);
    expect(t.note).toBe(OBSERVATIONAL_NOTE);
    expect(t.note).toContain('not what caused them');
  });

  it('shares add up to 100 % within each slot, and attributed revenue to what that slot touched', () => {
    const t = attribute(input);
    for (const rows of [t.levels, t.variants]) {
      for (const slot of ['hero', 'grid']) {
        const mine = rows.filter((r) => r.group === slot);
        expect(mine.reduce((s, r) => s + r.exposureShare, 0)).toBeCloseTo(1, 12);
        expect(mine.reduce((s, r) => s + r.revenueShare, 0)).toBeCloseTo(1, 12);
      }
      // hero touched c1, c2, c4 (170); grid touched c1, c4 (120).
      expect(rows.filter((r) => r.group === 'hero').reduce((s, r) => s + r.revenue, 0)).toBe(170);
      expect(rows.filter((r) => r.group === 'grid').reduce((s, r) => s + r.revenue, 0)).toBe(120);
    }
    const affinity = t.levels.find((r) => r.key === 'individual: affinity')!;
    expect(affinity.exposureShare).toBeCloseTo(0.4, 12);
    expect(affinity.revenueShare).toBeCloseTo(50 / 170, 12);
  });
});
