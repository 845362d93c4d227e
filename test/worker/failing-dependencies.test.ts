/**
 * Every dependency on the page path failing in every way we know, through wrapped bindings over
 * real miniflare KV: the visitor always gets a 200 with the best fallback available, and the
 * response names what went wrong in X-Tessera-Reasons.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentKeys } from '../../shared/kv-keys.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import type { BundleBody } from '../../shared/schema/bundle.ts';
import { createWorker } from '../../worker/index.ts';
import { salvageBundle } from '../../shared/bundle/salvage.ts';
import {
  publishTestBundle,
  putVisitorProfile,
  storeUncheckedBundle,
  testBundleBody,
} from '../support/bundle.ts';
import {
  faultyKv,
  faultyQueue,
  fetchWith,
  recordingQueue,
  type ReadFault,
} from '../support/faults.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';
import { SEND_ATTEMPTS } from '../../worker/log/ship.ts';

const FAST = { KV_DEADLINE_MS: '30' };
const reasonsOf = (res: Response) => (res.headers.get('x-tessera-reasons') ?? '').split(',');
const variants = (html: string) =>
  [...html.matchAll(/data-tessera-variant="([^"]*)"/g)].map((m) => m[1]);

async function visit(
  overrides: Parameters<typeof fetchWith>[1],
  worker?: ReturnType<typeof createWorker>,
  settle = true,
) {
  const request = new Request('https://shop.test/', {
    headers: cookieHeader(await mintVisitorToken({ sub: 'v-runner' })),
  });
  const res = await fetchWith(request, { ...FAST, ...overrides }, worker, { settle });
  return { res, html: await res.text(), reasons: reasonsOf(res) };
}

const FAULTS: [string, ReadFault][] = [
  ['throws', 'throw'],
  ['hangs past its deadline', 'hang'],
  ['returns garbage', { garbage: '\u0000{"version": <html>' }],
];

describe('failing dependencies on the page path', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-runner', { segments: ['vip'], affinities: { running: 0.9 } });
  });

  for (const [how, fault] of FAULTS) {
    it(`PROFILES ${how}: 200 with the non-personal page and a profile reason`, async () => {
      const { res, html, reasons } = await visit({ PROFILES: faultyKv(env.PROFILES, fault) });
      expect(res.status).toBe(200);
      expect(variants(html)).toContain('banner-default');
      expect(reasons.some((r) => r.startsWith('profile.'))).toBe(true);
    });

    it(`CONTENT ${how} on a warm isolate: 200 with the last good bundle, still personalized`, async () => {
      const worker = createWorker();
      expect((await visit({}, worker)).res.status).toBe(200);
      const { res, html, reasons } = await visit(
        { CONTENT: faultyKv(env.CONTENT, fault), POINTER_TTL_MS: '0' },
        worker,
      );
      expect(res.status).toBe(200);
      expect(variants(html)).toContain('banner-vip');
      expect(reasons.some((r) => r.startsWith('pointer.'))).toBe(true);
    });

    it(`CONTENT ${how} on a cold isolate: 200 with the built-in page and a pointer reason`, async () => {
      const { res, reasons } = await visit({ CONTENT: faultyKv(env.CONTENT, fault) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-tessera-version')).toBe('none');
      expect(reasons.some((r) => r.startsWith('pointer.'))).toBe(true);
    });
  }

  it('the decision log carries the same reason codes as the response', async () => {
    const log = recordingQueue(env.DECISIONS);
    const { reasons } = await visit({
      PROFILES: faultyKv(env.PROFILES, 'throw'),
      DECISIONS: log.queue,
    });
    expect(reasons).toContain('profile.error');
    expect((log.sent[0] as { reasons: string[] }).reasons).toContain('profile.error');
  });

  for (const fault of ['throw', 'hang'] as const) {
    it(`a decision-log queue that ${fault === 'throw' ? 'fails' : 'never answers'} does not touch the response`, async () => {
      const broken = faultyQueue(env.DECISIONS, fault);
      const { res, html } = await visit({ DECISIONS: broken.queue }, undefined, fault === 'throw');
      expect(res.status).toBe(200);
      expect(variants(html)).toContain('banner-vip');
      // The send happens in waitUntil, after the response: give it a moment to be attempted.
      for (let i = 0; i < 50 && broken.attempts() === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      // A failing send is retried (worker/log/ship.ts) and then spilled to D1; a hung one is
      // still on its first try when the response is long gone.
      expect(broken.attempts()).toBe(fault === 'throw' ? SEND_ATTEMPTS : 1);
    });
  }

  it('both namespaces failing at once: 200, last good bundle, both reasons', async () => {
    const worker = createWorker();
    await visit({}, worker);
    const { res, reasons } = await visit(
      {
        CONTENT: faultyKv(env.CONTENT, 'throw'),
        PROFILES: faultyKv(env.PROFILES, 'hang'),
        POINTER_TTL_MS: '0',
      },
      worker,
    );
    expect(res.status).toBe(200);
    expect(reasons).toEqual(expect.arrayContaining(['pointer.error', 'profile.timeout']));
  });

  it('a pointer to a version that is missing: 200 with the last good bundle (warm) or the built-in page (cold)', async () => {
    const worker = createWorker();
    const good = await visit({}, worker);
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({ version: 'deadbeefdeadbeef', updatedAt: new Date().toISOString() }),
    );
    const warm = await visit({ POINTER_TTL_MS: '0' }, worker);
    expect(warm.res.status).toBe(200);
    expect(warm.res.headers.get('x-tessera-version')).toBe(
      good.res.headers.get('x-tessera-version'),
    );
    expect(warm.reasons).toContain('bundle.missing');
    const cold = await visit({});
    expect(cold.res.status).toBe(200);
    expect(cold.reasons).toContain('bundle.missing');
  });

  it('a bundle version whose stored body is garbage: the last good bundle keeps serving', async () => {
    const worker = createWorker();
    await visit({}, worker);
    const next = await publishTestBundle(testBundleBody({ site: { name: 'Next', lang: 'en' } }));
    const garbage = faultyKv(
      env.CONTENT,
      { garbage: 'not json at all' },
      (key) => key === contentKeys.bundle(next.version),
    );
    const { res, reasons } = await visit({ CONTENT: garbage, POINTER_TTL_MS: '0' }, worker);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tessera-version')).not.toBe(next.version);
    expect(reasons).toContain('bundle.invalid');
  });
});

describe('a bundle whose one variant cannot render', () => {
  /**
   * The test bundle as a writer stores it (defaults applied), with one hero variant the worker's
   * schema refuses (an unknown prop).
   */
  function withBrokenVariant(): BundleBody {
    const parsed = parseBundleBody(testBundleBody());
    if (!parsed.ok) throw new Error('the test bundle is valid');
    const body = parsed.body;
    const hero = body.slots.find((s) => s.id === 'hero')!;
    const running = hero.variants.find((v) => v.id === 'hero-running')!;
    (running.props as Record<string, unknown>).video = 'https://cdn.test/run.mp4';
    return body;
  }

  it('drops only that variant; the rest of the bundle is served', () => {
    const json = JSON.parse(
      JSON.stringify({ ...withBrokenVariant(), version: '0123456789abcdef' }),
    );
    const salvaged = salvageBundle(json);
    expect(salvaged?.dropped).toEqual(['hero/hero-running']);
    expect(
      salvaged?.bundle.slots.find((s) => s.id === 'hero')?.variants.map((v) => v.id),
    ).not.toContain('hero-running');
  });

  it('still rejects a bundle that is wrong outside its variants', () => {
    const json = JSON.parse(
      JSON.stringify({ ...testBundleBody(), version: '0123456789abcdef', pages: 'none' }),
    );
    expect(salvageBundle(json)).toBeUndefined();
  });

  it('serves the page: the broken variant’s slot falls back to its default, other slots stay personal', async () => {
    // Under the version its content hashes to, as an older worker would meet a bundle from a
    // newer CLI (whose schema accepts the prop).
    await publishTestBundle();
    await storeUncheckedBundle(withBrokenVariant() as unknown as Record<string, unknown>);
    await putVisitorProfile('v-runner', { segments: ['vip'], affinities: { running: 0.9 } });
    const { res, html, reasons } = await visit({});
    expect(res.status).toBe(200);
    const shown = variants(html);
    expect(shown).toContain('banner-vip');
    expect(shown).toContain('grid-runners');
    expect(shown).not.toContain('hero-running');
    expect(reasons).toContain('bundle.partial');
  });
});
