/**
 * The bandit snapshot as the edge reads it (worker/data/bandit-store.ts): once a minute, and
 * after a failure once per retry interval — never once per request.
 */
import { describe, expect, it } from 'vitest';
import { contentKeys } from '../../shared/kv-keys.ts';
import { BanditStore, RETRY_MS, SNAPSHOT_TTL_MS } from '../../worker/data/bandit-store.ts';

const SNAPSHOT = {
  epoch: 'e1',
  computedAt: '2026-11-23T10:00:00Z',
  experiments: { b: { arms: [{ arm: 'a', exposures: 1, conversions: 0, share: 1 }] } },
};

/** A CONTENT stand-in that counts reads and answers with `answer()`. */
function countingKv(answer: () => Promise<string | null>) {
  const kv = { reads: 0 } as { reads: number } & Pick<KVNamespace, 'get'>;
  kv.get = ((key: string) => {
    expect(key).toBe(contentKeys.banditSnapshot());
    kv.reads++;
    return answer();
  }) as KVNamespace['get'];
  return kv;
}
const asKv = (kv: object) => kv as KVNamespace;

describe('BanditStore', () => {
  it('reads the snapshot once per minute', async () => {
    const kv = countingKv(async () => JSON.stringify(SNAPSHOT));
    const store = new BanditStore();
    for (const t of [0, 1, SNAPSHOT_TTL_MS - 1])
      expect((await store.current(asKv(kv), t, 50)).snapshot?.epoch).toBe('e1');
    expect(kv.reads).toBe(1);
    await store.current(asKv(kv), SNAPSHOT_TTL_MS, 50);
    expect(kv.reads).toBe(2);
  });

  it('after a failed read, serves the last good snapshot with the reason and retries only after RETRY_MS', async () => {
    let fail = false;
    const kv = countingKv(async () => {
      if (fail) throw new Error('KV down');
      return JSON.stringify(SNAPSHOT);
    });
    const store = new BanditStore();
    await store.current(asKv(kv), 0, 50);
    fail = true;
    const t = SNAPSHOT_TTL_MS;
    for (const dt of [0, 1, RETRY_MS - 1]) {
      const read = await store.current(asKv(kv), t + dt, 50);
      expect(read).toEqual({ snapshot: SNAPSHOT, reason: 'bandit.error' });
    }
    expect(kv.reads).toBe(2);
    fail = false;
    expect(await store.current(asKv(kv), t + RETRY_MS, 50)).toEqual({ snapshot: SNAPSHOT });
    expect(kv.reads).toBe(3);
  });
});
