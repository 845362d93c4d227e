/**
 * A visitor's or customer's profile as data pipelines write it to the PROFILES namespace.
 * Anything that fails this schema is ignored at the edge (data-quality gate).
 */
import * as z from './zod.ts';
import { dict, dictLike } from './dict.ts';

const Id = z.string().check(z.minLength(1), z.maxLength(128));
const IsoTime = z.isoDateTime({ offset: true });

export const TraitValue = z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]);

export const LtvTier = z.enum(['low', 'medium', 'high', 'vip']);

export const ProductView = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  category: z.string().check(z.minLength(1), z.maxLength(64)),
  at: IsoTime,
});

export const Profile = z.object({
  id: Id,
  kind: z._default(z.enum(['visitor', 'customer']), 'visitor'),
  updatedAt: z.optional(IsoTime),
  /** Free-form attributes from the CRM or CDP: plan, firstName, city, ... */
  traits: z._default(dict(z.string().check(z.maxLength(64)), TraitValue), {}),
  /** Segments computed by data pipelines (their ids must be declared in the bundle to be used). */
  segments: z._default(
    z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(200)),
    [],
  ),
  /** Pre-computed model outputs from the feature store. */
  scores: z._default(
    dictLike(
      z.catchall(
        z.object({
          ltvTier: z.optional(LtvTier),
          churnRisk: z.optional(z.number().check(z.gte(0), z.lte(1))),
          engagement: z.optional(z.number().check(z.gte(0), z.lte(1))),
        }),
        z.union([z.number(), z.string().check(z.maxLength(64))]),
      ),
    ),
    {},
  ),
  /** Category → affinity in [0, 1]; the top entry drives individual-level decisions. */
  affinities: z._default(
    dict(z.string().check(z.minLength(1), z.maxLength(64)), z.number().check(z.gte(0), z.lte(1))),
    {},
  ),
  /** Per-visitor next-best-offer scores: variant id → score in [0, 1]. */
  nextBestOffers: z._default(
    dict(z.string().check(z.minLength(1), z.maxLength(64)), z.number().check(z.gte(0), z.lte(1))),
    {},
  ),
  behavior: z._default(
    z.object({
      visits: z._default(z.number().check(z.int(), z.gte(0)), 0),
      pageViews: z._default(z.number().check(z.int(), z.gte(0)), 0),
      purchases: z._default(z.number().check(z.int(), z.gte(0)), 0),
      lastSeen: z.optional(IsoTime),
      recentViews: z._default(z.array(ProductView).check(z.maxLength(50)), []),
      cart: z._default(
        z
          .array(
            z.object({
              sku: z.string().check(z.minLength(1), z.maxLength(64)),
              qty: z.number().check(z.int(), z.gte(1)),
            }),
          )
          .check(z.maxLength(100)),
        [],
      ),
    }),
    { visits: 0, pageViews: 0, purchases: 0, recentViews: [], cart: [] },
  ),
});
export type Profile = z.infer<typeof Profile>;
export type ProfileInput = z.input<typeof Profile>;
