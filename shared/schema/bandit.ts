/**
 * The bandit snapshot the cron publishes to CONTENT `bandit:snapshot` and the edge reads (with
 * an isolate cache): per bandit experiment, its arms' statistics and this epoch's traffic split.
 */
import * as z from './zod.ts';
import { dict } from './dict.ts';

export const ArmSnapshot = z.object({
  arm: z.string().check(z.minLength(1), z.maxLength(64)),
  exposures: z.number().check(z.int(), z.gte(0)),
  conversions: z.number().check(z.int(), z.gte(0)),
  share: z.number().check(z.gte(0), z.lte(1)),
});

export const BanditSnapshot = z.object({
  /** Changes every time the split is recomputed; visitors are sticky within one epoch. */
  epoch: z.string().check(z.minLength(1), z.maxLength(64)),
  computedAt: z.isoDateTime({ offset: true }),
  experiments: dict(
    z.string().check(z.minLength(1), z.maxLength(64)),
    z.object({ arms: z.array(ArmSnapshot).check(z.maxLength(20)) }),
  ),
});
export type BanditSnapshot = z.infer<typeof BanditSnapshot>;
