/**
 * Origin pages on the same visit pipeline as Tessera's own (issue 11): the same decision record
 * and exposures — counting only what the page really showed —, the same consent rules, preview
 * links and the debug trace.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { PREVIEW_SESSION_AUDIENCE, signPreviewToken } from '../../shared/auth/preview-token.ts';
import { configFor } from '../../shared/config.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import type { Trace } from '../../worker/debug/trace.ts';
import { createWorker } from '../../worker/index.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { buildTestBundle, publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { recordingQueue } from '../support/faults.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { markers, SHOP, variantOf } from '../support/origin/visit.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';
import { bundleText } from '../../shared/bundle/version.ts';
import { contentKeys } from '../../shared/kv-keys.ts';

/** Everyone measured: a holdout (either side is an exposure) and an A/B test on the banner. */
const measured = originBundleBody({
  holdout: { share: 0.5, salt: 'origin-visit' },
  experiments: [
    {
      id: 'banner-ab',
      type: 'ab',
      scope: { slot: 'banner' },
      arms: [{ id: 'control' }, { id: 'vip-look', variant: 'banner-vip' }],
    },
  ],
});

/** One visit through the whole worker, body read to the end, waitUntil work finished. */
async function view(path: string, headers: Record<string, string> = {}) {
  const { queue, sent } = recordingQueue(env.DECISIONS);
  const ctx = createExecutionContext();
  const res = await createWorker().fetch!(
    new Request(`${SHOP}${path}`, { headers }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DECISIONS: queue },
    ctx,
  );
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, records: sent.map((s) => DecisionRecord.parse(s)) };
}

const asVisitor = async (id: string) => cookieHeader(await mintVisitorToken({ sub: id }));

/** A visitor in the banner test (not held out), found by trying ids. */
async function bannerTestVisitor(): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const id = `v-origin-arm-${i}`;
    const { records } = await view('/o/a', await asVisitor(id));
    if (records[0]?.experiments?.some((e) => e.id === 'banner-ab')) return id;
  }
  throw new Error('no visitor in the banner test among 200');
}

describe('the decision record of an origin page', () => {
  beforeEach(async () => {
    await publishTestBundle(measured);
  });

  it('logs the page, each slot the page showed, and its exposures', async () => {
    const visitor = await bannerTestVisitor();
    const { res, records } = await view('/o/a', await asVisitor(visitor));
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.id).toBe(res.headers.get('x-tessera-decision'));
    expect(r.page).toBe('article');
    expect(r.slots.map((s) => s.slot)).toEqual(['banner', 'hero']);
    expect(r.slots.every((s) => s.variant !== '')).toBe(true);
    expect(r.holdout).toBe('personalized');
    expect(r.experiments?.map((e) => e.id)).toEqual(['banner-ab']);
  });

  it('counts no exposure for an experiment whose slot the origin page did not show', async () => {
    const visitor = await bannerTestVisitor();
    const { records } = await view('/o/a?slots=hero', await asVisitor(visitor));
    const r = records[0]!;
    expect(r.slots.find((s) => s.slot === 'banner')?.variant).toBe('');
    expect(r.experiments).toBeUndefined();
    expect(r.holdout).toBe('personalized'); // the hero was shown
  });

  it('logs nothing for a page where no slot of its own appeared, and says why slots were kept', async () => {
    const none = await view('/o/a?slots=nosuch', await asVisitor('v-origin-none'));
    expect(none.records).toEqual([]);
    const mixed = await view('/o/a?slots=hero,nosuch', await asVisitor('v-origin-mixed'));
    expect(mixed.records[0]?.reasons).toContain('slot.unknown');
  });

  it('shows defaults, no tracker and no cookie at consent none, and counts nothing', async () => {
    const { res, body, records } = await view('/o/a', { cookie: 'tsr_consent=none' });
    expect(markers(body).map((m) => m.variant)).toEqual(['hero-default', 'banner-default']);
    expect(body).not.toContain('/__tessera/t.js');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(records[0]?.experiments).toBeUndefined();
    expect(records[0]?.holdout).toBeUndefined();
  });
});

describe('preview and debug on origin pages', () => {
  it('previews a not-yet-live version on an origin page: ribbon, noindex, no-store, nothing logged', async () => {
    await publishTestBundle(originBundleBody());
    const draft = await buildTestBundle(
      originBundleBody({
        slots: originBundleBody().slots.map((s) =>
          s.id === 'banner' ? { ...s, default: 'banner-vip' } : s,
        ),
      }),
    );
    await env.CONTENT.put(contentKeys.bundle(draft.version), bundleText(draft));
    const ring = await keyringFor(configFor(env).adminKeys);
    const now = Math.floor(Date.now() / 1000);
    const session = await signPreviewToken(ring, {
      by: 'qa@test',
      target: { path: '/o/a', version: draft.version },
      audience: PREVIEW_SESSION_AUDIENCE,
      nowSeconds: now,
      expSeconds: now + 600,
    });
    const { res, body, records } = await view('/o/a', { cookie: `__Host-tsr_preview=${session}` });
    expect(res.headers.get('x-tessera-version')).toBe(draft.version);
    expect(variantOf(body, 'banner')).toBe('banner-vip');
    expect(body).toContain('data-tessera-preview');
    // noindex in the head, the stylesheet first in the body, the ribbon before </body>.
    expect(body).toContain('<meta name="robots" content="noindex, nofollow"></head><body><link ');
    expect(body).toMatch(/data-tessera-preview[^]*<\/body><\/html>$/);
    expect(body).not.toContain('/__tessera/t.js');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
    expect(records).toEqual([]);
  });

  it('appends the trace panel with a read token, logs it as debug and counts nothing', async () => {
    await publishTestBundle(measured);
    await putVisitorProfile('v-origin-debug', { segments: ['vip'] });
    const { res, body, records } = await view('/o/a?tessera_debug=1', {
      ...(await asVisitor('v-origin-debug')),
      ...bearerHeader(await mintAdminToken({ scope: 'read' })),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatch(
      /<aside class="tessera-debug"[^]*data-tessera-debug-slot="banner"[^]*<\/aside><\/body><\/html>$/,
    );
    expect(body).not.toContain('/__tessera/t.js');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ debug: true, page: 'article' });
    expect(records[0]?.experiments).toBeUndefined();
    expect(records[0]?.holdout).toBeUndefined();
  });

  it('returns the trace as JSON without fetching the origin', async () => {
    await publishTestBundle(originBundleBody());
    await putVisitorProfile('v-origin-json', { segments: ['vip'] });
    const { res, body } = await view('/o/a?tessera_debug=json&crash=1', {
      ...(await asVisitor('v-origin-json')),
      ...bearerHeader(await mintAdminToken({ scope: 'read' })),
    });
    expect(res.headers.get('content-type')).toContain('application/json');
    const trace = JSON.parse(body) as Trace;
    expect(trace.page).toEqual({ id: 'article', path: '/o/*' });
    expect(trace.slots.find((s) => s.slot === 'banner')).toMatchObject({ variant: 'banner-vip' });
  });
});
