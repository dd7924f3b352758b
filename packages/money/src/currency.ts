// Minor units come from ICU (the data Intl formats with), not from a hand-typed ISO table: the
// services and the browsers then agree on how many decimals a currency has, and the UI never
// rounds away a decimal the API accepted (a table said HUF 2 where ICU formats HUF with 0).

let currencies: ReadonlySet<string> | undefined;

/** True when `code` is an ISO 4217 currency code ICU knows (e.g. DKK, EUR, JPY). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

// Building an Intl.NumberFormat costs ~10 µs: once per currency, not once per row of every page.
const MINOR_UNITS = new Map<string, number>();

/** Digits after the decimal point the currency has (DKK 2, JPY 0, KWD 3, CLF 4); undefined for an unknown code. */
export function currencyMinorUnits(code: string): number | undefined {
  if (!isCurrencyCode(code)) return undefined;
  let units = MINOR_UNITS.get(code);
  if (units === undefined) {
    units = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits as number;
    MINOR_UNITS.set(code, units);
  }
  return units;
}
