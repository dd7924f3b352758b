/**
 * Money is exact: balances travel as decimal strings and are stored as NUMERIC, never as binary
 * floating point. Each currency's minor units come from ICU (the same data browsers format with),
 * so the server and the UI agree on how many decimals a currency has.
 */

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** True for an ISO 4217 code ICU knows. */
export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

// Building an Intl.NumberFormat costs ~10 µs: once per currency, not once per row of every page.
const MINOR_UNITS = new Map<string, number>();

/** How many decimals a currency has (DKK 2, JPY 0, KWD 3). */
export function minorUnits(currency: string): number {
  let digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    if (isCurrency(currency)) MINOR_UNITS.set(currency, digits);
  }
  return digits;
}

/** A decimal string as the API accepts it: optional minus, up to 15 integer digits, up to 4 decimals. */
export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$';

/** Decimals written in a decimal string. */
export function decimalsOf(amount: string): number {
  const point = amount.indexOf('.');
  return point === -1 ? 0 : amount.length - point - 1;
}

/** Renders a stored NUMERIC text with exactly the currency's decimals (`"12.5"` in DKK is `"12.50"`). */
export function formatAmount(numeric: string, currency: string): string {
  const digits = minorUnits(currency);
  const negative = numeric.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? numeric.slice(1) : numeric).split('.');
  // Stored values were validated against the currency, so only zeros beyond `digits` can be dropped.
  const trimmed = fraction.replace(/0+$/, '');
  const shown = trimmed.padEnd(Math.max(digits, trimmed.length), '0');
  const text = shown === '' ? whole : `${whole}.${shown}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
