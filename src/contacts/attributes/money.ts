/** Intl formatters are costly to build (ICU data lookups); a bulk run formats thousands of amounts. */
const formatters = new Map<string, Intl.NumberFormat>();
const digitsByCurrency = new Map<string, number>();

/** Decimal places of a currency's minor unit (EUR 2, JPY 0, KWD 3), from ICU's data. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** Integer minor units shown in the store's locale and currency, e.g. 123450 EUR/nl → "€ 1.234,50". */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const digits = minorUnitDigits(currency);
  return formatter(locale, currency, digits).format(minorUnits / 10 ** digits);
}

function formatter(locale: string, currency: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    const options: Intl.NumberFormatOptions = {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    };
    try {
      format = new Intl.NumberFormat(locale, options);
    } catch {
      // An unknown locale tag must not break a sync; English still shows the right currency.
      format = new Intl.NumberFormat('en', options);
    }
    formatters.set(key, format);
  }
  return format;
}
