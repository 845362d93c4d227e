/**
 * The bandit snapshot the cron publishes to CONTENT `bandit:snapshot` and the edge reads (with
 * an isolate cache): per bandit experiment, its arms' statistics and this epoch's traffic split.
 */
import * as z from 'zod';

export const ArmSnapshot = z.object({
  arm: z.string().min(1).max(64),
  exposures: z.number().int().min(0),
  conversions: z.number().int().min(0),
  share: z.number().min(0).max(1),
});

export const BanditSnapshot = z.object({
  /** Changes every time the split is recomputed; visitors are sticky within one epoch. */
  epoch: z.string().min(1).max(64),
  computedAt: z.iso.datetime({ offset: true }),
  experiments: z.record(
    z.string().min(1).max(64),
    z.object({ arms: z.array(ArmSnapshot).max(20) }),
  ),
});
export type BanditSnapshot = z.infer<typeof BanditSnapshot>;
