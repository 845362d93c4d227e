/**
 * A visitor's or customer's profile as data pipelines write it to the PROFILES namespace.
 * Anything that fails this schema is ignored at the edge (data-quality gate).
 */
import * as z from 'zod';

const Id = z.string().min(1).max(128);
const IsoTime = z.iso.datetime({ offset: true });

export const TraitValue = z.union([z.string().max(500), z.number(), z.boolean()]);

export const LtvTier = z.enum(['low', 'medium', 'high', 'vip']);

export const ProductView = z.object({
  sku: z.string().min(1).max(64),
  category: z.string().min(1).max(64),
  at: IsoTime,
});

export const Profile = z.object({
  id: Id,
  kind: z.enum(['visitor', 'customer']).default('visitor'),
  updatedAt: IsoTime.optional(),
  /** Free-form attributes from the CRM or CDP: plan, firstName, city, ... */
  traits: z.record(z.string().max(64), TraitValue).default({}),
  /** Segments computed by data pipelines (their ids must be declared in the bundle to be used). */
  segments: z.array(z.string().min(1).max(64)).max(200).default([]),
  /** Pre-computed model outputs from the feature store. */
  scores: z
    .object({
      ltvTier: LtvTier.optional(),
      churnRisk: z.number().min(0).max(1).optional(),
      engagement: z.number().min(0).max(1).optional(),
    })
    .catchall(z.union([z.number(), z.string().max(64)]))
    .default({}),
  /** Category → affinity in [0, 1]; the top entry drives individual-level decisions. */
  affinities: z.record(z.string().min(1).max(64), z.number().min(0).max(1)).default({}),
  /** Per-visitor next-best-offer scores: variant id → score in [0, 1]. */
  nextBestOffers: z.record(z.string().min(1).max(64), z.number().min(0).max(1)).default({}),
  behavior: z
    .object({
      visits: z.number().int().min(0).default(0),
      pageViews: z.number().int().min(0).default(0),
      purchases: z.number().int().min(0).default(0),
      lastSeen: IsoTime.optional(),
      recentViews: z.array(ProductView).max(50).default([]),
      cart: z.array(z.object({ sku: z.string().min(1).max(64), qty: z.number().int().min(1) })).max(100).default([]),
    })
    .default({ visits: 0, pageViews: 0, purchases: 0, recentViews: [], cart: [] }),
});
export type Profile = z.infer<typeof Profile>;
export type ProfileInput = z.input<typeof Profile>;
