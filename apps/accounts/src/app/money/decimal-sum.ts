// Balances are exact decimal strings: sums are done on scaled BigInts, never on binary floats.

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

function split(value: string): { sign: bigint; int: string; frac: string } {
  if (!DECIMAL.test(value)) throw new Error(`Not a decimal: ${value}`);
  const negative = value.startsWith('-');
  const [int, frac = ''] = (negative ? value.slice(1) : value).split('.') as [string, string?];
  return { sign: negative ? -1n : 1n, int, frac };
}

/** Adds two decimal strings exactly: addDecimal('0.1', '0.2') === '0.3'. */
export function addDecimal(a: string, b: string): string {
  const x = split(a);
  const y = split(b);
  const scale = Math.max(x.frac.length, y.frac.length);
  const scaled = (d: { sign: bigint; int: string; frac: string }): bigint =>
    d.sign * BigInt(d.int + d.frac.padEnd(scale, '0'));
  const sum = scaled(x) + scaled(y);
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
