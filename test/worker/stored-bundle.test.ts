/**
 * A version stored in parts (issue 18: shared/bundle/version.ts, parts.ts), as the visitor worker
 * serves it: live or refused as a whole, whichever page a request shows, and versions stored in
 * one piece before the parts form still serve — published or rolled back to.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { PARTS_FORM, bundleText, singleBundleVersion } from '../../shared/bundle/version.ts';
import { contentKeys } from '../../shared/kv-keys.ts';
import { movePointer } from '../../shared/publish/move.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { createWorker } from '../../worker/index.ts';
import { resetPublishing } from '../support/admin.ts';
import { buildTestBundle, publishTestBundle, testBundleBody } from '../support/bundle.ts';

type Worker = ReturnType<typeof createWorker>;

async function visit(worker: Worker, path = '/') {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`https://shop.test${path}`), env, ctx);
  await waitOnExecutionContext(ctx);
  const html = await res.text();
  return {
    status: res.status,
    version: res.headers.get('x-tessera-version'),
    reasons: res.headers.get('x-tessera-reasons') ?? '',
    html,
  };
}

/** Stores `text` under `version` and points live at it, as a writer that skipped checks would. */
async function storeAndPoint(version: string, text: string) {
  await env.CONTENT.put(contentKeys.bundle(version), text);
  await env.CONTENT.put(
    contentKeys.pointer(),
    JSON.stringify({ version, updatedAt: new Date().toISOString(), by: 'test' }),
  );
}

/** A second version of the test bundle (renamed shop), as built: stored in parts. */
const nextVersion = () =>
  buildTestBundle(testBundleBody({ site: { name: 'Next Shop', lang: 'en' } }));

describe('a version stored in parts, as the worker serves it', () => {
  it('serves a page whose slots are all in the manifest and in their lines', async () => {
    const worker = createWorker();
    const next = await publishTestBundle(
      testBundleBody({ site: { name: 'Next Shop', lang: 'en' } }),
    );
    const text = await env.CONTENT.get(contentKeys.bundle(next.version), 'text');
    expect(text?.startsWith(`${PARTS_FORM}\n`)).toBe(true);
    const home = await visit(worker, '/');
    expect(home).toMatchObject({ status: 200, version: next.version });
    expect(home.html).toContain('Next Shop');
    expect(home.reasons).not.toContain('bundle.');
  });

  it('refuses the whole version when a variant of a slot the page does not show was altered', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    expect((await visit(worker, '/deals')).version).toBe(good.version);
    const next = await nextVersion();
    // `hero` is on `/` only; its second variant is in hero's line, not in the manifest.
    const altered = bundleText(next).replace('Run further', 'Run faster');
    expect(altered).not.toBe(bundleText(next));
    await storeAndPoint(next.version, altered);
    for (const path of ['/deals', '/']) {
      const page = await visit(worker, path);
      expect(page).toMatchObject({ status: 200, version: good.version });
      expect(page.reasons).toContain('bundle.invalid');
      expect(page.html).not.toContain('Run faster');
    }
  });

  it('refuses a truncated copy (a slot’s line lost) and keeps the last good version', async () => {
    const worker = createWorker();
    const good = await publishTestBundle();
    await visit(worker);
    const next = await nextVersion();
    const text = bundleText(next);
    await storeAndPoint(next.version, text.slice(0, text.lastIndexOf('\n')));
    const page = await visit(worker, '/deals');
    expect(page).toMatchObject({ status: 200, version: good.version });
    expect(page.reasons).toContain('bundle.invalid');
  });
});

describe('a version stored in one piece, before the parts form', () => {
  beforeEach(resetPublishing);

  /** The test bundle renamed `name`, uploaded as an older CLI built it: its single-form version. */
  async function uploadSingle(name: string): Promise<Bundle> {
    const { version: _, ...body } = await buildTestBundle(
      testBundleBody({ site: { name, lang: 'en' } }),
    );
    const up = await uploadVersion(env.CONTENT, {
      ...body,
      version: await singleBundleVersion(body),
    });
    if (!up.ok) throw new Error(JSON.stringify(up.issues));
    return up.bundle;
  }

  it('still serves, and a rollback from a version in parts to it serves it again', async () => {
    const worker = createWorker();
    const store = { kv: env.CONTENT, db: env.DB };
    const old = await uploadSingle('Old Shop');
    const stored = await env.CONTENT.get(contentKeys.bundle(old.version), 'text');
    expect(stored?.startsWith('{')).toBe(true);
    const t0 = Date.UTC(2026, 10, 23, 9, 0, 0);
    const move = (to: string, expected: string | null, at: number, action = 'publish' as const) =>
      movePointer(store, { to, expected, by: 'ana', action }, at);
    expect(await move(old.version, null, t0)).toMatchObject({ ok: true, outcome: 'moved' });
    const first = await visit(worker);
    expect(first).toMatchObject({ status: 200, version: old.version });
    expect(first.html).toContain('Old Shop');
    expect(first.reasons).not.toContain('bundle.');

    const up = await uploadVersion(
      env.CONTENT,
      testBundleBody({ site: { name: 'New Shop', lang: 'en' } }),
    );
    if (!up.ok) throw new Error(JSON.stringify(up.issues));
    expect(await move(up.bundle.version, old.version, t0 + 5000)).toMatchObject({ ok: true });
    expect((await visit(worker)).html).toContain('New Shop');

    const back = await movePointer(
      store,
      { to: old.version, expected: up.bundle.version, by: 'ana', action: 'rollback' },
      t0 + 10000,
    );
    expect(back).toMatchObject({ ok: true, outcome: 'moved', to: old.version });
    const again = await visit(createWorker());
    expect(again).toMatchObject({ status: 200, version: old.version });
    expect(again.html).toContain('Old Shop');
  });
});
