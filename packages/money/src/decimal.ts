// Amounts stay decimal strings end to end; arithmetic is done on scaled BigInts, never on binary
// floating point (0.1 + 0.2 is 0.3 here).

const PLAIN = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;
const SIGNED = /^-?\d+(?:\.\d+)?$/;

/** Normalises user input (" 12.5 " becomes "12.5"); undefined unless a plain non-negative decimal ("1e3", "01", "1,5" are not). */
export function parseDecimal(input: string): string | undefined {
  const trimmed = input.trim();
  return PLAIN.test(trimmed) ? trimmed : undefined;
}

/** Number of digits after the decimal point of a decimal string. */
export function fractionDigits(decimal: string): number {
  const dot = decimal.indexOf('.');
  return dot === -1 ? 0 : decimal.length - dot - 1;
}

/** Digits before the decimal point of a decimal string (sign and leading zeros ignored). */
export function integerDigits(decimal: string): number {
  return decimal.replace(/^-/, '').split('.')[0]!.replace(/^0+/, '').length;
}

/** True when the decimal string is strictly greater than zero. */
export function isPositive(decimal: string): boolean {
  return !decimal.startsWith('-') && /[1-9]/.test(decimal);
}

/** The same value without leading or trailing zeros and without the sign of zero ("-0010.500" is "-10.5", "-0.00" is "0"). */
export function normalizeDecimal(decimal: string): string {
  const { negative, int, frac } = split(decimal);
  const integer = int.replace(/^0+(?=\d)/, '');
  const fraction = frac.replace(/0+$/, '');
  const text = fraction === '' ? integer : `${integer}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

function split(value: string): { negative: boolean; int: string; frac: string } {
  if (!SIGNED.test(value)) throw new Error(`Not a decimal: ${value}`);
  const negative = value.startsWith('-');
  const [int, frac = ''] = (negative ? value.slice(1) : value).split('.') as [string, string?];
  return { negative, int, frac };
}

function scaled(value: string, scale: number): bigint {
  const { negative, int, frac } = split(value);
  const magnitude = BigInt(int + frac.padEnd(scale, '0'));
  return negative ? -magnitude : magnitude;
}

/** Compares two decimal strings exactly: negative, zero or positive as `a` is less than, equal to or greater than `b`. */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const difference = scaled(a, scale) - scaled(b, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Adds two decimal strings exactly, at the larger of their scales: addDecimal('0.1', '0.2') === '0.3'. */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const sum = scaled(a, scale) + scaled(b, scale);
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}

/** Sums decimal strings exactly ('0' for none). */
export function sumDecimals(values: readonly string[]): string {
  return values.reduce(addDecimal, '0');
}
