/**
 * One reporting currency per site: amounts in it count as they are, amounts in a currency the
 * site's rate table (`site.revenue.rates`) knows are converted, and the rest are excluded and
 * counted — never summed as if they were the reporting currency. Pure.
 */
import type { SiteRevenue } from '../schema/revenue.ts';

export interface CurrencyPolicy {
  currency: string;
  /** Reporting-currency units per one unit of the keyed currency. */
  rates: Readonly<Record<string, number>>;
  /** Where the reporting currency came from: the site config, or (absent there) the data. */
  source: 'site' | 'inferred';
}

/** The policy for a site: its configured currency, or the one most orders were in (ties: A–Z). */
export function currencyPolicy(
  site: Pick<SiteRevenue, 'currency' | 'rates'> | undefined,
  ordersByCurrency: Readonly<Record<string, number>> = {},
): CurrencyPolicy | undefined {
  if (site) return { currency: site.currency, rates: site.rates ?? {}, source: 'site' };
  const ranked = Object.entries(ordersByCurrency).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  return ranked[0] ? { currency: ranked[0][0], rates: {}, source: 'inferred' } : undefined;
}

/** The amount in the reporting currency, or undefined when it cannot be converted. */
export function convert(p: CurrencyPolicy, amount: number, currency: string): number | undefined {
  if (currency === p.currency) return amount;
  const rate = p.rates[currency];
  return rate === undefined ? undefined : amount * rate;
}

/** What a conversion did, for the report: converted and excluded orders per currency. */
export interface CurrencyLedger {
  converted: Record<string, { orders: number; amount: number; rate: number }>;
  excluded: Record<string, { orders: number; amount: number }>;
}

export const emptyCurrencyLedger = (): CurrencyLedger => ({
  converted: Object.create(null) as CurrencyLedger['converted'],
  excluded: Object.create(null) as CurrencyLedger['excluded'],
});

/**
 * One visitor's orders (by currency) in the reporting currency: revenue and orders that count,
 * with the converted and excluded amounts noted in `ledger`.
 */
export function visitorTotal(
  p: CurrencyPolicy,
  byCurrency: Readonly<Record<string, { events: number; value: number }>>,
  ledger: CurrencyLedger,
): { revenue: number; orders: number } {
  let revenue = 0;
  let orders = 0;
  for (const [currency, { events, value }] of Object.entries(byCurrency)) {
    const v = convert(p, value, currency);
    if (v === undefined) {
      const x = (ledger.excluded[currency] ??= { orders: 0, amount: 0 });
      x.orders += events;
      x.amount += value;
      continue;
    }
    if (currency !== p.currency) {
      const x = (ledger.converted[currency] ??= { orders: 0, amount: 0, rate: p.rates[currency]! });
      x.orders += events;
      x.amount += value;
    }
    revenue += v;
    orders += events;
  }
  return { revenue, orders };
}
