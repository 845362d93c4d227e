/**
 * The report rollup (issue 17): experiment and holdout reports from the cron's one row per
 * visitor plus the raw tail equal the reports read raw — on seeded months, after runs that
 * repeat, overlap or die half-way, with late events and after erasure. Real D1, the control
 * plane's scheduled handler and admin routes.
 */
import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createControlWorker } from '../../control/index.ts';
import { holdoutPhaseOf, phaseOf } from '../../shared/experiments/phase.ts';
import { mulberry32, type Rng } from '../../shared/experiments/random.ts';
import { experimentReport, type Report } from '../../shared/experiments/report.ts';
import { attributionReport } from '../../shared/revenue/insights.ts';
import { readAttribution, type AttributionReport } from '../../shared/revenue/read-attribution.ts';
import { rollUp } from '../../shared/rollup/build.ts';
import { holdoutGoal } from '../../shared/experiments/goals.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import {
  Experiment,
  Holdout,
  HOLDOUT_EXPERIMENT,
  type ExperimentInput,
  type HoldoutInput,
} from '../../shared/schema/experiment.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { visitorPseudonym } from '../support/pseudonyms.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The seeded month ends here; the cron runs at NOW (so the last hours are the raw tail). */
const END = Date.parse('2026-11-30T09:00:00Z');
const START = END - 30 * DAY;
const NOW = END;

const heroTest: ExperimentInput = {
  id: 'hero-test',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running' }],
  goal: { event: 'click' },
  windowHours: 48,
  minVisitorsPerArm: 10,
};
const holdoutInput: HoldoutInput = {
  share: 0.1,
  salt: 'h',
  windowHours: 168,
  minVisitorsPerArm: 10,
};
const heroPhase = phaseOf(Experiment.parse(heroTest));
const holdoutPhase = holdoutPhaseOf(Holdout.parse(holdoutInput));

const body = (holdout: HoldoutInput = holdoutInput) =>
  testBundleBody({
    site: {
      name: 'Test Shop',
      lang: 'en',
      revenue: { currency: 'EUR', rates: { USD: 0.9 }, cap: { percentile: 0.95 } },
    },
    holdout,
    experiments: [heroTest],
  });

type ExposureRow = [
  decision: string,
  experiment: string,
  arm: string,
  unit: string,
  sticky: 0 | 1,
  at: number,
  phase: string,
  channel: string,
];
type EventRow = [
  id: string,
  visitor: string,
  type: string,
  slot: string | null,
  value: number | null,
  currency: string | null,
  at: number,
  receivedAt: number,
];

async function insert(exposures: ExposureRow[], events: EventRow[]) {
  for (let i = 0; i < Math.max(exposures.length, events.length); i += 2000) {
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at, phase, channel)
          SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,
            j.value ->> 5, j.value ->> 6, j.value ->> 7 FROM json_each(?1) AS j`,
      ).bind(JSON.stringify(exposures.slice(i, i + 2000))),
      env.DB.prepare(
        `INSERT INTO events (id, visitor_id, type, slot, value, currency, at, received_at, processed, body)
          SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,
            j.value ->> 5, j.value ->> 6, j.value ->> 7, 1, '{}' FROM json_each(?1) AS j`,
      ).bind(JSON.stringify(events.slice(i, i + 2000))),
    ]);
  }
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * A visitor's visits between `from` and `to`: each exposes them to the holdout and the hero test
 * (a few get a stray second arm), with clicks on the hero or elsewhere, and purchases — in EUR,
 * USD (converted) or GBP (excluded), some before the exposure or after the window.
 */
function visits(rng: Rng, unit: string, from: number, to: number, n: number) {
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  const held = rng() < 0.1 ? 'holdout' : 'personalized';
  const arm = rng() < 0.5 ? 'control' : 'running';
  const buyer = rng() < (held === 'holdout' ? 0.2 : 0.3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(from + rng() * (to - from));
    const d = `${unit}-${at}-${k}`;
    const stray = rng() < 0.03;
    const channel = rng() < 0.1 ? 'app' : 'web';
    exposures.push(
      [d, HOLDOUT_EXPERIMENT, stray ? 'holdout' : held, unit, 1, at, holdoutPhase, channel],
      [d, 'hero-test', stray ? 'running' : arm, unit, 1, at, heroPhase, channel],
    );
    const ev = (
      type: string,
      t: number,
      slot: string | null,
      value: number | null,
      cur: string | null,
    ) =>
      events.push([
        `${d}-${type}-${events.length}`,
        unit,
        type,
        slot,
        value,
        cur,
        t,
        t + Math.floor(rng() * 5 * MINUTE),
      ]);
    if (rng() < 0.3)
      ev('click', at + Math.floor(rng() * 3 * HOUR), rng() < 0.8 ? 'hero' : 'grid', null, null);
    if (rng() < 0.05) ev('click', at - HOUR, 'hero', null, null); // before the exposure
    if (buyer && rng() < 0.5) {
      const r = rng();
      const currency = r < 0.9 ? 'EUR' : r < 0.97 ? 'USD' : 'GBP';
      const value = cents(15 * Math.exp(1.2 * (rng() + rng() + rng() - 1.5)) + 5);
      ev('purchase', at + Math.floor(rng() * 10 * DAY), null, value, currency);
    }
    if (rng() < 0.02) ev('page_view', at, null, null, null);
  }
  return { exposures, events };
}

/** A month of `n` visitors, per-request units and an earlier phase, from a seed. */
async function seedMonth(seed: number, n: number) {
  const rng = mulberry32(seed);
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let v = 0; v < n; v++) {
    const first = START + rng() * 29 * DAY;
    const got = visits(
      rng,
      `s${seed}-v${v}`,
      first,
      Math.min(END - 2 * HOUR, first + 10 * DAY),
      1 + Math.floor(rng() * 5),
    );
    exposures.push(...got.exposures);
    // The month's own events end before today (today's come from seedToday).
    events.push(...got.events.filter((e) => e[6] < END - 2 * HOUR));
  }
  for (let i = 0; i < 12; i++) {
    const at = Math.floor(START + rng() * 30 * DAY);
    exposures.push([
      `req-${seed}-${i}`,
      'hero-test',
      'control',
      `req-${seed}-${i}`,
      0,
      at,
      heroPhase,
      'web',
    ]);
    exposures.push([
      `old-${seed}-${i}`,
      'hero-test',
      'running',
      `s${seed}-v${i}`,
      1,
      at - 40 * DAY,
      'old-phase',
      'web',
    ]);
  }
  await insert(exposures, events);
}

/** Today: returning and new visitors after the rollup's horizon (NOW − 5 min). */
async function seedToday(seed: number) {
  const rng = mulberry32(seed + 1000);
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let v = 0; v < 30; v++) {
    const unit = v % 2 ? `s${seed}-v${v}` : `s${seed}-today-${v}`;
    const got = visits(rng, unit, NOW - 4 * MINUTE, NOW + 20 * MINUTE, 1 + Math.floor(rng() * 2));
    exposures.push(...got.exposures);
    events.push(...got.events);
  }
  await insert(exposures, events);
}

/** The control plane's cron at `at`, as scheduled in production. */
async function cron(at: number) {
  const ctx = createExecutionContext();
  await createControlWorker({ now: () => at }).scheduled(
    createScheduledController({ scheduledTime: at, cron: '*/5 * * * *' }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

async function horizons() {
  const { results } = await env.DB.prepare(
    'SELECT experiment, upto FROM report_rollups ORDER BY experiment',
  ).all<{ experiment: string; upto: number }>();
  return results;
}

/** Runs the cron at `at` until the rollup has caught up (a new phase advances a few days a run). */
async function catchUp(at: number) {
  for (let i = 0; i < 60; i++) {
    const before = JSON.stringify(await horizons());
    await cron(at);
    if (JSON.stringify(await horizons()) === before) return;
  }
  throw new Error('the rollup did not catch up in 60 runs');
}

async function routeReport(id: string): Promise<Report> {
  const res = await SELF.fetch(`https://shop.test/admin/experiments/${id}/report`, {
    headers: bearerHeader(await mintAdminToken({ scope: 'read' })),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

/** The same report read raw (every exposure and event), as before the rollup. */
async function rawReport(bundle: Bundle, id: string): Promise<Report> {
  return JSON.parse(
    JSON.stringify(await experimentReport(env.DB, bundle, id, { raw: true })),
  ) as Report;
}

/**
 * Equal but for the `rollup` note, counts exactly and sums to floating-point rounding (rows add
 * visitors' revenue in another order than the raw fold).
 */
function expectSame(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Math.abs(expected) < 1e6 && Number.isInteger(actual))
      expect(actual, path).toBe(expected);
    else
      expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(expected)),
      );
    return;
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = (o: Record<string, unknown>) =>
      Object.keys(o).filter((k) => k !== 'rollup' && k !== 'rolledUpDays');
    expect(keys(a).sort(), path).toEqual(keys(e).sort());
    for (const k of keys(e)) expectSame(a[k], e[k], `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

async function expectReportsMatchRaw(bundle: Bundle) {
  const [viaRollup, raw] = [await routeReport('hero-test'), await rawReport(bundle, 'hero-test')];
  expect(viaRollup.rollup, 'the experiment report used the rollup').toBeDefined();
  expect(viaRollup.holdout?.rollup, 'the holdout report used the rollup').toBeDefined();
  expectSame(viaRollup, raw);
  return viaRollup;
}

describe('report rollup', () => {
  beforeEach(async () => {
    await env.DB.exec(
      'DELETE FROM exposures; DELETE FROM events; DELETE FROM report_visitors; DELETE FROM report_rollups;',
    );
  });

  it.each([1, 2, 3])(
    'gives the raw report’s numbers from the rollup plus today’s raw rows (seed %i)',
    async (seed) => {
      const bundle = await publishTestBundle(body());
      await seedMonth(seed, 150);
      await catchUp(NOW);
      expect((await horizons()).map((h) => h.upto)).toEqual([NOW - 5 * MINUTE, NOW - 5 * MINUTE]);
      await seedToday(seed);
      const r = await expectReportsMatchRaw(bundle);
      // Both parts were used: rows for most visitors, the raw tables for today's.
      expect(r.holdout!.rollup!.recomputed).toBeGreaterThan(0);
      expect(r.holdout!.rollup!.recomputed).toBeLessThan(r.holdout!.phase!.visitors / 2);
      // The month exercises capping, conversion and exclusion of currencies.
      const revenue = r.holdout!.revenue!;
      expect(revenue.capping.capped).toBeGreaterThan(0);
      expect(revenue.converted?.USD).toBeDefined();
      expect(revenue.excluded?.orders).toBeGreaterThan(0);
      expect(r.excluded).toBe(12);
      expect(r.earlierPhases?.map((p) => p.id)).toEqual(['old-phase']);
      expect(r.channels).toEqual(['app', 'web']);
    },
  );

  it('reads the raw tables until the cron has built the rollup, and after the goal or window changes', async () => {
    await publishTestBundle(body());
    await seedMonth(7, 40);
    expect((await routeReport('hero-test')).rollup).toBeUndefined();
    await catchUp(NOW);
    expect((await routeReport('hero-test')).holdout!.rollup).toBeDefined();
    const wider = await publishTestBundle(body({ ...holdoutInput, windowHours: 72 }));
    const before = await routeReport('hero-test');
    expect(before.holdout!.rollup).toBeUndefined();
    expectSame(before, await rawReport(wider, 'hero-test'));
    await catchUp(NOW + HOUR);
    expectSame(await routeReport('hero-test'), await rawReport(wider, 'hero-test'));
    expect((await routeReport('hero-test')).holdout!.rollup).toBeDefined();
  });

  it('forgets the rows of a phase that is no longer live', async () => {
    await publishTestBundle(body());
    await seedMonth(9, 30);
    await catchUp(NOW);
    const rowsOf = async (experiment: string) =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM report_visitors WHERE experiment = ?1')
        .bind(experiment)
        .first<{ n: number }>())!.n;
    expect(await rowsOf('hero-test')).toBeGreaterThan(0);
    await publishTestBundle({ ...body(), experiments: [] });
    await cron(NOW + HOUR);
    expect(await rowsOf('hero-test')).toBe(0);
    expect((await horizons()).map((h) => h.experiment)).toEqual([HOLDOUT_EXPERIMENT]);
    expect(await rowsOf(HOLDOUT_EXPERIMENT)).toBeGreaterThan(0);
  });

  it('changes nothing when the cron runs again, twice at once, or after a run died half-way', async () => {
    const bundle = await publishTestBundle(body());
    await seedMonth(11, 120);
    await catchUp(NOW);
    const rows = async () =>
      (await env.DB.prepare('SELECT * FROM report_visitors ORDER BY experiment, unit').all())
        .results;
    const built = await rows();
    await cron(NOW);
    await cron(NOW);
    expect(await rows()).toEqual(built);

    await seedToday(11);
    // A run that dies after writing its rows, before moving its horizon.
    const dying = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare')
          return (sql: string) => {
            if (sql.includes('UPDATE report_rollups')) throw new Error('the isolate died');
            return target.prepare(sql);
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const spec = {
      experiment: HOLDOUT_EXPERIMENT,
      phase: holdoutPhase,
      goal: holdoutGoal(Holdout.parse(holdoutInput)),
      windowMs: 168 * HOUR,
    };
    await expect(rollUp(dying, spec, NOW + 40 * MINUTE)).rejects.toThrow('the isolate died');
    expect((await horizons()).find((h) => h.experiment === HOLDOUT_EXPERIMENT)!.upto).toBe(
      NOW - 5 * MINUTE,
    );
    await expectReportsMatchRaw(bundle);

    // Two runs at once, then one more: still the raw numbers.
    const ctx = createExecutionContext();
    const controller = createScheduledController({
      scheduledTime: NOW + 45 * MINUTE,
      cron: '*/5 * * * *',
    });
    const w = createControlWorker({ now: () => NOW + 45 * MINUTE });
    await Promise.all([w.scheduled(controller, env, ctx), w.scheduled(controller, env, ctx)]);
    await waitOnExecutionContext(ctx);
    await cron(NOW + 80 * MINUTE);
    const r = await expectReportsMatchRaw(bundle);
    expect(r.holdout!.rollup!.upto).toBe(new Date(NOW + 75 * MINUTE).toISOString());
  });

  it('counts an event that arrives a day late at once, and in the rollup after the next run', async () => {
    const bundle = await publishTestBundle(body());
    await seedMonth(13, 80);
    await catchUp(NOW);
    const unit = 's13-v5';
    const rowOf = async () =>
      env.DB.prepare(
        "SELECT purchases FROM report_visitors WHERE experiment = '_holdout' AND unit = ?1",
      )
        .bind(unit)
        .first<{ purchases: string | null }>();
    const exposedAt = (await env.DB.prepare(
      "SELECT MIN(at) AS at FROM exposures WHERE experiment = '_holdout' AND unit_id = ?1",
    )
      .bind(unit)
      .first<{ at: number }>())!.at;
    // Sent yesterday within the visitor's window, received (and stored) only now.
    const at = Math.max(exposedAt + HOUR, NOW - DAY);
    expect(at).toBeLessThan(exposedAt + 168 * HOUR);
    await insert([], [['late-order', unit, 'purchase', null, 321.5, 'EUR', at, NOW + MINUTE]]);
    expect((await rowOf())?.purchases ?? '').not.toContain('321.5');
    const r = await expectReportsMatchRaw(bundle);
    expect(r.holdout!.rollup!.recomputed).toBe(1);

    await cron(NOW + 40 * MINUTE);
    expect((await rowOf())!.purchases).toContain('321.5');
    await expectReportsMatchRaw(bundle);
  });

  it('keeps no erased visitor in the rollup, and no erased purchase in a report', async () => {
    const bundle = await publishTestBundle(body());
    await seedMonth(17, 60);
    const erased = await visitorPseudonym('v-erase');
    const kept = 's17-v3';
    await insert(
      [
        [
          'erase-d',
          HOLDOUT_EXPERIMENT,
          'personalized',
          erased,
          1,
          START + DAY,
          holdoutPhase,
          'web',
        ],
        ['erase-d', 'hero-test', 'control', erased, 1, START + DAY, heroPhase, 'web'],
      ],
      [
        ['erase-o', erased, 'purchase', null, 5000, 'EUR', START + DAY + HOUR, START + DAY + HOUR],
        ['kept-o', kept, 'purchase', null, 4000, 'EUR', NOW - 3 * DAY, NOW - 3 * DAY],
      ],
    );
    await catchUp(NOW);
    const rowsOf = async (unit: string) =>
      (
        await env.DB.prepare('SELECT unit, upto FROM report_visitors WHERE unit = ?1')
          .bind(unit)
          .all<{ upto: number }>()
      ).results;
    expect(await rowsOf(erased)).toHaveLength(2);

    const res = await SELF.fetch('https://shop.test/admin/privacy/visitors/v-erase', {
      method: 'DELETE',
      headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
    });
    expect(res.status).toBe(200);
    expect(await rowsOf(erased)).toEqual([]);
    await expectReportsMatchRaw(bundle);

    // Events erased while the visitor's exposures stay: the rows are recomputed, not kept.
    await env.DB.prepare('DELETE FROM events WHERE visitor_id = ?1').bind(kept).run();
    expect((await rowsOf(kept)).every((r) => r.upto < 0)).toBe(true);
    await expectReportsMatchRaw(bundle);
    await cron(NOW + 40 * MINUTE);
    expect((await rowsOf(kept)).every((r) => r.upto > 0)).toBe(true);
    await expectReportsMatchRaw(bundle);
  });
});

/** A month of decisions (two slots each, every ladder level), exposures and purchases before `now`. */
async function seedDecisions(seed: number, now: number, visitors: number) {
  const rng = mulberry32(seed);
  const decisions: unknown[] = [];
  const slots: unknown[] = [];
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  const levels = [
    ['individual', 'affinity:running', null, 'hero-running'],
    ['individual', 'nbo:hero-mobile', null, 'hero-mobile'],
    ['segment', 'rule:pro-greeting', 'pro-greeting', 'hero-greeting'],
    ['default', 'default:no_match', null, 'hero-default'],
  ] as const;
  for (let v = 0; v < visitors; v++) {
    const unit = v === 0 ? await visitorPseudonym('v-attr') : `a${seed}-v${v}`;
    for (let k = 0, n = 1 + Math.floor(rng() * 4); k < n; k++) {
      const at = Math.floor(now - rng() * 31 * DAY);
      const id = `a${seed}-${v}-${k}`;
      const [level, reason, rule, variant] = levels[Math.floor(rng() * levels.length)]!;
      decisions.push([id, new Date(at).toISOString(), unit, rng() < 0.05 ? 1 : 0]);
      slots.push(
        [id, 0, 'hero', variant, level, reason, rule],
        [id, 1, 'grid', 'grid-all', 'default', 'default:no_profile', null],
      );
      exposures.push([
        id,
        'hero-test',
        rng() < 0.5 ? 'control' : 'running',
        unit,
        1,
        at,
        heroPhase,
        'web',
      ]);
      if (rng() < 0.4) {
        const r = rng();
        const t = at + Math.floor(rng() * 9 * DAY); // some after the window, some after now
        if (t < now)
          events.push([
            `${id}-o`,
            unit,
            'purchase',
            null,
            cents(10 + 90 * rng()),
            r < 0.85 ? 'EUR' : r < 0.95 ? 'USD' : 'GBP',
            t,
            t,
          ]);
      }
    }
  }
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO decisions (id, at, version, page, visitor, consent, profile, context, reasons, debug)
        SELECT j.value ->> 0, j.value ->> 1, 'v', 'home', j.value ->> 2, 'personal', 'visitor', '{}', '[]', j.value ->> 3
        FROM json_each(?1) AS j`,
    ).bind(JSON.stringify(decisions)),
    env.DB.prepare(
      `INSERT INTO decision_slots (decision_id, position, slot, variant, level, reason, rule)
        SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
        FROM json_each(?1) AS j`,
    ).bind(JSON.stringify(slots)),
  ]);
  await insert(exposures, events);
}

describe('attribution rollup', () => {
  beforeEach(async () => {
    await env.DB.exec(
      'DELETE FROM decision_slots; DELETE FROM decisions; DELETE FROM exposures; DELETE FROM events; DELETE FROM attribution_days; DELETE FROM attribution_days_built;',
    );
  });

  const site = {
    currency: 'EUR',
    rates: { USD: 0.9 },
    attributionWindowHours: 72,
  };
  const siteBody = () => testBundleBody({ site: { name: 'Test Shop', lang: 'en', revenue: site } });

  it.each([21, 22])(
    'gives the raw table from settled days plus the last days read raw (seed %i)',
    async (seed) => {
      const bundle = await publishTestBundle(siteBody());
      const now = Date.now();
      await seedDecisions(seed, now, 120);
      for (let i = 0; i < 8; i++) await cron(now);
      const rolled = await attributionReport(env.DB, bundle, now, 30);
      const raw = await readAttribution(
        env.DB,
        { from: now - 30 * DAY, to: now },
        bundle.site.revenue,
        undefined,
        true,
      );
      expect(rolled.rolledUpDays).toBeGreaterThanOrEqual(26);
      expect(raw.exposureSample.every).toBe(1);
      expectSame(rolled, raw, 'attribution');
      expect(rolled.conversions).toBeGreaterThan(20);
      expect(rolled.converted?.USD).toBeDefined();
      expect(rolled.excluded?.orders).toBeGreaterThan(0);
      // The route serves it.
      const res = await SELF.fetch('https://shop.test/admin/attribution?days=30', {
        headers: bearerHeader(await mintAdminToken({ scope: 'read' })),
      });
      expect(((await res.json()) as AttributionReport).rolledUpDays).toBeGreaterThanOrEqual(26);
    },
  );

  it('drops the days an erased visitor counted in, then rebuilds them without them', async () => {
    const bundle = await publishTestBundle(siteBody());
    const now = Date.now();
    await seedDecisions(23, now, 80);
    const erased = await visitorPseudonym('v-attr');
    await insert(
      [],
      [['attr-erased-o', erased, 'purchase', null, 999, 'EUR', now - 10 * DAY, now - 10 * DAY]],
    );
    await env.DB.prepare(
      "INSERT INTO decisions (id, at, version, page, visitor, consent, profile, context, reasons, debug) VALUES ('attr-erased-d', ?1, 'v', 'home', ?2, 'personal', 'visitor', '{}', '[]', 0)",
    )
      .bind(new Date(now - 10 * DAY - HOUR).toISOString(), erased)
      .run();
    for (let i = 0; i < 8; i++) await cron(now);
    const rolledDays = async () => (await attributionReport(env.DB, bundle, now, 30)).rolledUpDays;
    const before = await rolledDays();
    expect(before).toBeGreaterThanOrEqual(26);
    const res = await SELF.fetch('https://shop.test/admin/privacy/visitors/v-attr', {
      method: 'DELETE',
      headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
    });
    expect(res.status).toBe(200);
    // The erased purchase's day and the days the erased decisions' windows reach are read raw.
    expect((await rolledDays()) ?? 0).toBeLessThan(before!);
    const period = { from: now - 30 * DAY, to: now };
    const raw = () => readAttribution(env.DB, period, bundle.site.revenue, undefined, true);
    expectSame(await attributionReport(env.DB, bundle, now, 30), await raw(), 'attribution');
    await cron(now);
    expect(await rolledDays()).toBe(before);
    expectSame(await attributionReport(env.DB, bundle, now, 30), await raw(), 'attribution');
  });
});
