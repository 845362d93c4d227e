import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentKeys } from '../../shared/kv-keys.ts';
import { listHistory } from '../../shared/publish/history.ts';
import { movePointer } from '../../shared/publish/move.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { singleBundleText, singleBundleVersion } from '../../shared/bundle/version.ts';
import { readLive, readPointer, readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { resetPublishing } from '../support/admin.ts';
import { testBundleBody } from '../support/bundle.ts';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const store = () => ({ kv: env.CONTENT, db: env.DB });

async function upload(headline: string): Promise<string> {
  const body = testBundleBody();
  const hero = body.slots.find((s) => s.id === 'hero')!;
  hero.variants[0]!.props = { headline };
  const up = await uploadVersion(env.CONTENT, body);
  if (!up.ok) throw new Error(JSON.stringify(up.issues));
  return up.bundle.version;
}

/** Counts writes to the pointer key, passing everything through to real KV. */
function countingKv(kv: KVNamespace) {
  const counter = { pointerWrites: 0 };
  const wrapped = new Proxy(kv, {
    get(target, prop, receiver) {
      if (prop === 'put') {
        return (
          key: string,
          ...rest: Parameters<KVNamespace['put']> extends [string, ...infer R] ? R : never
        ) => {
          if (key === contentKeys.pointer()) counter.pointerWrites++;
          return target.put(key, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { kv: wrapped, counter };
}

describe('publishing core (shared/publish)', () => {
  beforeEach(resetPublishing);

  it('uploads the same content to the same version, once', async () => {
    const a = await uploadVersion(env.CONTENT, testBundleBody());
    const b = await uploadVersion(env.CONTENT, testBundleBody());
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.bundle.version).toBe(b.bundle.version);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
  });

  it('stores nothing for an invalid body and reports every problem with its path', async () => {
    const body = testBundleBody();
    body.slots[0]!.default = 'nope';
    body.pages[0]!.slots.push('ghost');
    const before = await env.CONTENT.list();
    const up = await uploadVersion(env.CONTENT, body);
    expect(up.ok).toBe(false);
    if (up.ok) return;
    expect(up.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['slots.0.default', 'pages.0.slots.5']),
    );
    expect((await env.CONTENT.list()).keys).toEqual(before.keys);
  });

  it('moves the pointer, records who/when/from/to/summary, and writes D1 before KV', async () => {
    const v1 = await upload('One');
    const first = await movePointer(
      store(),
      { to: v1, expected: null, by: 'ana', action: 'publish' },
      T0,
    );
    expect(first).toMatchObject({ ok: true, outcome: 'moved', from: null, to: v1 });
    const v2 = await upload('Two');
    const second = await movePointer(
      store(),
      { to: v2, expected: v1, by: 'bo', action: 'publish' },
      T0 + 5000,
    );
    expect(second).toMatchObject({ ok: true, outcome: 'moved', from: v1, to: v2 });
    if (second.ok)
      expect(second.summary).toContain(
        'variant "hero-default" changed in slot "hero" (props.headline: "One" → "Two")',
      );
    expect((await readPointer(env.CONTENT))?.version).toBe(v2);
    expect(await readLive(store())).toEqual({ version: v2, movedAt: T0 + 5000 });
    const history = await listHistory(env.DB);
    expect(history.map((r) => [r.by, r.action, r.from, r.to])).toEqual([
      ['bo', 'publish', v1, v2],
      ['ana', 'publish', null, v1],
    ]);
    expect(history[0]!.at).toBe(new Date(T0 + 5000).toISOString());
  });

  it('refuses to move from a version that is no longer live (409 semantics), writing nothing', async () => {
    const v1 = await upload('One');
    const v2 = await upload('Two');
    await movePointer(store(), { to: v1, expected: null, by: 'ana', action: 'publish' }, T0);
    const stale = await movePointer(
      store(),
      { to: v2, expected: null, by: 'bo', action: 'publish' },
      T0 + 5000,
    );
    expect(stale).toMatchObject({ ok: false, code: 'conflict', current: v1 });
    expect((await readPointer(env.CONTENT))?.version).toBe(v1);
    expect(await listHistory(env.DB)).toHaveLength(1);
  });

  it('lets exactly one of two concurrent moves from the same version win', async () => {
    const v1 = await upload('One');
    const [a, b] = [await upload('A'), await upload('B')];
    await movePointer(store(), { to: v1, expected: null, by: 'ana', action: 'publish' }, T0);
    const results = await Promise.all([
      movePointer(store(), { to: a, expected: v1, by: 'a', action: 'publish' }, T0 + 5000),
      movePointer(store(), { to: b, expected: v1, by: 'b', action: 'publish' }, T0 + 5000),
    ]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toMatchObject([{ code: 'conflict' }]);
    const won = winners[0]!.ok ? winners[0]!.to : '';
    expect((await readLive(store())).version).toBe(won);
    expect((await readPointer(env.CONTENT))?.version).toBe(won);
    expect((await listHistory(env.DB)).filter((r) => r.from === v1)).toHaveLength(1);
  });

  it('never writes the pointer key twice within a second', async () => {
    const { kv, counter } = countingKv(env.CONTENT);
    const s = { kv, db: env.DB };
    const [v1, v2, v3] = [await upload('One'), await upload('Two'), await upload('Three')];
    await movePointer(s, { to: v1, expected: null, by: 'ana', action: 'publish' }, T0);
    const tooSoon = await movePointer(
      s,
      { to: v2, expected: v1, by: 'ana', action: 'publish' },
      T0 + 999,
    );
    expect(tooSoon).toMatchObject({ ok: false, code: 'too_soon', retryAfterMs: 1 });
    expect(counter.pointerWrites).toBe(1);
    const later = await movePointer(
      s,
      { to: v3, expected: v1, by: 'ana', action: 'publish' },
      T0 + 1000,
    );
    expect(later).toMatchObject({ ok: true, outcome: 'moved' });
    expect(counter.pointerWrites).toBe(2);
  });

  it('treats publishing the live version as a no-op: no write, no audit record', async () => {
    const { kv, counter } = countingKv(env.CONTENT);
    const v1 = await upload('One');
    await movePointer(
      { kv, db: env.DB },
      { to: v1, expected: null, by: 'ana', action: 'publish' },
      T0,
    );
    const again = await movePointer(
      { kv, db: env.DB },
      { to: v1, expected: v1, by: 'ana', action: 'publish' },
      T0 + 5000,
    );
    expect(again).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(counter.pointerWrites).toBe(1);
    expect(await listHistory(env.DB)).toHaveLength(1);
  });

  it('refuses to point at a version that was never uploaded', async () => {
    const moved = await movePointer(
      store(),
      { to: 'ffffffffffffffff', expected: null, by: 'ana', action: 'rollback' },
      T0,
    );
    expect(moved).toMatchObject({ ok: false, code: 'unknown_version' });
    expect(await env.CONTENT.get(contentKeys.pointer())).toBeNull();
  });
});

describe('uploading a built bundle', () => {
  beforeEach(resetPublishing);

  it('accepts a version that matches the content and rejects one that does not', async () => {
    const first = await uploadVersion(env.CONTENT, testBundleBody());
    if (!first.ok) throw new Error('unexpected');
    expect(await uploadVersion(env.CONTENT, first.bundle)).toMatchObject({
      ok: true,
      created: false,
    });
    const forged = await uploadVersion(env.CONTENT, {
      ...first.bundle,
      version: '0000000000000000',
    });
    expect(forged).toMatchObject({
      ok: false,
      issues: [{ path: ['version'], found: '"0000000000000000"' }],
    });
    expect(await env.CONTENT.get('bundle:0000000000000000')).toBeNull();
  });

  it('stores a bundle built before the parts form under the version it claims, in its single form', async () => {
    const body = testBundleBody();
    // What an older CLI's `tessera build --out` named it: the single form's hash of the checked body.
    const checked = parseBundleBody(body);
    if (!checked.ok) throw new Error('unexpected');
    const old = await singleBundleVersion(checked.body);
    const up = await uploadVersion(env.CONTENT, { ...body, version: old });
    expect(up).toMatchObject({ ok: true, created: true, bundle: { version: old } });
    const stored = await env.CONTENT.get(contentKeys.bundle(old), 'text');
    expect(stored).toBe(singleBundleText({ ...checked.body, version: old }));
    expect((await readVersion(env.CONTENT, old))?.slots).toEqual(checked.body.slots);
    // The same content as a body alone gets its parts-form version, a different key.
    const fresh = await uploadVersion(env.CONTENT, body);
    expect(fresh).toMatchObject({ ok: true, created: true });
    expect(fresh.ok && fresh.bundle.version).not.toBe(old);
  });
});

describe('recovering from an interrupted move', () => {
  beforeEach(resetPublishing);

  it('rewrites a KV pointer left behind when the same version is published again', async () => {
    const v1 = await uploadVersion(env.CONTENT, testBundleBody());
    if (!v1.ok) throw new Error('unexpected');
    await movePointer(
      store(),
      { to: v1.bundle.version, expected: null, by: 'ana', action: 'publish' },
      T0,
    );
    // The process died after the D1 swap, before the KV write: KV still names an older version.
    await env.CONTENT.put(
      contentKeys.pointer(),
      JSON.stringify({
        version: '0123456789abcdef',
        updatedAt: new Date(T0).toISOString(),
        by: 'old',
      }),
    );
    const again = await movePointer(
      store(),
      { to: v1.bundle.version, expected: v1.bundle.version, by: 'ana', action: 'publish' },
      T0 + 5000,
    );
    expect(again).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect((await readPointer(env.CONTENT))?.version).toBe(v1.bundle.version);
    expect(await listHistory(env.DB)).toHaveLength(1);
  });
});
