/**
 * The visit pipeline's phases called directly with data (worker/visit/): the mode table, the pure
 * choose phase, what a mode adds to a page, and what the log phase sends for each mode.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PreviewSession } from '../../shared/auth/preview-token.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { Profile } from '../../shared/schema/profile.ts';
import type { RequestContext } from '../../worker/decide/types.ts';
import { choose, type ChooseInput } from '../../worker/visit/choose.ts';
import { pageExtras } from '../../worker/visit/extras.ts';
import { logVisit, type LogInput } from '../../worker/visit/log.ts';
import { VISIT, visitMode, type VisitMode } from '../../worker/visit/mode.ts';
import { Timings } from '../../worker/visit/timings.ts';
import { buildTestBundle, testBundleBody } from '../support/bundle.ts';
import { recordingQueue } from '../support/faults.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from '../support/keys.ts';
import { loadConfig } from '../../shared/config.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const context: RequestContext = { path: '/', device: 'desktop', returning: true };
const session: PreviewSession = { path: '/', by: 'qa@example.com', exp: NOW / 1000 + 600 };

/** Half held out, and an A/B test on the hero for everyone else. */
const measured = testBundleBody({
  holdout: { share: 0.5, salt: 'phases' },
  experiments: [
    {
      id: 'hero-ab',
      type: 'ab',
      scope: { slot: 'hero' },
      arms: [{ id: 'control' }, { id: 'b', variant: 'hero-running' }],
    },
  ],
});

let bundle: Bundle;
beforeAll(async () => {
  bundle = await buildTestBundle(measured);
});

const input = (extra: Partial<ChooseInput> = {}): ChooseInput => ({
  bundle,
  pageId: 'home',
  context,
  now: NOW,
  consent: 'personal',
  visitorId: 'v-1',
  experiments: true,
  trace: false,
  ...extra,
});

/** The first of many visitors for whom `test` holds under `choose` (deterministic: hashing). */
function visitorWhere(test: (c: ReturnType<typeof choose>) => boolean): string {
  for (let i = 0; i < 1000; i++) {
    const id = `v-${i}`;
    if (test(choose(input({ visitorId: id })))) return id;
  }
  throw new Error('no such visitor among 1,000');
}

describe('visit mode', () => {
  const table = (m: VisitMode) => [m.kind, m.experiments, m.logs, m.counts, m.tracks];

  it('counts, logs and tracks an ordinary visit, with personalized caching headers left as they are', () => {
    expect(table(VISIT)).toEqual(['visit', true, true, true, true]);
    expect(VISIT.headers).toEqual({});
  });

  it('logs a debug render, flagged, but never counts it nor tracks it, and marks it no-store', () => {
    for (const debug of ['html', 'json'] as const) {
      const m = visitMode({ debug });
      expect(table(m)).toEqual(['debug', true, true, false, false]);
      expect(m.headers).toEqual({ 'cache-control': 'no-store' });
    }
  });

  it('shows a preview the ladder itself and records nothing, with noindex', () => {
    const m = visitMode({ preview: session });
    expect(table(m)).toEqual(['preview', false, false, false, false]);
    expect(m.headers['x-robots-tag']).toContain('noindex');
    expect(m.headers['cache-control']).toBe('no-store');
  });

  it('keeps a preview unrecorded when it also asks for the trace', () => {
    const m = visitMode({ preview: session, debug: 'html' });
    expect(table(m)).toEqual(['preview', false, false, false, false]);
    expect(m.debug).toBe('html');
  });

  it('answers a dry run exactly as a visit (experiments apply) but logs and counts nothing', () => {
    expect(table(visitMode({ dryRun: true }))).toEqual(['dry-run', true, false, false, false]);
  });
});

describe('choose', () => {
  it('gives every slot its default at consent none: no holdout, no arm, nothing measured', () => {
    const c = choose(input({ consent: 'none' }));
    expect(c.decisions.map((d) => [d.slot, d.level, d.reason])).toEqual(
      ['banner', 'hero', 'grid', 'quote', 'cta'].map((s) => [s, 'default', 'default:consent']),
    );
    expect(c).toMatchObject({
      holdout: false,
      exposures: [],
      sticky: false,
      measuresHoldout: false,
    });
  });

  it('puts a held-out visitor on defaults and measures the holdout', () => {
    const held = visitorWhere((c) => c.holdout);
    const c = choose(input({ visitorId: held }));
    expect(c.decisions.every((d) => d.reason === 'holdout')).toBe(true);
    expect(c).toMatchObject({ holdout: true, exposures: [], sticky: true, measuresHoldout: true });
  });

  it('assigns a personalized visitor an arm of the hero test, the same one every time', () => {
    const inTest = visitorWhere((c) => c.exposures.length > 0);
    const first = choose(input({ visitorId: inTest }));
    expect(first.exposures).toEqual([
      expect.objectContaining({ experiment: 'hero-ab', slots: ['hero'] }),
    ]);
    expect(choose(input({ visitorId: inTest }))).toEqual(first);
  });

  it('shows the ladder without experiments: no holdout even for a held-out visitor', () => {
    const held = visitorWhere((c) => c.holdout);
    const c = choose(input({ visitorId: held, experiments: false }));
    expect(c.holdout).toBe(false);
    expect(c.exposures).toEqual([]);
    expect(c.decisions.some((d) => d.reason === 'holdout')).toBe(false);
    expect(c.measuresHoldout).toBe(false);
  });

  it('decides from the profile it is given, and lists every candidate when asked for a trace', () => {
    const vip = Profile.parse({ id: 'v-vip', segments: ['vip'] });
    const c = choose(input({ profile: vip, experiments: false, trace: true }));
    const banner = c.decisions.find((d) => d.slot === 'banner')!;
    expect(banner).toMatchObject({ variant: 'banner-vip', level: 'segment' });
    expect(banner.candidates?.map((x) => x.status)).toContain('chosen');
    const plain = choose(input({ profile: vip, experiments: false }));
    expect(plain.decisions.find((d) => d.slot === 'banner')?.candidates).toBeUndefined();
  });
});

describe('page extras by mode', () => {
  const p = { nonce: 'n0nce', decisionId: 'd-1', version: 'abc', consent: 'personal' as const };

  it('adds the tracker to a counted visit, but not at consent none', () => {
    expect(pageExtras(VISIT, p).bodyEnd).toContain('data-decision="d-1"');
    expect(pageExtras(VISIT, { ...p, consent: 'none' }).bodyEnd).toBe('');
    expect(pageExtras(VISIT, p).head).toBe('');
  });

  it('gives a preview its ribbon and noindex and no tracker', () => {
    const e = pageExtras(visitMode({ preview: session }), p);
    expect(e.head).toContain('noindex');
    expect(e.bodyEnd).toContain('data-tessera-preview');
    expect(e.bodyEnd).not.toContain('/__tessera/t.js');
  });
});

describe('the log phase', () => {
  const config = loadConfig({ VISITOR_KEYS: TEST_VISITOR_KEYS, ADMIN_KEYS: TEST_ADMIN_KEYS });

  async function logged(mode: VisitMode, visitorId: string): Promise<DecisionRecord[]> {
    const { queue, sent } = recordingQueue(env.DECISIONS);
    const pending: Promise<unknown>[] = [];
    const choice = choose(input({ visitorId }));
    const log: LogInput = {
      mode,
      decisionId: `d-${mode.kind}-${visitorId}`,
      now: NOW,
      version: bundle.version,
      pageId: 'home',
      read: {
        consent: { level: 'personal', reasons: [] },
        identity: { visitorId, isNew: false },
        profileSource: 'none',
      },
      context,
      choice,
      rendered: choice.decisions.map((d) => ({ html: '', variant: d.variant })),
      reasons: [],
    };
    logVisit(
      { queue, db: env.DB, visitorKeys: config.visitorKeys, waitUntil: (p) => pending.push(p) },
      log,
    );
    await Promise.all(pending);
    return sent.map((s) => DecisionRecord.parse(s));
  }

  it('sends a counted visit with its holdout side and arms', async () => {
    const [record] = await logged(
      VISIT,
      visitorWhere((c) => c.exposures.length > 0),
    );
    expect(record).toMatchObject({ debug: false, holdout: 'personalized' });
    expect(record?.experiments?.map((e) => e.id)).toEqual(['hero-ab']);
  });

  it('sends a debug render flagged, without holdout or arms', async () => {
    const records = await logged(
      visitMode({ debug: 'json' }),
      visitorWhere((c) => c.exposures.length > 0),
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ debug: true });
    expect(records[0]?.experiments).toBeUndefined();
    expect(records[0]?.holdout).toBeUndefined();
  });

  it('sends nothing for a preview or a dry run', async () => {
    expect(await logged(visitMode({ preview: session }), 'v-1')).toEqual([]);
    expect(await logged(visitMode({ dryRun: true }), 'v-1')).toEqual([]);
  });
});

describe('timings', () => {
  it('times each phase from the previous mark and the total from the start', () => {
    const clock = [100, 103, 110, 111];
    const t = new Timings(() => clock.shift()!);
    t.mark('identity');
    t.mark('kv');
    t.add('origin', 42);
    t.mark('render');
    expect(t.header()).toBe('identity;dur=3, kv;dur=7, origin;dur=42, render;dur=1, total;dur=11');
  });
});
