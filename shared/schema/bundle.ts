/**
 * The bundle: everything a marketer publishes, assembled from `content-variants/` into one
 * immutable, content-addressed document (`bundle:<version>` in the CONTENT namespace).
 */
import * as z from 'zod';
import { Condition } from './condition.ts';
import { SiteConsent } from './consent.ts';
import { Experiment, Holdout } from './experiment.ts';
import {
  AnnouncementBarProps,
  CtaBannerProps,
  HeroProps,
  ProductGridProps,
  TestimonialProps,
} from './components.ts';

export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id of lowercase letters, digits and dashes, e.g. "spring-sale"');

export const Rule = z.strictObject({
  id: Id,
  /** Shown in the decision log and debug trace. */
  description: z.string().max(300).optional(),
  when: Condition,
  variant: Id,
});
export type Rule = z.infer<typeof Rule>;

const variant = <P extends z.ZodType>(props: P) =>
  z.strictObject({
    id: Id,
    name: z.string().max(120).optional(),
    /** Categories or intents this variant speaks to; matched against profile affinities. */
    tags: z.array(z.string().min(1).max(64)).max(20).default([]),
    /**
     * The offer this variant promotes (e.g. "spring-sale"). On a page with `uniqueOffers`, no
     * offer appears in two slots: a later slot whose best candidate is taken uses its next one.
     */
    offer: Id.optional(),
    props,
  });

const slot = <K extends string, P extends z.ZodType>(component: K, props: P) =>
  z.strictObject({
    id: Id,
    component: z.literal(component),
    description: z.string().max(300).optional(),
    default: Id,
    variants: z.array(variant(props)).min(1).max(200),
    rules: z.array(Rule).max(1000).default([]),
  });

export const Slot = z.discriminatedUnion('component', [
  slot('hero', HeroProps),
  slot('product-grid', ProductGridProps),
  slot('testimonial', TestimonialProps),
  slot('cta-banner', CtaBannerProps),
  slot('announcement-bar', AnnouncementBarProps),
]);
export type Slot = z.infer<typeof Slot>;
export type Variant = Slot['variants'][number];

export const SegmentDef = z.union([
  z.strictObject({
    id: Id,
    name: z.string().min(1).max(120),
    description: z.string().max(300).optional(),
    /** Membership computed by data pipelines and stored in `profile.segments`. */
    source: z.literal('profile'),
  }),
  z.strictObject({
    id: Id,
    name: z.string().min(1).max(120),
    description: z.string().max(300).optional(),
    /** Membership defined here, from other conditions (which may name other segments). */
    when: Condition,
  }),
]);
export type SegmentDef = z.infer<typeof SegmentDef>;

export const Page = z.strictObject({
  id: Id,
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, 'a path such as "/" or "/collections/shoes"'),
  title: z.string().min(1).max(120),
  description: z.string().max(300).optional(),
  /** Slot ids in page order. */
  slots: z.array(Id).min(1).max(50),
  /** Keep one offer from appearing in two slots of this page (earlier slots choose first). */
  uniqueOffers: z.boolean().optional(),
});
export type Page = z.infer<typeof Page>;

export const Site = z.strictObject({
  name: z.string().min(1).max(80),
  tagline: z.string().max(160).optional(),
  lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).default('en'),
  /** Consent defaults by country (see shared/schema/consent.ts); absent means the built-in defaults. */
  consent: SiteConsent.optional(),
});
export type Site = z.infer<typeof Site>;

export const BundleBody = z.strictObject({
  schemaVersion: z.literal(1),
  site: Site,
  segments: z.array(SegmentDef).max(500).default([]),
  pages: z.array(Page).min(1).max(200),
  slots: z.array(Slot).min(1).max(500),
  /** Optional (absent = none), so bundles without experiments keep their version hash. */
  holdout: Holdout.optional(),
  experiments: z.array(Experiment).max(100).optional(),
});
export type BundleBody = z.infer<typeof BundleBody>;
export type BundleInput = z.input<typeof BundleBody>;

/** A published bundle: the body plus the content hash that names it. */
export const Bundle = BundleBody.extend({ version: z.string().regex(/^[0-9a-f]{16}$/) });
export type Bundle = z.infer<typeof Bundle>;

/** The small key that names the live version. */
export const Pointer = z.object({
  version: z.string().regex(/^[0-9a-f]{16}$/),
  updatedAt: z.iso.datetime({ offset: true }),
  by: z.string().max(200).default('unknown'),
});
export type Pointer = z.infer<typeof Pointer>;
