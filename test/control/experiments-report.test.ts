import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentKeys } from '../../shared/kv-keys.ts';
import { BanditSnapshot } from '../../shared/schema/bandit.ts';
import {
  Experiment,
  Holdout,
  type ExperimentInput,
  type HoldoutInput,
} from '../../shared/schema/experiment.ts';
import { holdoutPhaseOf, phaseOf } from '../../shared/experiments/phase.ts';
import { signAdminToken } from '../../shared/auth/admin-token.ts';
import { loadConfig } from '../../shared/config.ts';
import { exposureStatements } from '../../control/consumers/exposures.ts';
import type { Report } from '../../shared/experiments/report.ts';
import { absoluteLift, twoProportionPValue } from '../../shared/experiments/stats.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { createControlWorker } from '../../control/index.ts';
import { createWorker } from '../../worker/index.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { seedArm as seedArmRows } from '../support/seed-arms.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-20T10:00:00Z');

const heroTest: ExperimentInput = {
  id: 'hero-test',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running' }],
  goal: { event: 'click' },
  windowHours: 24,
};

async function adminToken(scopes: ('read' | 'publish')[] = ['read']) {
  const ring = await keyringFor(loadConfig(env).adminKeys);
  return signAdminToken(ring, {
    sub: 'analyst@test',
    scopes,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
}

/** The phase exposures of this experiment (or the holdout) record while it is published as given. */
const phase = (e: ExperimentInput) => phaseOf(Experiment.parse(e));
const holdoutPhase = (h: HoldoutInput) => holdoutPhaseOf(Holdout.parse(h));

/** Writes `n` units exposed to an arm; the first `converted` click within the window. */
async function seedArm(
  experiment: string,
  arm: string,
  n: number,
  converted: number,
  o: { late?: number; before?: number; phase?: string; tag?: string } = {},
) {
  const late = converted + (o.late ?? 0);
  const before = late + (o.before ?? 0);
  const click = (id: string, at: number) => ({ id, type: 'click', slot: 'hero', at });
  await seedArmRows(env.DB, {
    experiment,
    arm,
    phase: o.phase ?? phase(heroTest),
    slot: 'hero',
    visitors: n,
    ...(o.tag ? { tag: o.tag } : {}),
    at: (i) => T0 + i * 1000,
    events: (i, at) =>
      i < converted
        ? [click(`c${i}`, at + HOUR)]
        : // Clicks outside the attribution window, or before the exposure, never count.
          i < late
          ? [click(`l${i}`, at + 25 * HOUR)]
          : i < before
            ? [click(`b${i}`, at - HOUR)]
            : [],
  });
}

async function report(id: string, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return SELF.fetch(`https://shop.test/admin/experiments/${id}/report`, { headers });
}

describe('GET /admin/experiments/:id/report', () => {
  beforeEach(async () => {
    await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
  });

  it('reports exposures, attributed conversions, rates and lift with a 95% interval', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    await seedArm('hero-test', 'control', 1000, 100, { late: 50, before: 30 });
    await seedArm('hero-test', 'running', 1000, 150, { late: 50 });
    const res = await report('hero-test', await adminToken());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Report;
    expect(body.arms.map((a) => [a.arm, a.exposures, a.conversions, a.control])).toEqual([
      ['control', 1000, 100, true],
      ['running', 1000, 150, false],
    ]);
    expect(body.arms[1]!.rate).toBeCloseTo(0.15, 10);
    const expected = absoluteLift(150, 1000, 100, 1000);
    expect(body.arms[1]!.absoluteLift!.low).toBeCloseTo(expected.low, 10);
    expect(body.arms[1]!.absoluteLift!.high).toBeCloseTo(expected.high, 10);
    expect(body.arms[1]!.relativeLift!.estimate).toBeCloseTo(0.5, 10);
    expect(body.srm!.mismatch).toBe(false);
  });

  it('warns about a sample-ratio mismatch', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    await seedArm('hero-test', 'control', 1000, 100);
    await seedArm('hero-test', 'running', 1200, 120);
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.srm!.mismatch).toBe(true);
    expect(body.srm!.warning).toContain('sample ratio mismatch');
  });

  it('reports the holdout’s incremental lift of personalization as a whole', async () => {
    const holdout: HoldoutInput = {
      share: 0.1,
      salt: 'h',
      goal: { event: 'click' },
      windowHours: 24,
    };
    await publishTestBundle(
      testBundleBody({
        holdout,
        experiments: [heroTest],
      }),
    );
    await seedArm('_holdout', 'holdout', 100, 5, { phase: holdoutPhase(holdout) });
    await seedArm('_holdout', 'personalized', 900, 90, { phase: holdoutPhase(holdout) });
    const body = (await (await report('holdout', await adminToken())).json()) as Report;
    expect(body.type).toBe('holdout');
    expect(body.arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['holdout', 100, 5],
      ['personalized', 900, 90],
    ]);
    expect(body.arms[1]!.absoluteLift!.estimate).toBeCloseTo(0.05, 10);
    expect(body.srm!.mismatch).toBe(false);
    // Every experiment report carries the holdout too.
    const exp = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(exp.holdout!.arms[1]!.conversions).toBe(90);
  });

  it('reports each arm’s p-value and names the winner once the difference is clear', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    await seedArm('hero-test', 'control', 1000, 100);
    await seedArm('hero-test', 'running', 1000, 150);
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.arms[0]!.pValue).toBeUndefined();
    expect(body.arms[1]!.pValue).toBeCloseTo(twoProportionPValue(150, 1000, 100, 1000), 12);
    expect(body.arms[1]!.pValue).toBeLessThan(0.001);
    expect(body.verdict).toMatchObject({ status: 'difference', winner: 'running' });
  });

  it('says "not enough data yet" below the minimum sample, with no lift, no p-value and no winner', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    await seedArm('hero-test', 'control', 3, 0);
    await seedArm('hero-test', 'running', 3, 3);
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.minVisitorsPerArm).toBe(100);
    expect(body.verdict.status).toBe('not_enough_data');
    expect(body.verdict.message).toContain('not enough data yet');
    expect(body.verdict.winner).toBeUndefined();
    for (const arm of body.arms) {
      expect(arm.absoluteLift).toBeUndefined();
      expect(arm.relativeLift).toBeUndefined();
      expect(arm.pValue).toBeUndefined();
    }
    expect(body.arms.map((a) => [a.exposures, a.conversions])).toEqual([
      [3, 0],
      [3, 3],
    ]);
  });

  it('takes the minimum sample from the experiment', async () => {
    const small = { ...heroTest, minVisitorsPerArm: 3 };
    await publishTestBundle(testBundleBody({ experiments: [small] }));
    await seedArm('hero-test', 'control', 3, 0, { phase: phase(small) });
    await seedArm('hero-test', 'running', 3, 3, { phase: phase(small) });
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.verdict.status).not.toBe('not_enough_data');
    expect(body.arms[1]!.absoluteLift).toBeDefined();
    expect(body.arms[1]!.relativeLiftNote).toContain('control has no conversions');
  });

  it('counts a visitor shown two arms once, in the arm of their first exposure', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    const p = phase(heroTest);
    await env.DB.batch([
      ...exposureStatements(env.DB, {
        decisionId: 'two-arms-1',
        unitId: 'two-arms-visitor',
        sticky: true,
        at: T0,
        exposures: [{ experiment: 'hero-test', arm: 'running', slots: ['hero'], phase: p }],
      }),
      ...exposureStatements(env.DB, {
        decisionId: 'two-arms-2',
        unitId: 'two-arms-visitor',
        sticky: true,
        at: T0 + HOUR,
        exposures: [{ experiment: 'hero-test', arm: 'control', slots: ['hero'], phase: p }],
      }),
      env.DB.prepare(
        "INSERT INTO events (id, visitor_id, type, slot, at, received_at, processed, body) VALUES ('two-arms-click', 'two-arms-visitor', 'click', 'hero', ?1, ?1, 1, '{}')",
      ).bind(T0 + 2 * HOUR),
    ]);
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['control', 0, 0],
      ['running', 1, 1],
    ]);
  });

  it('credits a conversion only to the visitor who sent it, never through a decision id', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    await seedArm('hero-test', 'running', 32, 0, { tag: 'victim' });
    // Someone else posts clicks carrying the victims' (scraped) decision ids.
    const click = env.DB.prepare(
      "INSERT INTO events (id, visitor_id, type, slot, decision_id, at, received_at, processed, body) VALUES (?, 'attacker', 'click', 'hero', ?, ?, ?, 1, '{}')",
    );
    await env.DB.batch(
      Array.from({ length: 30 }, (_, i) =>
        click.bind(`scraped-${i}`, `victim-d${i}`, T0 + i * 1000 + HOUR, T0 + HOUR),
      ),
    );
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.arms[1]).toMatchObject({ arm: 'running', exposures: 32, conversions: 0 });
  });

  it('analyses the current phase only and lists the earlier ones (weights 1:1 → 1:3)', async () => {
    const even = { ...heroTest, traffic: 0.5 };
    const skewed: ExperimentInput = {
      ...heroTest,
      traffic: 0.5,
      arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running', weight: 3 }],
    };
    // Phase 1 at 1:1, then the marketer moves to 1:3: phase 2 splits 250:750.
    await seedArm('hero-test', 'control', 1000, 100, { phase: phase(even) });
    await seedArm('hero-test', 'running', 1000, 100, { phase: phase(even) });
    await seedArm('hero-test', 'control', 250, 25, { phase: phase(skewed) });
    await seedArm('hero-test', 'running', 750, 75, { phase: phase(skewed) });
    await publishTestBundle(testBundleBody({ experiments: [skewed] }));
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['control', 250, 25],
      ['running', 750, 75],
    ]);
    expect(body.arms.map((a) => a.expectedShare)).toEqual([0.25, 0.75]);
    expect(body.srm!.mismatch).toBe(false);
    expect(body.phase).toMatchObject({ id: phase(skewed), visitors: 1000 });
    expect(body.earlierPhases).toEqual([
      expect.objectContaining({ id: phase(even), visitors: 2000 }),
    ]);
  });

  it('does not raise SRM for an arm at weight 0, which gets no visitors in its phase', async () => {
    const three: ExperimentInput = {
      ...heroTest,
      arms: [...heroTest.arms, { id: 'mobile', variant: 'hero-mobile' }],
    };
    const paused: ExperimentInput = {
      ...three,
      traffic: 2 / 3,
      arms: [...heroTest.arms, { id: 'mobile', variant: 'hero-mobile', weight: 0 }],
    };
    await seedArm('hero-test', 'mobile', 700, 70, { phase: phase(three) });
    await seedArm('hero-test', 'control', 500, 50, { phase: phase(paused) });
    await seedArm('hero-test', 'running', 500, 50, { phase: phase(paused) });
    await publishTestBundle(testBundleBody({ experiments: [paused] }));
    const body = (await (await report('hero-test', await adminToken())).json()) as Report;
    expect(body.arms.map((a) => [a.arm, a.exposures, a.expectedShare])).toEqual([
      ['control', 500, 0.5],
      ['running', 500, 0.5],
      ['mobile', 0, 0],
    ]);
    expect(body.srm).toMatchObject({ df: 1, mismatch: false });
  });

  describe('goals', () => {
    const event = env.DB.prepare(
      "INSERT INTO events (id, visitor_id, type, slot, name, value, currency, at, received_at, processed, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '{}')",
    );
    /** 4 visitors in `arm`, each with one event of the given shape an hour after exposure. */
    async function seedWith(
      e: ExperimentInput,
      shapes: { type: string; slot?: string; name?: string; value?: number; currency?: string }[],
    ) {
      await publishTestBundle(testBundleBody({ experiments: [e] }));
      const tag = `goal-${crypto.randomUUID().slice(0, 8)}`;
      await seedArm(e.id, 'running', shapes.length, 0, { tag, phase: phase(e) });
      await env.DB.batch(
        shapes.map((x, i) =>
          event.bind(
            `${tag}-event-${i}`,
            `${tag}-u${i}`,
            x.type,
            x.slot ?? null,
            x.name ?? null,
            x.value ?? null,
            x.currency ?? null,
            T0 + i * 1000 + HOUR,
            T0 + HOUR,
          ),
        ),
      );
      const body = (await (await report(e.id, await adminToken())).json()) as Report;
      return { conversions: body.arms.find((a) => a.arm === 'running')!.conversions, body };
    }

    it('counts clicks on the experiment’s own slot only, not clicks anywhere on the site', async () => {
      const { conversions, body } = await seedWith(heroTest, [
        { type: 'click', slot: 'hero' },
        { type: 'click', slot: 'cta' },
        { type: 'click', slot: 'banner' },
        { type: 'page_view' },
      ]);
      expect(conversions).toBe(1);
      expect(body.conversion).toBe('clicks on slot hero');
    });

    it('counts clicks on any slot of the page for a page experiment', async () => {
      const pageTest: ExperimentInput = {
        id: 'home-test',
        scope: { page: 'deals' },
        arms: [{ id: 'control' }, { id: 'running', variants: { cta: 'cta-de' } }],
      };
      const { conversions } = await seedWith(pageTest, [
        { type: 'click', slot: 'cta' },
        { type: 'click', slot: 'banner' },
        { type: 'click', slot: 'hero' }, // not on /deals
      ]);
      expect(conversions).toBe(2);
    });

    it('counts clicks on the slots a goal names instead', async () => {
      const { conversions, body } = await seedWith(
        { ...heroTest, goal: { event: 'click', slots: ['cta', 'grid'] } },
        [
          { type: 'click', slot: 'hero' },
          { type: 'click', slot: 'cta' },
          { type: 'click', slot: 'grid' },
        ],
      );
      expect(conversions).toBe(2);
      expect(body.conversion).toBe('clicks on slots cta, grid');
    });

    it('counts a custom event by its name', async () => {
      const { conversions } = await seedWith(
        { ...heroTest, goal: { event: 'custom', name: 'newsletter_signup' } },
        [
          { type: 'custom', name: 'newsletter_signup' },
          { type: 'custom', name: 'video_play' },
          { type: 'click', slot: 'hero' },
        ],
      );
      expect(conversions).toBe(1);
    });

    it('counts purchases of at least the minimum value, in the goal’s currency only', async () => {
      const { conversions, body } = await seedWith(
        { ...heroTest, goal: { event: 'purchase', minValue: 50, currency: 'EUR' } },
        [
          { type: 'purchase', value: 80, currency: 'EUR' },
          { type: 'purchase', value: 50, currency: 'EUR' },
          { type: 'purchase', value: 49.99, currency: 'EUR' },
          { type: 'purchase', value: 500, currency: 'USD' },
        ],
      );
      expect(conversions).toBe(2);
      expect(body.conversion).toBe('purchases of at least 50 EUR');
    });
  });

  it('needs a read token and names the experiments it knows', async () => {
    await publishTestBundle(testBundleBody({ experiments: [heroTest] }));
    expect((await report('hero-test')).status).toBe(401);
    const missing = await report('nope', await adminToken());
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'known: holdout, hero-test',
    );
  });
});

describe('the bandit cron', () => {
  it('recomputes the split from D1, publishes the snapshot, and the edge follows it', async () => {
    await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
    const bandit: ExperimentInput = {
      ...heroTest,
      id: 'hero-bandit',
      type: 'bandit',
      bandit: { minExposures: 100, floor: 0.05 },
    };
    await publishTestBundle(testBundleBody({ experiments: [bandit] }));
    await seedArm('hero-bandit', 'control', 400, 8, { phase: phase(bandit) });
    await seedArm('hero-bandit', 'running', 400, 60, { phase: phase(bandit) });

    const worker = createControlWorker();
    const ctx = createExecutionContext();
    const scheduledTime = Date.parse('2026-11-23T11:05:00Z');
    await worker.scheduled(
      createScheduledController({ scheduledTime, cron: '*/5 * * * *' }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const snapshot = BanditSnapshot.parse(
      JSON.parse((await env.CONTENT.get(contentKeys.banditSnapshot()))!),
    );
    expect(snapshot.epoch).toBe('2026-11-23T11:05');
    const arms = snapshot.experiments['hero-bandit']!.arms;
    expect(arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['control', 400, 8],
      ['running', 400, 60],
    ]);
    expect(arms[0]!.share).toBeCloseTo(0.05, 2); // the floor
    expect(arms[1]!.share).toBeGreaterThan(0.9);

    // The visitor worker serves the pages (a fresh one: its snapshot cache starts empty).
    const edge = createWorker();
    let running = 0;
    for (let i = 0; i < 60; i++) {
      const headers = cookieHeader(await mintVisitorToken({ sub: `v-bandit-${i}` }));
      const res = await edge.fetch!(
        new Request('https://shop.test/', { headers }),
        env,
        createExecutionContext(),
      );
      if (
        (await res.text()).includes(
          'data-tessera-variant="hero-running" data-tessera-level="experiment"',
        )
      )
        running++;
    }
    expect(running).toBeGreaterThan(48);
  });
});
