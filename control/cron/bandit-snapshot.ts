/**
 * The cron (every 5 minutes): recompute every live bandit's split from D1 and publish one small
 * snapshot to CONTENT `bandit:snapshot`. The edge reads it through an isolate cache, so the page
 * path never touches D1. The epoch is the scheduled minute; the split's Monte Carlo seed is a hash
 * of (experiment, epoch), so recomputing the same epoch gives the same split.
 */
import { contentKeys } from '../../shared/kv-keys.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import type { ControlEnv } from '../env.ts';
import { readArmCounts } from '../../shared/experiments/arm-stats.ts';
import { experimentGoal } from '../../shared/experiments/goals.ts';
import { phaseOf } from '../../shared/experiments/phase.ts';
import { isActive } from '../../shared/experiments/active.ts';
import { allocate } from '../../shared/experiments/bandit.ts';
import { hash32 } from '../../shared/experiments/hash.ts';

const CRON_KV_DEADLINE_MS = 5_000;

export async function computeSnapshot(
  db: D1Database,
  bundle: Bundle,
  nowMs: number,
): Promise<BanditSnapshot> {
  const epoch = new Date(nowMs).toISOString().slice(0, 16);
  const experiments: BanditSnapshot['experiments'] = {};
  for (const e of bundle.experiments ?? []) {
    if (e.type !== 'bandit' || !isActive(e, nowMs)) continue;
    // Learns from the report's own counts: the current phase, one arm per visitor (first
    // exposure), conversions of that same visitor.
    const stats = (
      await readArmCounts(db, {
        experiment: e.id,
        phase: phaseOf(e),
        arms: e.arms.map((a) => a.id),
        goal: experimentGoal(bundle, e),
        windowMs: e.windowHours * 3600_000,
      })
    ).arms.map(({ arm, exposures, conversions }) => ({ arm, exposures, conversions }));
    const split = allocate(stats, e.bandit, hash32(`${e.id}:${epoch}`));
    experiments[e.id] = { arms: stats.map((s, i) => ({ ...s, share: split[i]!.share })) };
  }
  return { epoch, computedAt: new Date(nowMs).toISOString(), experiments };
}

/** Returns the snapshot written, or undefined when there is no live bundle. Throws on D1/KV failure (the next run retries). */
export async function publishBanditSnapshot(
  env: ControlEnv,
  store: BundleStore,
  nowMs: number,
): Promise<BanditSnapshot | undefined> {
  const live = await store.live(env.CONTENT, nowMs, CRON_KV_DEADLINE_MS, 0);
  if (!live.bundle) return undefined;
  const snapshot = await computeSnapshot(env.DB, live.bundle, nowMs);
  await env.CONTENT.put(contentKeys.banditSnapshot(), JSON.stringify(snapshot));
  return snapshot;
}
