/**
 * The cost file `tessera roi` reads (`costs.json` by default; versioned with the repository, so
 * each change of assumptions is a commit): what personalization costs, to set against the
 * incremental revenue the holdout measures. Every field is optional so a half-filled file still
 * parses — the ROI report then names what is missing instead of guessing it.
 */
import * as z from './zod.ts';
import { CurrencyCode } from './revenue.ts';

const Amount = z.number().check(z.gte(0), z.lte(1e12));

export const Costs = z.strictObject({
  /** The file format; always 1. */
  schemaVersion: z.literal(1),
  /** Your own label for this set of assumptions ("2026-Q4 budget"), echoed in the report. */
  version: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
  /** The currency of every amount below; must be the reporting currency or have a rate to it. */
  currency: z.optional(CurrencyCode),
  /** Gross margin on incremental revenue, 0–1 (0.35: 35 % of revenue is profit before these costs). */
  margin: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /** Months the ROI is computed over (default 12). */
  horizonMonths: z._default(z.number().check(z.int(), z.gte(1), z.lte(120)), 12),
  /** One-off costs: implementation, integration, training. */
  oneOff: z.optional(
    z.strictObject({
      implementation: z.optional(Amount),
      other: z.optional(Amount),
    }),
  ),
  /** Recurring costs per month. */
  monthly: z.optional(
    z.strictObject({
      platform: z.optional(Amount),
      contentProduction: z.optional(Amount),
      /** Hours a month spent optimising (tests, rules, analysis) … */
      optimisationHours: z.optional(z.number().check(z.gte(0), z.lte(100_000))),
      /** … at this cost per hour. */
      hourlyRate: z.optional(Amount),
      other: z.optional(Amount),
    }),
  ),
});
export type Costs = z.infer<typeof Costs>;
export type CostsInput = z.input<typeof Costs>;
