/**
 * Exposures and consent (issues 5 and 7): only renders that could be in an experiment are
 * counted in one. At `none` the page shows defaults and no exposure is logged, not even the
 * holdout's; a QA preview logs nothing at all.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { adminInit, resetPublishing, testWorker } from '../support/admin.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { recordingQueue } from '../support/faults.ts';
import { visitorPseudonym } from '../support/pseudonyms.ts';
import { mintVisitorToken } from '../support/tokens.ts';

/** Half the visitors held out, and an A/B test on the hero for the rest. */
const measured = testBundleBody({
  holdout: { share: 0.5, salt: 'consent-holdout' },
  experiments: [
    {
      id: 'hero-ab',
      type: 'ab',
      scope: { slot: 'hero' },
      arms: [{ id: 'control' }, { id: 'b', variant: 'hero-running' }],
    },
  ],
});

/** A page view at `consent`; resolves once its decision record is in D1. */
async function loggedView(visitor: string, consent: string) {
  const token = await mintVisitorToken({ sub: visitor });
  const res = await SITE.fetch('https://shop.test/', {
    headers: { cookie: `__Host-tsr_vid=${token}; tsr_consent=${consent}` },
  });
  await res.arrayBuffer();
  const id = res.headers.get('x-tessera-decision')!;
  await eventually(() =>
    env.DB.prepare('SELECT id FROM decisions WHERE id = ?').bind(id).first<{ id: string }>(),
  );
  // Exposures are written in the same D1 batch (one transaction) as the decision row.
  const exposures = await env.DB.prepare(
    'SELECT experiment, unit_id, sticky FROM exposures WHERE decision_id = ? ORDER BY experiment',
  )
    .bind(id)
    .all<{ experiment: string; unit_id: string; sticky: number }>();
  return exposures.results;
}

describe('exposures and consent', () => {
  it('none: the render is logged, but no exposure — not even the holdout’s', async () => {
    await publishTestBundle(measured);
    for (let i = 0; i < 4; i++) expect(await loggedView(`v-exp-none-${i}`, 'none')).toEqual([]);
  }, 30_000);

  it('contextual: the holdout (and any arm) is logged, sticky, under the visitor’s pseudonym', async () => {
    await publishTestBundle(measured);
    const rows = await loggedView('v-exp-ctx', 'contextual');
    const unit = await visitorPseudonym('v-exp-ctx');
    expect(rows.find((r) => r.experiment === '_holdout')).toEqual({
      experiment: '_holdout',
      unit_id: unit,
      sticky: 1,
    });
    for (const row of rows) expect(row).toMatchObject({ unit_id: unit, sticky: 1 });
  }, 30_000);

  it('a QA preview of a measured bundle sends no decision record, so no exposure', async () => {
    await resetPublishing();
    const w = testWorker();
    const upload = await w.fetch('/admin/versions', await adminInit('POST', measured));
    const { version } = (await upload.json()) as { version: string };
    await w.fetch('/admin/live', await adminInit('PUT', { to: version, expected: null }));
    const link = await w.fetch(
      '/admin/previews',
      await adminInit('POST', { path: '/', version }, undefined),
    );
    const { url } = (await link.json()) as { url: string };
    const opened = await w.fetch(new URL(url).pathname + new URL(url).search, {
      redirect: 'manual',
    });
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^__Host-tsr_preview=/);

    const decisions = recordingQueue(env.DECISIONS);
    const res = await w.fetch('/', { headers: { cookie } }, { DECISIONS: decisions.queue });
    expect(res.headers.get('x-robots-tag')).toContain('noindex'); // it is the preview
    expect(decisions.sent).toEqual([]);
    // The same worker logs a visitor's view of that bundle: the recording queue would see it.
    await w.fetch('/', {}, { DECISIONS: decisions.queue });
    expect(decisions.sent).toHaveLength(1);
  });
});
