/**
 * The component library marketers fill with props. One props schema per component kind;
 * the renderer in worker/render/components has one function per kind.
 */
import * as z from 'zod';
import { isSafeUrl } from '../url.ts';

export const SafeUrl = z
  .string()
  .refine(isSafeUrl, 'a site path ("/shop") or an http(s) URL; javascript:, data: and // URLs are not allowed');

/** Text shown on the page. May contain `{{traits.firstName|there}}` placeholders. */
const Text = (max: number) => z.string().min(1).max(max);

export const Link = z.strictObject({ label: Text(80), href: SafeUrl });
export const Tone = z.enum(['neutral', 'primary', 'accent', 'success', 'warning']);

export const HeroProps = z.strictObject({
  eyebrow: Text(60).optional(),
  headline: Text(120),
  subhead: Text(300).optional(),
  cta: Link.optional(),
  tone: Tone.default('primary'),
});

export const Product = z.strictObject({
  sku: z.string().min(1).max(64),
  name: Text(120),
  price: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'),
  href: SafeUrl,
  badge: Text(30).optional(),
  category: z.string().min(1).max(64).optional(),
});

export const ProductGridProps = z.strictObject({
  title: Text(120),
  products: z.array(Product).min(1).max(12),
});

export const TestimonialProps = z.strictObject({
  quote: Text(600),
  author: Text(80),
  role: Text(80).optional(),
  rating: z.number().int().min(1).max(5).optional(),
});

export const CtaBannerProps = z.strictObject({
  headline: Text(120),
  body: Text(300).optional(),
  button: Link,
  tone: Tone.default('accent'),
});

export const AnnouncementBarProps = z.strictObject({
  text: Text(200),
  link: Link.optional(),
  nav: z.array(Link).max(8).default([]),
  tone: Tone.default('neutral'),
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
