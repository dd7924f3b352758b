import { currencyMinorUnits } from './currency.ts';
import { fractionDigits, normalizeDecimal } from './decimal.ts';

// Intl.NumberFormat formats a string operand exactly (ECMA-402 v3), so no binary floating point
// ever touches an amount on its way to the screen.

// Building an Intl formatter costs far more than formatting with one, and tables format every
// cell on every change detection: one formatter per locale, currency and scale, made once.
const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormat(
  locale: string | undefined,
  currency: string,
  digits: { min: number; max: number } | undefined,
): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}|${digits?.max ?? ''}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      ...(digits && { minimumFractionDigits: digits.min, maximumFractionDigits: digits.max }),
    });
    formatters.set(key, format);
  }
  return format;
}

/**
 * Formats an exact decimal amount (string or the API's JSON number) in its currency. An amount with
 * more decimals than the currency has (stored before a rule changed) is shown with all of them:
 * money on screen is never rounded.
 */
export function formatMoney(amount: string | number, currency: string, locale?: string): string {
  // A JSON number is turned into its shortest round-trip string, which is exactly what the API sent.
  const exact = typeof amount === 'number' ? String(amount) : amount;
  try {
    const minor = currencyMinorUnits(currency) ?? 0;
    const significant = /^-?\d+(?:\.\d+)?$/.test(exact) ? fractionDigits(normalizeDecimal(exact)) : 0;
    // Only beyond the currency's own decimals is the formatter widened; otherwise ICU's defaults hold.
    const widened = significant > minor ? { min: minor, max: significant } : undefined;
    const format = currencyFormat(locale, currency, widened);
    return format.format(exact as Intl.StringNumericLiteral);
  } catch {
    return `${exact} ${currency}`;
  }
}

/** A stored decimal with exactly the currency's decimals, as an API answers it ("12.5" in DKK is "12.50"; significant decimals are kept). */
export function withMinorUnits(decimal: string, currency: string): string {
  const units = currencyMinorUnits(currency) ?? 2;
  const normal = normalizeDecimal(decimal);
  const [whole = '0', fraction = ''] = normal.split('.');
  const shown = fraction.padEnd(Math.max(units, fraction.length), '0');
  return shown === '' ? whole : `${whole}.${shown}`;
}
