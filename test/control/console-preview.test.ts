/**
 * The console's preview (control/console/preview-routes.ts → the visitor worker's preview
 * session): a draft body is checked, stored as a version and opened as a segment, a sample
 * visitor, and a pretended country, device, local time or referrer; the same browser then reads
 * that render's decision trace. Visitors without the session see live, and nothing is logged.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../worker/debug/trace.ts';
import { adminInit, resetPublishing, testWorker } from '../support/admin.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { publishTestBundle, putVisitorProfile, testBundleBody } from '../support/bundle.ts';

type Worker = ReturnType<typeof testWorker>;

/** The test bundle plus a hero variant for German phones and a VIP one. */
function draftBody() {
  const body = testBundleBody();
  type HeroSlot = Extract<(typeof body.slots)[number], { component: 'hero' }>;
  const hero = body.slots.find((s) => s.id === 'hero') as HeroSlot;
  hero.variants.push(
    { id: 'hero-de-mobile', props: { headline: 'Neu: Trailschuhe' } },
    { id: 'hero-vip', props: { headline: 'Welcome back, {{traits.firstName|friend}}' } },
    { id: 'hero-evening', props: { headline: 'Evening deals' } },
  );
  hero.rules = [
    { id: 'vip-hero', when: { segment: 'vip' }, variant: 'hero-vip' },
    {
      id: 'de-mobile',
      when: {
        all: [
          { field: 'context.country', op: 'eq', value: 'DE' },
          { field: 'context.device', op: 'eq', value: 'mobile' },
        ],
      },
      variant: 'hero-de-mobile',
    },
    {
      id: 'evening',
      when: { field: 'context.hour', op: 'gte', value: 18 },
      variant: 'hero-evening',
    },
    ...(hero.rules ?? []).filter((r) => r.id !== 'mobile-hero'),
  ];
  return body;
}

interface PreviewLink {
  version: string;
  url: string;
  traceUrl: string;
  expiresAt: string;
}

async function preview(w: Worker, target: object, body: unknown = draftBody()) {
  const res = await w.fetch('/admin/console/preview', await adminInit('POST', { body, target }));
  return res;
}

/** Opens the link as a browser would: the session cookie it sets, then the page and its trace. */
async function open(w: Worker, link: PreviewLink) {
  const start = await w.fetch(link.url, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const html = await (
    await w.fetch(start.headers.get('location')!, { headers: { cookie } })
  ).text();
  const trace = await (await w.fetch(link.traceUrl, { headers: { cookie } })).json<Trace>();
  return { html, trace, cookie };
}

const headline = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';

describe('console preview', () => {
  let w: Worker;
  beforeEach(async () => {
    await resetPublishing();
    await publishTestBundle();
    w = testWorker();
  });

  it('shows the draft as a German mobile visitor and explains it in the trace', async () => {
    const res = await preview(w, {
      path: '/',
      context: { country: 'DE', device: 'mobile', hour: 10 },
    });
    expect(res.status).toBe(201);
    const { html, trace } = await open(w, await res.json<PreviewLink>());
    expect(headline(html)).toBe('Neu: Trailschuhe');
    expect(trace.context).toMatchObject({ country: 'DE', device: 'mobile', hour: 10 });
    expect(trace.slots.find((s) => s.slot === 'hero')).toMatchObject({
      variant: 'hero-de-mobile',
      level: 'cohort',
      rule: 'de-mobile',
    });
  });

  it('shows the draft as a segment', async () => {
    const res = await preview(w, { path: '/', segment: 'vip', context: { hour: 10 } });
    const { html, trace } = await open(w, await res.json<PreviewLink>());
    expect(headline(html)).toBe('Welcome back, friend');
    expect(trace.slots.find((s) => s.slot === 'hero')).toMatchObject({ rule: 'vip-hero' });
  });

  it('shows the draft as a persona (a sample profile), with its profile', async () => {
    const persona = { id: 'p-rosa', traits: { firstName: 'Rosa' }, segments: ['vip'] };
    await env.PROFILES.put(profileKeys.persona('p-rosa'), JSON.stringify(persona));
    const res = await preview(w, { path: '/', as: 'p-rosa', context: { hour: 10 } });
    const { html, trace } = await open(w, await res.json<PreviewLink>());
    expect(headline(html)).toBe('Welcome back, Rosa');
    expect(trace.profile).not.toBe('none');
  });

  it('never previews as a real visitor: only personas, an unknown one named', async () => {
    await putVisitorProfile('v-real-ines', { traits: { firstName: 'Ines' } });
    const res = await preview(w, { path: '/', as: 'v-real-ines' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      error: { code: 'unknown_persona', message: expect.stringContaining('"v-real-ines"') },
    });
  });

  it('pretends a local time', async () => {
    const res = await preview(w, { path: '/', context: { hour: 19, weekday: 'sat' } });
    const { html, trace } = await open(w, await res.json<PreviewLink>());
    expect(headline(html)).toBe('Evening deals');
    expect(trace.context).toMatchObject({ hour: 19, weekday: 'sat', weekend: true });
  });

  it('keeps the live site as it was for everyone else, and logs nothing', async () => {
    const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{
      n: number;
    }>();
    const res = await preview(w, { path: '/', context: { country: 'DE', device: 'mobile' } });
    const link = await res.json<PreviewLink>();
    await open(w, link);
    expect(headline(await (await w.fetch('/')).text())).toBe('Gear for every trail');
    const live = (await (await w.fetch('/admin/live', await adminInit('GET'))).json()) as {
      version: string;
    };
    expect(live.version).not.toBe(link.version);
    const after = await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{
      n: number;
    }>();
    expect(after?.n).toBe(before?.n);
  });

  it('names every problem of an invalid draft and stores nothing', async () => {
    const body = draftBody();
    body.slots.find((s) => s.id === 'hero')!.default = 'hero-missing';
    const res = await preview(w, { path: '/' }, body);
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { error: { code: string; issues: { message: string }[] } };
    expect(answer.error.code).toBe('invalid_bundle');
    expect(answer.error.issues[0]!.message).toContain('default variant "hero-missing"');
  });

  it('refuses a pretended signal outside its values', async () => {
    const res = await preview(w, { path: '/', context: { device: 'toaster', country: 'Germany' } });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(answer.error.code).toBe('invalid_request');
    expect(answer.error.issues.map((i) => i.path).sort()).toEqual([
      'target.context.country',
      'target.context.device',
    ]);
  });

  it('keeps the trace for the admin token when the preview link did not ask for it', async () => {
    const made = await w.fetch('/admin/previews', await adminInit('POST', { path: '/' }));
    const { url } = (await made.json()) as { url: string };
    const start = await w.fetch(new URL(url).pathname + new URL(url).search, {
      redirect: 'manual',
    });
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const res = await w.fetch('/?tessera_debug=json', { headers: { cookie } });
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
