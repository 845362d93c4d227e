/**
 * What a preview may pretend about the request (the console's "preview as"): a country, a device
 * class, a local time and a traffic source. Each replaces the request's own signal of that name
 * (worker/preview/apply.ts says what else it clears so the context stays consistent).
 */
import * as z from './zod.ts';
import { DEVICE_CLASSES, REFERRER_CLASSES, WEEKDAYS } from './context-signals.ts';

export const PreviewContext = z.strictObject({
  /** ISO 3166-1 alpha-2, e.g. "DE". */
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'a country code such as "DE"'))),
  device: z.optional(z.enum(DEVICE_CLASSES)),
  /** The visitor's local hour, 0–23. */
  hour: z.optional(z.number().check(z.int(), z.gte(0), z.lte(23))),
  weekday: z.optional(z.enum(WEEKDAYS)),
  referrer: z.optional(z.enum(REFERRER_CLASSES)),
});
export type PreviewContext = z.infer<typeof PreviewContext>;
