/**
 * The bandit snapshot (CONTENT `bandit:snapshot`, written by the cron) as the edge sees it:
 * read at most once per `ttlMs` per isolate, under the KV deadline, parsed before use. When it
 * cannot be had, the last good copy is used; without any copy bandits split equally. A failed
 * read is retried after `RETRY_MS`, not on every request (each would wait out the deadline), and
 * until then every request still reports why it has no fresh snapshot.
 */
import { contentKeys } from '../../shared/kv-keys.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import { BanditSnapshot as checkSnapshot } from '../../shared/schema/validators.gen.ts';
import type { Reason } from '../../shared/reasons.ts';
import { withDeadline } from '../../shared/data/deadline.ts';

export const SNAPSHOT_TTL_MS = 60_000;
export const RETRY_MS = 5_000;

type Read = { snapshot?: BanditSnapshot; reason?: Reason };

export class BanditStore {
  private cached?: { snapshot?: BanditSnapshot; readAt: number; reason?: Reason };

  async current(
    kv: KVNamespace,
    nowMs: number,
    deadlineMs: number,
    ttlMs = SNAPSHOT_TTL_MS,
  ): Promise<Read> {
    const c = this.cached;
    if (c && nowMs - c.readAt < (c.reason ? Math.min(RETRY_MS, ttlMs) : ttlMs)) {
      return c.reason ? { snapshot: c.snapshot, reason: c.reason } : { snapshot: c.snapshot };
    }
    const read = await withDeadline(() => kv.get(contentKeys.banditSnapshot(), 'text'), deadlineMs);
    if (!read.ok)
      return this.failed(nowMs, read.cause === 'timeout' ? 'bandit.timeout' : 'bandit.error');
    if (read.value === null) {
      this.cached = { readAt: nowMs };
      return {};
    }
    let parsed: ReturnType<typeof checkSnapshot> | undefined;
    try {
      parsed = checkSnapshot(JSON.parse(read.value));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return this.failed(nowMs, 'bandit.invalid');
    this.cached = { snapshot: parsed.data, readAt: nowMs };
    return { snapshot: parsed.data };
  }

  /** Keeps the last good snapshot and the reason until the retry. */
  private failed(nowMs: number, reason: Reason): Read {
    const snapshot = this.cached?.snapshot;
    this.cached = { snapshot, readAt: nowMs, reason };
    return { snapshot, reason };
  }
}
