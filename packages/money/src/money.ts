// Money stays a decimal string from the API to the screen: Intl.NumberFormat formats a
// string operand exactly (ECMA-402 v3), so no binary floating point ever touches an amount.

const DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

// Building an Intl formatter costs far more than formatting with one, and tables format every
// cell on every change detection: one formatter per locale and currency, made once.
const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormat(locale: string | undefined, currency: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, format);
  }
  return format;
}
let currencies: ReadonlySet<string> | undefined;

/** True when `code` is an ISO 4217 currency code this browser knows (e.g. DKK, EUR, JPY). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

/** Digits after the decimal point the currency allows (DKK 2, JPY 0, KWD 3). */
export function currencyMinorUnits(code: string): number {
  return currencyFormat('en', code).resolvedOptions().maximumFractionDigits as number;
}

/** Normalises user input ("1 234,50" is refused, " 12.5 " becomes "12.5"); undefined when not a plain decimal. */
export function parseDecimal(input: string): string | undefined {
  const trimmed = input.trim();
  return DECIMAL.test(trimmed) ? trimmed : undefined;
}

/** Number of digits after the decimal point of a decimal string. */
export function fractionDigits(decimal: string): number {
  const dot = decimal.indexOf('.');
  return dot === -1 ? 0 : decimal.length - dot - 1;
}

/** Digits before the decimal point of a decimal string (leading zeros ignored). */
export function integerDigits(decimal: string): number {
  const int = decimal.split('.')[0]!.replace(/^0+/, '');
  return int.length;
}

/** True when the decimal string is strictly greater than zero. */
export function isPositive(decimal: string): boolean {
  return /[1-9]/.test(decimal);
}

/** Formats an exact decimal amount (string or the API's JSON number) in its currency. */
export function formatMoney(amount: string | number, currency: string, locale?: string): string {
  // A JSON number is turned into its shortest round-trip string, which is exactly what the API sent.
  const exact = typeof amount === 'number' ? String(amount) : amount;
  try {
    return currencyFormat(locale, currency).format(exact as Intl.StringNumericLiteral);
  } catch {
    return `${exact} ${currency}`;
  }
}
