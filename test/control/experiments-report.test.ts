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
import type { ExperimentInput } from '../../shared/schema/experiment.ts';
import { signAdminToken } from '../../shared/auth/admin-token.ts';
import { loadConfig } from '../../shared/config.ts';
import { exposureStatements } from '../../control/consumers/exposures.ts';
import type { Report } from '../../shared/experiments/report.ts';
import { absoluteLift } from '../../shared/experiments/stats.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { createControlWorker } from '../../control/index.ts';
import { createWorker } from '../../worker/index.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
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

let unique = 0;
/** Writes `n` units exposed to an arm; the first `converted` click within the window. */
async function seedArm(
  experiment: string,
  arm: string,
  n: number,
  converted: number,
  o: { late?: number; before?: number } = {},
) {
  const tag = `${experiment}-${arm}-${unique++}`;
  const statements: D1PreparedStatement[] = [];
  const click = env.DB.prepare(
    "INSERT INTO events (id, visitor_id, type, at, received_at, processed, body) VALUES (?, ?, 'click', ?, ?, 1, '{}')",
  );
  for (let i = 0; i < n; i++) {
    const unitId = `${tag}-u${i}`;
    const at = T0 + i * 1000;
    statements.push(
      ...exposureStatements(env.DB, {
        decisionId: `${tag}-d${i}`,
        unitId,
        sticky: true,
        at,
        exposures: [{ experiment, arm }],
      }),
    );
    if (i < converted) statements.push(click.bind(`${tag}-c${i}`, unitId, at + HOUR, at + HOUR));
    // Clicks outside the attribution window, or before the exposure, never count.
    else if (i < converted + (o.late ?? 0))
      statements.push(click.bind(`${tag}-l${i}`, unitId, at + 25 * HOUR, at + 25 * HOUR));
    else if (i < converted + (o.late ?? 0) + (o.before ?? 0))
      statements.push(click.bind(`${tag}-b${i}`, unitId, at - HOUR, at - HOUR));
  }
  for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
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
    await publishTestBundle(
      testBundleBody({
        holdout: { share: 0.1, salt: 'h', goal: { event: 'click' }, windowHours: 24 },
        experiments: [heroTest],
      }),
    );
    await seedArm('_holdout', 'holdout', 100, 5);
    await seedArm('_holdout', 'personalized', 900, 90);
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
    await seedArm('hero-bandit', 'control', 400, 8);
    await seedArm('hero-bandit', 'running', 400, 60);

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
