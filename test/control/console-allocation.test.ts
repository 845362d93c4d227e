/**
 * The console's allocation chart (control/console/allocation-routes.ts): new visitors per arm per
 * day, each counted once on the day of their first exposure — how a bandit's split moved.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminInit, mintAdminToken, testWorker } from '../support/admin.ts';

const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 10, 23, 10, 0, 0);

async function expose(experiment: string, arm: string, unit: string, at: number, sticky = 1) {
  await env.DB.prepare(
    'INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)',
  )
    .bind(crypto.randomUUID(), experiment, arm, unit, sticky, at)
    .run();
}

async function allocation(w: ReturnType<typeof testWorker>, path: string, token?: string) {
  return w.fetch(path, await adminInit('GET', undefined, token));
}

describe('console allocation over time', () => {
  beforeEach(async () => {
    await env.DB.prepare('DELETE FROM exposures').run();
  });

  it('counts each visitor once, in the arm and on the day of their first exposure', async () => {
    const w = testWorker(TODAY);
    await expose('hero-test', 'a', 'v1', TODAY - 2 * DAY);
    await expose('hero-test', 'a', 'v1', TODAY - DAY); // a return visit: not a new visitor
    await expose('hero-test', 'b', 'v2', TODAY - DAY);
    await expose('hero-test', 'b', 'v3', TODAY);
    await expose('hero-test', 'b', 'v4', TODAY);
    await expose('hero-test', 'a', 'r1', TODAY, 0); // not sticky: no visitor to count
    await expose('other', 'a', 'v5', TODAY);
    const res = await allocation(w, '/admin/console/experiments/hero-test/allocation?days=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      experiment: 'hero-test',
      days: [
        { day: '2026-11-21', arms: { a: 1 } },
        { day: '2026-11-22', arms: { b: 1 } },
        { day: '2026-11-23', arms: { b: 2 } },
      ],
    });
  });

  it('leaves out visitors first seen before the window', async () => {
    const w = testWorker(TODAY);
    await expose('hero-test', 'a', 'v1', TODAY - 20 * DAY);
    await expose('hero-test', 'a', 'v1', TODAY);
    const res = await allocation(w, '/admin/console/experiments/hero-test/allocation?days=2');
    const body = (await res.json()) as { days: { arms: Record<string, number> }[] };
    expect(body.days.map((d) => d.arms)).toEqual([{}, {}]);
  });

  it('reads the holdout by its public name', async () => {
    const w = testWorker(TODAY);
    await expose('_holdout', 'holdout', 'v1', TODAY);
    const res = await allocation(w, '/admin/console/experiments/holdout/allocation?days=1');
    expect(((await res.json()) as { days: unknown[] }).days).toEqual([
      { day: '2026-11-23', arms: { holdout: 1 } },
    ]);
  });

  it('answers 404 for a name no experiment can have and 401 without a token', async () => {
    const w = testWorker(TODAY);
    const bad = await allocation(w, '/admin/console/experiments/Not%20An%20Id/allocation');
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      'unknown_experiment',
    );
    const anonymous = await w.fetch('/admin/console/experiments/hero-test/allocation');
    expect(anonymous.status).toBe(401);
  });

  it('needs only the read scope', async () => {
    const w = testWorker(TODAY);
    const token = await mintAdminToken({ scope: 'read' });
    const res = await allocation(w, '/admin/console/experiments/hero-test/allocation', token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { days: unknown[] }).days).toHaveLength(14);
  });
});
