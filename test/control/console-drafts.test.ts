/**
 * Drafts on the server (control/console/draft-routes.ts, D1 console_drafts): per owner, saved
 * with compare-and-swap on their revision, published with the live pointer's compare-and-swap —
 * a conflict explained and nothing lost.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminInit, mintAdminToken, resetPublishing, testWorker } from '../support/admin.ts';
import { withHeadline } from '../support/bundle.ts';

type Worker = ReturnType<typeof testWorker>;
interface DraftJson {
  id: string;
  owner: string;
  title: string;
  baseVersion: string | null;
  revision: number;
  updatedBy: string;
  updatedAt: string;
  publishedVersion?: string;
  body: { slots: { id: string; variants: { id: string; props: Record<string, unknown> }[] }[] };
}

const ROSA = 'rosa@northwind.example';
const TOM = 'tom@northwind.example';
const as = (sub: string, scope = 'read preview publish') => mintAdminToken({ sub, scope });

async function publishDirect(
  w: Worker,
  headline: string,
  expected: string | null,
): Promise<string> {
  const up = await w.fetch('/admin/versions', await adminInit('POST', withHeadline(headline)));
  const { version } = (await up.json()) as { version: string };
  const moved = await w.fetch('/admin/live', await adminInit('PUT', { to: version, expected }));
  expect(moved.status).toBe(200);
  return version;
}

async function newDraft(w: Worker, token: string): Promise<DraftJson> {
  const res = await w.fetch(
    '/admin/drafts',
    await adminInit('POST', { title: 'Spring headline' }, token),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as DraftJson;
}

function heroHeadline(draft: Pick<DraftJson, 'body'>): unknown {
  return draft.body.slots.find((s) => s.id === 'hero')!.variants[0]!.props.headline;
}

function withHero(draft: DraftJson, headline: string): DraftJson['body'] {
  const body = structuredClone(draft.body);
  body.slots.find((s) => s.id === 'hero')!.variants[0]!.props.headline = headline;
  return body;
}

async function pageHeadline(w: Worker): Promise<string> {
  const html = await (await w.fetch('/')).text();
  return /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';
}

describe('console drafts', () => {
  let w: Worker;
  let live: string;
  beforeEach(async () => {
    await resetPublishing();
    await env.DB.prepare('DELETE FROM console_drafts').run();
    w = testWorker();
    live = await publishDirect(w, 'Gear for every trail', null);
    w.tick();
  });

  it('starts from the live version, with its owner, title and base version', async () => {
    const draft = await newDraft(w, await as(ROSA));
    expect(draft).toMatchObject({
      owner: ROSA,
      title: 'Spring headline',
      baseVersion: live,
      revision: 1,
    });
    expect(heroHeadline(draft)).toBe('Gear for every trail');
  });

  it('saves over the revision it edited and records who saved it when', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    w.tick(5000);
    const saved = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'Spring is here'), revision: 1 }, rosa),
    );
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      revision: 2,
      updatedBy: ROSA,
      updatedAt: new Date(w.clock.now).toISOString(),
    });
    const read = (await (
      await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, rosa))
    ).json()) as DraftJson;
    expect(heroHeadline(read)).toBe('Spring is here');
  });

  it('refuses a save over a stale revision and says who saved the newer one', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    const first = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'From tab one'), revision: 1 }, rosa),
    );
    expect(first.status).toBe(200);
    const second = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'From tab two'), revision: 1 }, rosa),
    );
    expect(second.status).toBe(409);
    const body = (await second.json()) as {
      error: { code: string; message: string; current: { revision: number } };
    };
    expect(body.error.code).toBe('draft_conflict');
    expect(body.error.current.revision).toBe(2);
    expect(body.error.message).toContain(ROSA);
    const read = (await (
      await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, rosa))
    ).json()) as DraftJson;
    expect(heroHeadline(read)).toBe('From tab one');
  });

  it('keeps drafts per person: others see them by id but cannot change or delete them', async () => {
    const draft = await newDraft(w, await as(ROSA));
    const tom = await as(TOM);
    const mine = (await (
      await w.fetch('/admin/drafts', await adminInit('GET', undefined, tom))
    ).json()) as { drafts: unknown[] };
    expect(mine.drafts).toEqual([]);
    const all = (await (
      await w.fetch('/admin/drafts?all=1', await adminInit('GET', undefined, tom))
    ).json()) as { drafts: { id: string }[] };
    expect(all.drafts.map((d) => d.id)).toEqual([draft.id]);
    expect(
      (await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, tom))).status,
    ).toBe(200);
    const save = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: draft.body, revision: 1 }, tom),
    );
    expect(save.status).toBe(403);
    expect(
      (await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('DELETE', undefined, tom)))
        .status,
    ).toBe(404);
    expect(
      (
        await w.fetch(
          `/admin/drafts/${draft.id}`,
          await adminInit('DELETE', undefined, await as(ROSA)),
        )
      ).status,
    ).toBe(204);
  });

  it('keeps an invalid body (work in progress) but refuses to publish it, naming every problem', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    const saved = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, ''), revision: 1 }, rosa),
    );
    expect(saved.status).toBe(200);
    const res = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 2, expected: live }, rosa),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { code: string; issues: { path: unknown[]; message: string }[] };
    };
    expect(body.error.code).toBe('invalid_bundle');
    expect(body.error.issues[0]!.path).toBe('slots.1.variants.0.props.headline');
    expect(await pageHeadline(w)).toBe('Gear for every trail');
  });

  it('publishes a draft: the page changes and history names the person', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'Spring is here'), revision: 1 }, rosa),
    );
    const res = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 2, expected: live }, rosa),
    );
    expect(res.status).toBe(200);
    const published = (await res.json()) as {
      outcome: string;
      from: string;
      version: string;
      summary: string;
    };
    expect(published).toMatchObject({ outcome: 'moved', from: live });
    expect(published.summary).toContain('variant "hero-default" changed in slot "hero"');
    expect(await pageHeadline(w)).toBe('Spring is here');
    const history = (await (await w.fetch('/admin/history', await adminInit('GET'))).json()) as {
      records: { by: string; to: string }[];
    };
    expect(history.records[0]).toMatchObject({ by: ROSA, to: published.version });
    const read = (await (
      await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, rosa))
    ).json()) as DraftJson;
    expect(read.publishedVersion).toBe(published.version);
  });

  it('explains a conflict when someone published meanwhile, publishes nothing and keeps the draft', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'Spring is here'), revision: 1 }, rosa),
    );
    const theirs = await publishDirect(w, 'Winter sale', live); // marketer@test, through the admin API
    w.tick();
    const res = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 2, expected: live }, rosa),
    );
    expect(res.status).toBe(409);
    const body = (await res.json()) as {
      error: { code: string; message: string; current: string; last: { by: string } };
    };
    expect(body.error).toMatchObject({
      code: 'conflict',
      current: theirs,
      last: { by: 'marketer@test' },
    });
    expect(body.error.message).toContain('marketer@test');
    expect(body.error.message).toContain('your draft is kept');
    expect(await pageHeadline(w)).toBe('Winter sale');
    const read = (await (
      await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, rosa))
    ).json()) as DraftJson;
    expect(heroHeadline(read)).toBe('Spring is here');
    // Having reviewed the new live version, the marketer publishes over it.
    const again = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 2, expected: theirs }, rosa),
    );
    expect(again.status).toBe(200);
    expect(await pageHeadline(w)).toBe('Spring is here');
  });

  it('refuses to publish a revision other than the one reviewed', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: withHero(draft, 'Spring is here'), revision: 1 }, rosa),
    );
    const res = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 1, expected: live }, rosa),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'draft_conflict' } });
    expect(await pageHeadline(w)).toBe('Gear for every trail');
  });

  it('needs the preview scope to create a draft and the publish scope to publish one', async () => {
    const reader = await as(ROSA, 'read');
    expect((await w.fetch('/admin/drafts', await adminInit('POST', {}, reader))).status).toBe(403);
    const editor = await as(ROSA, 'read preview');
    const draft = await newDraft(w, editor);
    const res = await w.fetch(
      `/admin/drafts/${draft.id}/publish`,
      await adminInit('POST', { revision: 1, expected: live }, editor),
    );
    expect(res.status).toBe(403);
  });

  it('refuses a draft body over 1 MiB with 413 and stores nothing', async () => {
    const rosa = await as(ROSA);
    const draft = await newDraft(w, rosa);
    const huge = { ...draft.body, padding: 'x'.repeat(1024 * 1024) };
    const res = await w.fetch(
      `/admin/drafts/${draft.id}`,
      await adminInit('PUT', { body: huge, revision: 1 }, rosa),
    );
    expect(res.status).toBe(413);
    const read = (await (
      await w.fetch(`/admin/drafts/${draft.id}`, await adminInit('GET', undefined, rosa))
    ).json()) as DraftJson;
    expect(read.revision).toBe(1);
  });

  it('answers 404 for a draft id that does not exist or is malformed', async () => {
    const rosa = await as(ROSA);
    expect(
      (await w.fetch('/admin/drafts/zzzzzzzzzzzz', await adminInit('GET', undefined, rosa))).status,
    ).toBe(404);
    expect(
      (await w.fetch('/admin/drafts/..%2Fetc', await adminInit('GET', undefined, rosa))).status,
    ).toBe(404);
  });
});
