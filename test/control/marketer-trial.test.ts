/**
 * Issue 12's trial as a marketer, end to end through the admin API the CLI's remote target uses
 * (`tessera diff|publish|history --target https://…`), the page, the tracker's `POST /events`,
 * both queue consumers and the report: add an experiment → diff, publish and history name it →
 * visitors click one slot → only that slot's experiment counts the clicks.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../shared/experiments/report.ts';
import { diffBundles } from '../../shared/publish/diff.ts';
import { Bundle } from '../../shared/schema/bundle.ts';
import type { ExperimentInput } from '../../shared/schema/experiment.ts';
import { adminInit, resetPublishing, testWorker } from '../support/admin.ts';
import { buildTestBundle, testBundleBody } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const ctaTest: ExperimentInput = {
  id: 'cta-test',
  scope: { slot: 'cta' },
  arms: [{ id: 'control' }, { id: 'german', variant: 'cta-de' }],
  minVisitorsPerArm: 1,
};
const heroTest: ExperimentInput = {
  id: 'hero-test',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running' }],
  minVisitorsPerArm: 1,
};

describe('trying experiments as a marketer', () => {
  it('add an experiment → diff, publish and history name it → clicks on one slot count for that slot’s experiment only', async () => {
    await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
    await resetPublishing();
    const w = testWorker(Date.now());
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await w.fetch(path, await adminInit(method, body));
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const upload = async (body: unknown) =>
      (await call('POST', '/admin/versions', body)).json.version as string;

    // Live: the site without experiments.
    const v1 = await upload(testBundleBody());
    expect((await call('PUT', '/admin/live', { to: v1, expected: null })).status).toBe(200);

    // The working copy adds two experiments. `tessera diff`: live (from the API) → working copy.
    const working = testBundleBody({ experiments: [ctaTest, heroTest] });
    const live = Bundle.parse((await call('GET', `/admin/versions/${v1}`)).json);
    const diff = diffBundles(live, await buildTestBundle(working)).map((c) => c.text);
    expect(diff).toEqual([
      'experiment "cta-test" added (A/B test on slot "cta": control vs german)',
      'experiment "hero-test" added (A/B test on slot "hero": control vs running)',
    ]);

    // `tessera publish`: upload, move; the move's summary is what `history` shows.
    w.tick();
    const v2 = await upload(working);
    const moved = await call('PUT', '/admin/live', { to: v2, expected: v1 });
    expect(moved.json.summary).toBe(diff.join('; '));
    const history = (await call('GET', '/admin/history')).json.records as { summary: string }[];
    expect(history[0]!.summary).toContain('experiment "cta-test" added');

    // Visitors see the home page (both experiments apply there) and click the CTA only.
    const visitors = Array.from({ length: 12 }, (_, i) => `v-trial-${i}`);
    for (const visitor of visitors) {
      const headers = cookieHeader(await mintVisitorToken({ sub: visitor }));
      const page = await w.fetch('/', { headers });
      expect(page.status).toBe(200);
      const decisionId = page.headers.get('x-tessera-decision')!;
      const posted = await w.fetch('/events', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: JSON.stringify({
          events: [
            { id: `pv-${visitor}`, type: 'page_view', decisionId },
            { id: `click-${visitor}`, type: 'click', slot: 'cta', decisionId },
          ],
        }),
      });
      expect(posted.status).toBe(202);
    }
    await eventually(async () => {
      const x = await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{ n: number }>();
      const e = await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM events WHERE type = 'click'",
      ).first<{
        n: number;
      }>();
      return x!.n >= 24 && e!.n >= 12 ? true : undefined;
    }, 30_000);

    const report = async (id: string) =>
      (await call('GET', `/admin/experiments/${id}/report`)).json as unknown as Report;
    const cta = await report('cta-test');
    const hero = await report('hero-test');
    const total = (r: Report, key: 'exposures' | 'conversions') =>
      r.arms.reduce((s, a) => s + a[key], 0);
    expect(total(cta, 'exposures')).toBe(12);
    expect(total(cta, 'conversions')).toBe(12);
    expect(cta.conversion).toBe('clicks on slot cta');
    expect(total(hero, 'exposures')).toBe(12);
    expect(total(hero, 'conversions')).toBe(0);
    expect(hero.conversion).toBe('clicks on slot hero');
  }, 60_000);

  it('ignores clicks one visitor posts with other visitors’ scraped decision ids', async () => {
    await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
    await resetPublishing();
    const w = testWorker(Date.now());
    const v = (await (
      await w.fetch(
        '/admin/versions',
        await adminInit('POST', testBundleBody({ experiments: [ctaTest] })),
      )
    ).json()) as { version: string };
    await w.fetch('/admin/live', await adminInit('PUT', { to: v.version, expected: null }));

    // 30 visitors see the page; someone scrapes their decision ids (page source, logs, referrers).
    const scraped: string[] = [];
    for (let i = 0; i < 30; i++) {
      const page = await w.fetch('/', {
        headers: cookieHeader(await mintVisitorToken({ sub: `v-victim-${i}` })),
      });
      scraped.push(page.headers.get('x-tessera-decision')!);
    }
    const attacker = cookieHeader(await mintVisitorToken({ sub: 'v-attacker' }));
    const posted = await w.fetch('/events', {
      method: 'POST',
      headers: { ...attacker, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: scraped.map((decisionId, i) => ({
          id: `scraped-click-${i}`,
          type: 'click',
          slot: 'cta',
          decisionId,
        })),
      }),
    });
    expect(posted.status).toBe(202);
    await eventually(async () => {
      const x = await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{ n: number }>();
      const e = await env.DB.prepare('SELECT COUNT(*) AS n FROM events').first<{ n: number }>();
      return x!.n >= 30 && e!.n >= 30 ? true : undefined;
    }, 30_000);
    const report = (await (
      await w.fetch('/admin/experiments/cta-test/report', await adminInit('GET'))
    ).json()) as Report;
    expect(report.arms.reduce((s, a) => s + a.exposures, 0)).toBe(30);
    expect(report.arms.map((a) => a.conversions)).toEqual([0, 0]);
  }, 60_000);
});
