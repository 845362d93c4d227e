/**
 * The bundle: everything a marketer publishes, assembled from `content-variants/` into one
 * immutable, content-addressed document (`bundle:<version>` in the CONTENT namespace).
 */
import * as z from './zod.ts';
import { Condition } from './condition.ts';
import { SiteConsent } from './consent.ts';
import { PagePath } from './site-path.ts';
import { Experiment, Holdout } from './experiment.ts';
import { PageOrigin, SiteOrigin } from './origin.ts';
import {
  AnnouncementBarProps,
  CtaBannerProps,
  HeroProps,
  ProductGridProps,
  TestimonialProps,
} from './components.ts';

export const Id = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9-]{0,63}$/,
      'an id of lowercase letters, digits and dashes, e.g. "spring-sale"',
    ),
  );

export const Rule = z.strictObject({
  id: Id,
  /** Shown in the decision log and debug trace. */
  description: z.optional(z.string().check(z.maxLength(300))),
  when: Condition,
  variant: Id,
});
export type Rule = z.infer<typeof Rule>;

const variant = <P extends z.ZodMiniType>(props: P) =>
  z.strictObject({
    id: Id,
    name: z.optional(z.string().check(z.maxLength(120))),
    /** Categories or intents this variant speaks to; matched against profile affinities. */
    tags: z._default(
      z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(20)),
      [],
    ),
    /**
     * The offer this variant promotes (e.g. "spring-sale"). On a page with `uniqueOffers`, no
     * offer appears in two slots: a later slot whose best candidate is taken uses its next one.
     */
    offer: z.optional(Id),
    props,
  });

const slot = <K extends string, P extends z.ZodMiniType>(component: K, props: P) =>
  z.strictObject({
    id: Id,
    component: z.literal(component),
    description: z.optional(z.string().check(z.maxLength(300))),
    default: Id,
    variants: z.array(variant(props)).check(z.minLength(1), z.maxLength(200)),
    rules: z._default(z.array(Rule).check(z.maxLength(1000)), []),
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
    name: z.string().check(z.minLength(1), z.maxLength(120)),
    description: z.optional(z.string().check(z.maxLength(300))),
    /** Membership computed by data pipelines and stored in `profile.segments`. */
    source: z.literal('profile'),
  }),
  z.strictObject({
    id: Id,
    name: z.string().check(z.minLength(1), z.maxLength(120)),
    description: z.optional(z.string().check(z.maxLength(300))),
    /** Membership defined here, from other conditions (which may name other segments). */
    when: Condition,
  }),
]);
export type SegmentDef = z.infer<typeof SegmentDef>;

export const Page = z.strictObject({
  id: Id,
  /** Exact (`/sale`); origin pages may also cover a prefix (`/journal/*`: it and all below). */
  path: PagePath,
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  description: z.optional(z.string().check(z.maxLength(300))),
  /**
   * Slot ids in page order. On an origin page: the slots Tessera decides, filled wherever the
   * origin's HTML marks them (`data-tessera-slot="<id>"`); none is allowed there (the page then
   * only gets the tracker).
   */
  slots: z.array(Id).check(z.maxLength(50)),
  /** Keep one offer from appearing in two slots of this page (earlier slots choose first). */
  uniqueOffers: z.optional(z.boolean()),
  /** The page's HTML comes from the site's origin (site.origin); Tessera fills its slots. */
  origin: z.optional(PageOrigin),
});
export type Page = z.infer<typeof Page>;

export const Site = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(80)),
  tagline: z.optional(z.string().check(z.maxLength(160))),
  lang: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/)), 'en'),
  /** Consent defaults by country (see shared/schema/consent.ts); absent means the built-in defaults. */
  consent: z.optional(SiteConsent),
  /** Where origin pages come from (shared/schema/origin.ts); needed once a page has `origin`. */
  origin: z.optional(SiteOrigin),
});
export type Site = z.infer<typeof Site>;

export const BundleBody = z.strictObject({
  schemaVersion: z.literal(1),
  site: Site,
  segments: z._default(z.array(SegmentDef).check(z.maxLength(500)), []),
  pages: z.array(Page).check(z.minLength(1), z.maxLength(200)),
  slots: z.array(Slot).check(z.minLength(1), z.maxLength(500)),
  /** Optional (absent = none), so bundles without experiments keep their version hash. */
  holdout: z.optional(Holdout),
  experiments: z.optional(z.array(Experiment).check(z.maxLength(100))),
});
export type BundleBody = z.infer<typeof BundleBody>;
export type BundleInput = z.input<typeof BundleBody>;

/** A published bundle: the body plus the content hash that names it. */
export const Bundle = z.extend(BundleBody, {
  version: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
});
export type Bundle = z.infer<typeof Bundle>;

/** The small key that names the live version. */
export const Pointer = z.object({
  version: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  updatedAt: z.isoDateTime({ offset: true }),
  by: z._default(z.string().check(z.maxLength(200)), 'unknown'),
});
export type Pointer = z.infer<typeof Pointer>;
