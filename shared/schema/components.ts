/**
 * The component library marketers fill with props. One props schema per component kind;
 * the renderer in worker/render/components has one function per kind.
 */
import * as z from './zod.ts';
import { isSafeUrl } from './checks.ts';

export const SafeUrl = z
  .string()
  .check(
    z.refine(
      isSafeUrl,
      'a site path ("/shop") or an http(s) URL; javascript:, data: and // URLs are not allowed',
    ),
  );

/** Text shown on the page. May contain `{{traits.firstName|there}}` placeholders. */
const Text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const Link = z.strictObject({ label: Text(80), href: SafeUrl });
export const Tone = z.enum(['neutral', 'primary', 'accent', 'success', 'warning']);

export const HeroProps = z.strictObject({
  eyebrow: z.optional(Text(60)),
  headline: Text(120),
  subhead: z.optional(Text(300)),
  cta: z.optional(Link),
  tone: z._default(Tone, 'primary'),
});

export const Product = z.strictObject({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  name: Text(120),
  price: z.number().check(z.nonnegative()),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"')),
  href: SafeUrl,
  badge: z.optional(Text(30)),
  category: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

export const ProductGridProps = z.strictObject({
  title: Text(120),
  products: z.array(Product).check(z.minLength(1), z.maxLength(12)),
});

export const TestimonialProps = z.strictObject({
  quote: Text(600),
  author: Text(80),
  role: z.optional(Text(80)),
  rating: z.optional(z.number().check(z.int(), z.gte(1), z.lte(5))),
});

export const CtaBannerProps = z.strictObject({
  headline: Text(120),
  body: z.optional(Text(300)),
  button: Link,
  tone: z._default(Tone, 'accent'),
});

export const AnnouncementBarProps = z.strictObject({
  text: Text(200),
  link: z.optional(Link),
  nav: z._default(z.array(Link).check(z.maxLength(8)), []),
  tone: z._default(Tone, 'neutral'),
});

export const COMPONENTS = {
  hero: HeroProps,
  'product-grid': ProductGridProps,
  testimonial: TestimonialProps,
  'cta-banner': CtaBannerProps,
  'announcement-bar': AnnouncementBarProps,
} as const;

export type ComponentKind = keyof typeof COMPONENTS;
export type PropsOf<K extends ComponentKind> = z.infer<(typeof COMPONENTS)[K]>;
export type HeroProps = z.infer<typeof HeroProps>;
export type ProductGridProps = z.infer<typeof ProductGridProps>;
export type TestimonialProps = z.infer<typeof TestimonialProps>;
export type CtaBannerProps = z.infer<typeof CtaBannerProps>;
export type AnnouncementBarProps = z.infer<typeof AnnouncementBarProps>;
