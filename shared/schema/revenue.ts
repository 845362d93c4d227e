/**
 * `site.revenue` in the bundle: how reports add up money (docs/experiments.md "Revenue").
 *
 * - `currency`: the one reporting currency. Purchases in it count as they are.
 * - `rates`: units of the reporting currency per one unit of another currency
 *   (`{ "USD": 0.92 }` with `currency: "EUR"`: 1 USD counts as 0.92 EUR). A purchase in a currency
 *   with no rate is excluded from revenue and counted as excluded — never summed as if it were
 *   the reporting currency.
 * - `cap`: outlier capping of each visitor's revenue in their window: `{ "percentile": 0.99 }`
 *   (at that percentile of buyers' revenue, pooled over arms so the cap is blind to the arm),
 *   `{ "value": 2000 }` (a fixed amount in the reporting currency), or absent (no capping).
 *   Capping narrows the intervals and biases the estimate towards zero; see the simulation.
 * - `attributionWindowHours`: how long before a purchase a decision may be credited with it in
 *   the attribution table (default 7 days).
 */
import * as z from './zod.ts';
import { dict } from './dict.ts';

export const CurrencyCode = z
  .string()
  .check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'));

export const RevenueCap = z.union([
  z.strictObject({ percentile: z.number().check(z.gte(0.5), z.lt(1)) }),
  z.strictObject({ value: z.number().check(z.gt(0), z.lte(1e9)) }),
]);
export type RevenueCap = z.infer<typeof RevenueCap>;

export const DEFAULT_ATTRIBUTION_WINDOW_HOURS = 24 * 7;

export const SiteRevenue = z.strictObject({
  currency: CurrencyCode,
  rates: z.optional(dict(CurrencyCode, z.number().check(z.gt(0), z.lte(1e6)))),
  cap: z.optional(RevenueCap),
  attributionWindowHours: z._default(
    z.number().check(z.gte(0.01), z.lte(24 * 90)),
    DEFAULT_ATTRIBUTION_WINDOW_HOURS,
  ),
});
export type SiteRevenue = z.infer<typeof SiteRevenue>;
export type SiteRevenueInput = z.input<typeof SiteRevenue>;
