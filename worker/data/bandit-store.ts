/**
 * The bandit snapshot (CONTENT `bandit:snapshot`, written by the cron) as the edge sees it:
 * read at most once per `ttlMs` per isolate, under the KV deadline, parsed before use. When it
 * cannot be had, the last good copy is used; without any copy bandits split equally.
 */
import { contentKeys } from '../../shared/kv-keys.ts';
import { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Reason } from '../reasons.ts';
import { withDeadline } from './deadline.ts';

export const SNAPSHOT_TTL_MS = 60_000;

export class BanditStore {
  private cached?: { snapshot?: BanditSnapshot; readAt: number };

  async current(
    kv: KVNamespace,
    nowMs: number,
    deadlineMs: number,
    ttlMs = SNAPSHOT_TTL_MS,
  ): Promise<{ snapshot?: BanditSnapshot; reason?: Reason }> {
    if (this.cached && nowMs - this.cached.readAt < ttlMs)
      return { snapshot: this.cached.snapshot };
    const read = await withDeadline(() => kv.get(contentKeys.banditSnapshot(), 'text'), deadlineMs);
    if (!read.ok)
      return {
        snapshot: this.cached?.snapshot,
        reason: read.cause === 'timeout' ? 'bandit.timeout' : 'bandit.error',
      };
    if (read.value === null) {
      this.cached = { readAt: nowMs };
      return {};
    }
    let parsed: ReturnType<typeof BanditSnapshot.safeParse> | undefined;
    try {
      parsed = BanditSnapshot.safeParse(JSON.parse(read.value));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return { snapshot: this.cached?.snapshot, reason: 'bandit.invalid' };
    this.cached = { snapshot: parsed.data, readAt: nowMs };
    return { snapshot: parsed.data };
  }
}
