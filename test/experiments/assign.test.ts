import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import type { BundleInput } from '../../shared/schema/bundle.ts';
import type { ExperimentInput } from '../../shared/schema/experiment.ts';
import { decideWithExperiments } from '../../worker/experiments/assign.ts';
import { exposureFields } from '../../control/consumers/decisions.ts';
import type { RequestContext } from '../../worker/decide/types.ts';
import { buildTestBundle, testBundleBody } from '../support/bundle.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const context: RequestContext = { path: '/', device: 'desktop', returning: false };

const heroTest: ExperimentInput = {
  id: 'hero-test',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running' }],
};

function body(extra: Partial<BundleInput>): BundleInput {
  return testBundleBody({ holdout: { share: 0.2, salt: 'h' }, experiments: [heroTest], ...extra });
}

const visitors = Array.from({ length: 4000 }, (_, i) => `v-${i}`);

describe('decide with experiments', () => {
  it('gives holdout visitors the default in every slot, never a treatment, and no exposure', async () => {
    const bundle = await buildTestBundle(body({}));
    let held = 0;
    for (const unitId of visitors) {
      const out = decideWithExperiments(
        {
          bundle,
          pageId: 'home',
          context: { ...context, device: 'mobile' },
          profile: undefined,
          now: NOW,
        },
        { unitId, sticky: true },
      );
      if (!out.holdout) continue;
      held++;
      expect(out.exposures).toEqual([]);
      for (const d of out.decisions) {
        expect(d).toMatchObject({ level: 'default', reason: 'holdout' });
        expect(d.variant).toBe(bundle.slots.find((s) => s.id === d.slot)!.default);
        expect(d.experiment).toBeUndefined();
      }
    }
    expect(held / visitors.length).toBeGreaterThan(0.17);
    expect(held / visitors.length).toBeLessThan(0.23);
  });

  it('overrides the ladder for visitors in a treatment arm and keeps it for the control arm', async () => {
    const bundle = await buildTestBundle(body({ holdout: { share: 0, salt: 'h' } }));
    const arms = new Map<string, number>();
    for (const unitId of visitors.slice(0, 1000)) {
      const out = decideWithExperiments(
        { bundle, pageId: 'home', context, now: NOW },
        { unitId, sticky: true },
      );
      const hero = out.decisions.find((d) => d.slot === 'hero')!;
      expect(out.exposures).toHaveLength(1);
      const arm = out.exposures[0]!.arm;
      arms.set(arm, (arms.get(arm) ?? 0) + 1);
      if (arm === 'running')
        expect(hero).toMatchObject({
          variant: 'hero-running',
          level: 'experiment',
          reason: 'experiment:hero-test:running',
        });
      else
        expect(hero).toMatchObject({
          variant: 'hero-default',
          level: 'default',
          experiment: { id: 'hero-test', arm: 'control' },
        });
    }
    expect(arms.get('running')! / 1000).toBeGreaterThan(0.4);
  });

  it('leaves visitors outside the targeting, the dates or the page alone', async () => {
    const targeted = await buildTestBundle(
      body({
        holdout: { share: 0, salt: 'h' },
        experiments: [
          { ...heroTest, when: { field: 'context.device', op: 'eq', value: 'mobile' } },
        ],
      }),
    );
    const ended = await buildTestBundle(
      body({
        holdout: { share: 0, salt: 'h' },
        experiments: [{ ...heroTest, end: '2026-11-01T00:00:00Z' }],
      }),
    );
    for (const unitId of visitors.slice(0, 200)) {
      expect(
        decideWithExperiments(
          { bundle: targeted, pageId: 'home', context, now: NOW },
          { unitId, sticky: true },
        ).exposures,
      ).toEqual([]);
      expect(
        decideWithExperiments(
          { bundle: ended, pageId: 'home', context, now: NOW },
          { unitId, sticky: true },
        ).exposures,
      ).toEqual([]);
      // The deals page has no hero slot.
      expect(
        decideWithExperiments(
          {
            bundle: targeted,
            pageId: 'deals',
            context: { ...context, device: 'mobile' },
            now: NOW,
          },
          { unitId, sticky: true },
        ).exposures,
      ).toEqual([]);
    }
    const mobile = visitors.slice(0, 200).filter(
      (unitId) =>
        decideWithExperiments(
          {
            bundle: targeted,
            pageId: 'home',
            context: { ...context, device: 'mobile' },
            now: NOW,
          },
          { unitId, sticky: true },
        ).exposures.length,
    );
    expect(mobile).toHaveLength(200);
  });

  it('sends a bandit visitor to the same arm for the whole epoch, following the published split', async () => {
    const bundle = await buildTestBundle(
      body({
        holdout: { share: 0, salt: 'h' },
        experiments: [{ ...heroTest, id: 'hero-bandit', type: 'bandit' }],
      }),
    );
    const snapshot = {
      epoch: 'e-1',
      computedAt: '2026-11-23T11:55:00Z',
      experiments: {
        'hero-bandit': {
          arms: [
            { arm: 'control', exposures: 900, conversions: 10, share: 0.1 },
            { arm: 'running', exposures: 900, conversions: 90, share: 0.9 },
          ],
        },
      },
    };
    let running = 0;
    for (const unitId of visitors) {
      const first = decideWithExperiments(
        { bundle, pageId: 'home', context, now: NOW },
        { unitId, sticky: true, snapshot },
      );
      const again = decideWithExperiments(
        { bundle, pageId: 'home', context, now: NOW + 60_000 },
        { unitId, sticky: true, snapshot },
      );
      expect(again.exposures).toEqual(first.exposures);
      expect(first.exposures[0]!.epoch).toBe('e-1');
      if (first.exposures[0]!.arm === 'running') running++;
    }
    expect(Math.abs(running / visitors.length - 0.9)).toBeLessThan(0.02);
  });

  it('applies a page experiment to every slot its arm names', async () => {
    const bundle = await buildTestBundle(
      body({
        holdout: { share: 0, salt: 'h' },
        experiments: [
          {
            id: 'home-test',
            scope: { page: 'home' },
            arms: [{ id: 'a' }, { id: 'b', variants: { hero: 'hero-mobile', cta: 'cta-de' } }],
            traffic: 1,
          },
        ],
      }),
    );
    const b = visitors
      .map((unitId) =>
        decideWithExperiments(
          { bundle, pageId: 'home', context, now: NOW },
          { unitId, sticky: true },
        ),
      )
      .find((o) => o.exposures[0]?.arm === 'b')!;
    expect(b.decisions.find((d) => d.slot === 'hero')!.variant).toBe('hero-mobile');
    expect(b.decisions.find((d) => d.slot === 'cta')!.variant).toBe('cta-de');
    expect(b.decisions.find((d) => d.slot === 'grid')!.level).toBe('default');
    expect(b.exposures[0]!.slots).toEqual(['banner', 'hero', 'grid', 'quote', 'cta']);
  });
});

describe('experiment integrity', () => {
  const issues = (experiments: ExperimentInput[], extra: Partial<BundleInput> = {}) => {
    const r = parseBundleBody(testBundleBody({ experiments, ...extra }));
    return r.ok ? [] : r.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the test bundle with and without experiments', () => {
    expect(issues([])).toEqual([]);
    expect(parseBundleBody(testBundleBody()).ok).toBe(true);
    expect(issues([heroTest])).toEqual([]);
  });

  it('rejects an arm that names a variant the slot does not have', () => {
    expect(issues([{ ...heroTest, arms: [{ id: 'a' }, { id: 'b', variant: 'nope' }] }])).toEqual([
      'experiments.0.arms.1.variant: unknown variant "nope" (slot "hero" has hero-default, hero-running, hero-greeting, hero-mobile)',
    ]);
  });

  it('rejects unknown slots, zero weights, inverted dates, unknown segments and an unknown control', () => {
    expect(issues([{ ...heroTest, scope: { slot: 'nope' } }])[0]).toContain('unknown slot "nope"');
    expect(
      issues([
        {
          ...heroTest,
          arms: [
            { id: 'a', weight: 0 },
            { id: 'b', weight: 0 },
          ],
        },
      ])[0],
    ).toContain('weights must sum to more than 0');
    expect(
      issues([{ ...heroTest, start: '2026-12-01T00:00:00Z', end: '2026-11-01T00:00:00Z' }])[0],
    ).toContain('is not after start');
    expect(issues([{ ...heroTest, when: { segment: 'ghosts' } }])[0]).toContain(
      'unknown segment "ghosts"',
    );
    expect(issues([{ ...heroTest, control: 'nope' }])[0]).toContain(
      'control "nope" is not one of the arms',
    );
  });

  it('rejects a split an arm lane cannot hold, and says how to fix it', () => {
    const [issue] = issues([
      {
        ...heroTest,
        arms: [
          { id: 'a', weight: 9 },
          { id: 'b', weight: 1 },
        ],
      },
    ]);
    expect(issue).toContain(
      'experiments.0.arms.0.weight: arm "a" would take 90.0% of visitors but its lane holds 50.0%',
    );
  });

  it('rejects an arm that would repeat an offer on a page that keeps offers unique', () => {
    const body = testBundleBody();
    const pages = body.pages.map((p) => (p.id === 'home' ? { ...p, uniqueOffers: true } : p));
    const slots = body.slots.map((s) =>
      s.id === 'hero'
        ? {
            ...s,
            variants: s.variants.map((v) =>
              v.id === 'hero-running' ? { ...v, offer: 'run-sale' } : v,
            ),
          }
        : s.id === 'grid'
          ? {
              ...s,
              variants: s.variants.map((v) =>
                v.id === 'grid-runners' ? { ...v, offer: 'run-sale' } : v,
              ),
            }
          : s,
    );
    const [issue] = issues([heroTest], { pages, slots } as Partial<BundleInput>);
    expect(issue).toContain(
      'experiments.0.arms.1: arm "running" shows "hero-running" with offer "run-sale", which slot "grid" can also show',
    );
  });

  it('rejects a click goal naming an unknown slot, and a minimum value without its currency', () => {
    expect(issues([{ ...heroTest, goal: { event: 'click', slots: ['hero', 'nope'] } }])).toEqual([
      expect.stringContaining('experiments.0.goal.slots.1: unknown slot "nope"'),
    ]);
    expect(issues([{ ...heroTest, goal: { event: 'purchase', minValue: 50 } }])).toEqual([
      expect.stringContaining('experiments.0.goal.currency: a purchase goal with "minValue" needs'),
    ]);
    expect(
      issues([{ ...heroTest, goal: { event: 'purchase', minValue: 50, currency: 'EUR' } }]),
    ).toEqual([]);
  });

  it('rejects two experiments on one slot unless they share a layer with disjoint ranges', () => {
    const other = { ...heroTest, id: 'hero-other' };
    expect(issues([heroTest, other])[0]).toContain('both change slot "hero"');
    const a = { ...heroTest, layer: { id: 'hero', from: 0, to: 0.5 } };
    expect(issues([a, { ...other, layer: { id: 'hero', from: 0.5, to: 1 } }])).toEqual([]);
    expect(issues([a, { ...other, layer: { id: 'hero', from: 0.4, to: 1 } }])[0]).toContain(
      'overlaps experiment "hero-test"',
    );
  });
});

describe('exposures from a decision record', () => {
  const record = {
    id: 'd-1',
    at: '2026-11-23T12:00:00.000Z',
    version: '0123456789abcdef',
    page: 'home',
    channel: 'web',
    visitor: '0123456789abcdef0123456789abcdef',
    consent: 'personal',
    profile: 'none' as const,
    context: {},
    reasons: [],
    debug: false,
    slots: [],
    experiments: [{ id: 'hero-test', arm: 'running' }],
    holdout: 'personalized' as const,
  };

  it('uses the visitor pseudonym as the unit when assignment was sticky', () => {
    const f = exposureFields({ ...record, sticky: true });
    expect(f).toMatchObject({
      unitId: record.visitor,
      sticky: true,
      holdout: { measured: true, held: false },
    });
    expect(f.exposures).toEqual([{ experiment: 'hero-test', arm: 'running' }]);
  });

  it('uses the decision id when the visitor was assigned per request (no identifier consent)', () => {
    expect(exposureFields({ ...record, sticky: false })).toMatchObject({
      unitId: 'd-1',
      sticky: false,
    });
  });
});
