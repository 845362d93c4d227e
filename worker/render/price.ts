/**
 * Prices in the page's locale. `Intl.NumberFormat` is costly to construct (~30 µs in V8, more
 * than the rest of a slot's render), so each currency's formatter is built once per isolate.
 */
const MAX_CURRENCIES = 64;
/** `null`: the runtime does not know this currency; format it by hand. */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(currency: string): Intl.NumberFormat | null {
  let f = formatters.get(currency);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency });
    } catch {
      f = null;
    }
    if (formatters.size >= MAX_CURRENCIES) formatters.clear();
    formatters.set(currency, f);
  }
  return f;
}

export function formatPrice(amount: number, currency: string): string {
  const f = formatterFor(currency);
  return f ? f.format(amount) : `${amount.toFixed(2)} ${currency}`;
}
