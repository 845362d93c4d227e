import type { ErrorBody } from '../../shared/schema/api-error.ts';
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_BUNDLE_BYTES } from '../../control/routes/admin.ts';
import { adminInit, mintAdminToken, resetPublishing, testWorker } from '../support/admin.ts';
import { testBundleBody, withHeadline } from '../support/bundle.ts';

type Worker = ReturnType<typeof testWorker>;

async function upload(w: Worker, body: unknown): Promise<string> {
  const res = await w.fetch('/admin/versions', await adminInit('POST', body));
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { version: string }).version;
}

async function live(w: Worker): Promise<string | null> {
  const res = await w.fetch('/admin/live', await adminInit('GET'));
  return ((await res.json()) as { version: string | null }).version;
}

const move = async (w: Worker, to: string, expected: string | null, action = 'publish') =>
  w.fetch('/admin/live', await adminInit('PUT', { to, expected, action }));

async function headline(w: Worker): Promise<string> {
  const html = await (await w.fetch('/')).text();
  return /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';
}

describe('publishing through the admin API', () => {
  let w: Worker;
  beforeEach(async () => {
    await resetPublishing();
    w = testWorker();
  });

  it('publish → the page changes → rollback → it changes back, with an audit trail', async () => {
    const v1 = await upload(w, withHeadline('Autumn collection'));
    expect((await move(w, v1, null)).status).toBe(200);
    expect(await headline(w)).toBe('Autumn collection');

    w.tick();
    const v2 = await upload(w, withHeadline('Winter sale'));
    const published = await move(w, v2, v1);
    expect(published.status).toBe(200);
    expect(await published.json()).toMatchObject({ outcome: 'moved', from: v1, to: v2 });
    expect(await headline(w)).toBe('Winter sale');

    w.tick();
    expect((await move(w, v1, v2, 'rollback')).status).toBe(200);
    expect(await headline(w)).toBe('Autumn collection');

    const history = (await (await w.fetch('/admin/history', await adminInit('GET'))).json()) as {
      records: { action: string; by: string; from: string; to: string; summary: string }[];
    };
    expect(history.records.map((r) => [r.action, r.from, r.to])).toEqual([
      ['rollback', v2, v1],
      ['publish', v1, v2],
      ['publish', null, v1],
    ]);
    expect(history.records[0]!.by).toBe('marketer@test');
    expect(history.records[1]!.summary).toContain('variant "hero-default" changed in slot "hero"');
  });

  it('rejects an invalid bundle with 422 and the full error list, leaving live untouched', async () => {
    const v1 = await upload(w, withHeadline('Live and well'));
    await move(w, v1, null);
    const bad = withHeadline('Broken');
    bad.slots[0]!.default = 'missing-variant';
    bad.slots[1]!.variants[0]!.props = { headline: 42 } as never;
    const before = (await env.CONTENT.list()).keys.map((k) => k.name);

    const res = await w.fetch('/admin/versions', await adminInit('POST', bad));
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_bundle');
    expect(body.error.issues).toContainEqual({
      path: 'slots.1.variants.0.props.headline',
      message: expect.any(String),
      found: '42',
    });
    expect((await env.CONTENT.list()).keys.map((k) => k.name)).toEqual(before);
    expect(await live(w)).toBe(v1);
    expect(await headline(w)).toBe('Live and well');
  });

  it('answers 413 for a body over the size limit without storing anything', async () => {
    const before = (await env.CONTENT.list()).keys.length;
    const huge = { ...testBundleBody(), padding: 'x'.repeat(MAX_BUNDLE_BYTES) };
    const res = await w.fetch('/admin/versions', await adminInit('POST', huge));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: { code: 'body_too_large', limit: MAX_BUNDLE_BYTES },
    });
    expect((await env.CONTENT.list()).keys.length).toBe(before);
  });

  it('lets one of two concurrent publishes win and gives the other 409, with no mixed state', async () => {
    const v1 = await upload(w, withHeadline('Base'));
    await move(w, v1, null);
    w.tick();
    const [a, b] = [
      await upload(w, withHeadline('Version A')),
      await upload(w, withHeadline('Version B')),
    ];
    const [ra, rb] = await Promise.all([move(w, a, v1), move(w, b, v1)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    const winner = ra.status === 200 ? a : b;
    expect(await loser.json()).toMatchObject({ error: { code: 'conflict', current: winner } });
    expect(await live(w)).toBe(winner);
    expect(await headline(w)).toBe(winner === a ? 'Version A' : 'Version B');
  });

  it('answers 429 with Retry-After for a second move within a second', async () => {
    const v1 = await upload(w, withHeadline('One'));
    const v2 = await upload(w, withHeadline('Two'));
    await move(w, v1, null);
    w.tick(400);
    const res = await move(w, v2, v1);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await live(w)).toBe(v1);
  });

  it('treats republishing the live version as a no-op', async () => {
    const v1 = await upload(w, withHeadline('Same'));
    await move(w, v1, null);
    w.tick();
    const res = await move(w, v1, v1);
    expect(await res.json()).toMatchObject({ outcome: 'unchanged' });
    const history = (await (await w.fetch('/admin/history', await adminInit('GET'))).json()) as {
      records: unknown[];
    };
    expect(history.records).toHaveLength(1);
  });

  it('reads a stored version back, and 404s an unknown one', async () => {
    const v1 = await upload(w, withHeadline('Stored'));
    const ok = await w.fetch(`/admin/versions/${v1}`, await adminInit('GET'));
    expect(await ok.json()).toMatchObject({ version: v1 });
    const missing = await w.fetch('/admin/versions/ffffffffffffffff', await adminInit('GET'));
    expect(missing.status).toBe(404);
  });

  it('refuses to move the pointer to a version that was never uploaded (rollback never re-uploads)', async () => {
    const res = await move(w, 'ffffffffffffffff', null, 'rollback');
    expect(res.status).toBe(404);
    expect(await live(w)).toBeNull();
  });

  it('rejects a malformed move request with 400 and each problem in the one issue shape', async () => {
    const res = await w.fetch(
      '/admin/live',
      await adminInit('PUT', { to: 'latest' }, await mintAdminToken()),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues?.map((i) => i.path)).toEqual(['to', 'expected']);
    expect(body.error.issues?.[0]).toMatchObject({ found: '"latest"' });
  });
});
