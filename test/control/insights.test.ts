/**
 * The business reports of issue 17 through the admin API, over real D1 rows written the way the
 * consumers write them: GET /admin/attribution, GET|POST /admin/roi, GET /admin/maturity.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { insertStatements } from '../../control/consumers/decisions.ts';
import type { Assessment } from '../../shared/maturity/assess.ts';
import type { AttributionReport } from '../../shared/revenue/read-attribution.ts';
import type { RoiResult } from '../../shared/revenue/roi.ts';
import { DecisionRecord, type DecisionRecordInput } from '../../shared/schema/decision-record.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';

const H = 3600_000;
const visitor = (n: number) => n.toString(16).padStart(32, '0');

async function decision(
  id: string,
  v: number,
  at: number,
  slots: DecisionRecordInput['slots'],
  o: Partial<DecisionRecordInput> = {},
) {
  const r = DecisionRecord.parse({
    id,
    at: new Date(at).toISOString(),
    version: '0123456789abcdef',
    page: 'home',
    visitor: visitor(v),
    profile: 'visitor',
    context: {},
    reasons: [],
    slots,
    ...o,
  });
  await env.DB.batch(insertStatements(env.DB, r));
}

async function purchase(id: string, v: number, at: number, value: number, currency = 'EUR') {
  await env.DB.prepare(
    "INSERT INTO events (id, visitor_id, type, value, currency, at, received_at, processed, body) VALUES (?, ?, 'purchase', ?, ?, ?, ?, 1, '{}')",
  )
    .bind(id, visitor(v), value, currency, at, at)
    .run();
}

async function get(path: string, init: RequestInit = {}, scope = 'read') {
  return SELF.fetch(`https://shop.test${path}`, {
    ...init,
    headers: { ...bearerHeader(await mintAdminToken({ scope })), ...(init.headers ?? {}) },
  });
}

const affinity = {
  slot: 'hero',
  variant: 'hero-running',
  level: 'individual',
  reason: 'affinity:running',
} as const;
const fallback = {
  slot: 'hero',
  variant: 'hero-default',
  level: 'default',
  reason: 'default:no_match',
} as const;

describe('business reports (admin API)', () => {
  beforeEach(async () => {
    await env.DB.exec(
      'DELETE FROM decision_slots; DELETE FROM decisions; DELETE FROM exposures; DELETE FROM events;',
    );
    await publishTestBundle(
      testBundleBody({
        site: { name: 'Test Shop', lang: 'en', revenue: { currency: 'EUR', rates: { USD: 0.5 } } },
      }),
    );
  });

  it('refuses without a token, and a bad period precisely', async () => {
    for (const path of ['/admin/attribution', '/admin/roi', '/admin/maturity'])
      expect((await SELF.fetch(`https://shop.test${path}`)).status).toBe(401);
    const res = await get('/admin/maturity?days=0');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('days must be a whole number from 1 to 90');
  });

  it('attributes revenue to the decision that preceded it, in the reporting currency', async () => {
    const now = Date.now();
    await decision('d1', 1, now - 5 * H, [affinity]);
    await decision('d2', 2, now - 5 * H, [fallback]);
    await decision('d3', 3, now - 5 * H, [fallback]);
    await decision('dbg', 3, now - 4 * H, [affinity], { debug: true }); // never counts
    await purchase('p1', 1, now - 4 * H, 80);
    await purchase('p2', 2, now - 3 * H, 40, 'USD'); // 20 EUR
    await purchase('p3', 3, now - 2 * H, 10, 'GBP'); // no rate: excluded
    await purchase('p4', 4, now - 2 * H, 30); // no decision: unattributed
    const res = await get('/admin/attribution?days=1');
    expect(res.status).toBe(200);
    const a = (await res.json()) as AttributionReport;
    expect(a.currency).toBe('EUR');
    expect(a.conversions).toBe(3);
    expect(a.revenue).toBe(130);
    expect(a.unattributed).toEqual({ conversions: 1, revenue: 30 });
    expect(a.levels.map((r) => [r.key, r.exposures, r.conversions, r.revenue])).toEqual([
      ['individual: affinity', 1, 1, 80],
      ['default', 2, 1, 20],
    ]);
    expect(a.excluded).toEqual({ orders: 1, byCurrency: { GBP: { orders: 1, amount: 10 } } });
    expect(a.note).toContain('Observational');
  });

  it('ROI says which numbers are missing without a cost file, and without a holdout', async () => {
    const none = (await (await get('/admin/roi')).json()) as RoiResult;
    expect(none.status).toBe('incomplete');
    expect(none.missing.join(' | ')).toMatch(/a cost file.*\| incremental revenue: a holdout/);
    const costs = {
      schemaVersion: 1,
      currency: 'EUR',
      margin: 0.3,
      oneOff: { implementation: 1000 },
      monthly: { platform: 100, contentProduction: 100, optimisationHours: 0 },
    };
    const posted = (await (
      await get('/admin/roi', {
        method: 'POST',
        body: JSON.stringify(costs),
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as RoiResult;
    expect(posted.missing).toEqual([
      'incremental revenue: a holdout with purchases on both sides past its minimum sample (bundle holdout.share > 0)',
    ]);
    const bad = await get('/admin/roi', {
      method: 'POST',
      body: JSON.stringify({ schemaVersion: 1, margin: 2 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(JSON.stringify(await bad.json())).toContain('margin');
  });

  it('assesses maturity from the last 30 days of records, with the evidence and one next step', async () => {
    const now = Date.now();
    for (let i = 0; i < 10; i++)
      await decision(`m${i}`, 100 + i, now - (i + 1) * H, [i < 3 ? affinity : fallback], {
        profile: i < 5 ? 'visitor' : 'none',
        ...(i === 0 ? { reasons: ['profile.timeout'] } : {}),
      });
    await decision('old', 200, now - 40 * 24 * H, [affinity], { profile: 'customer' }); // outside 30 days
    const res = await get('/admin/maturity');
    expect(res.status).toBe(200);
    const a = (await res.json()) as Assessment;
    expect(a.decisions).toBe(10);
    const data = a.dimensions.find((d) => d.dimension === 'data')!;
    expect(data.evidence.find((l) => l.figure === 'profiledShare')!.value).toBeCloseTo(0.5, 10);
    const logic = a.dimensions.find((d) => d.dimension === 'decisionLogic')!;
    expect(logic.evidence.find((l) => l.figure === 'individualShare')!.value).toBeCloseTo(0.3, 10);
    const experience = a.dimensions.find((d) => d.dimension === 'experience')!;
    expect(experience.evidence.find((l) => l.figure === 'degradedShare')!.value).toBeCloseTo(
      0.1,
      10,
    );
    expect(a.dimensions).toHaveLength(5);
    expect(a.nextStep!.action.length).toBeGreaterThan(10);
  });
});
