/**
 * Exact money (ADR 0101): amounts are decimal strings checked against the currency's ISO 4217 minor
 * units and stored as DynamoDB numbers (decimal, 38 digits), never as binary floating point.
 */

// ISO 4217 active codes by number of minor units; every code not listed under 0, 3 or 4 has 2.
const MINOR_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const MINOR_3 = 'BHD IQD JOD KWD LYD OMR TND';
const MINOR_4 = 'CLF UYW';
const MINOR_2 =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD ' +
  'CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
  'GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA ' +
  'MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR ' +
  'RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD ' +
  'TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';

const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  (
    [
      [MINOR_0, 0],
      [MINOR_2, 2],
      [MINOR_3, 3],
      [MINOR_4, 4],
    ] as const
  ).flatMap(([codes, units]) => codes.split(' ').map((code) => [code, units] as const)),
);

/** Digits allowed before the decimal point: a trillion is already absurd for one payment. */
export const MAX_INTEGER_DIGITS = 12;

/** The currency's minor units, or undefined when the code is not an active ISO 4217 currency. */
export function minorUnits(currency: string): number | undefined {
  return MINOR_UNITS.get(currency);
}

export type AmountProblem = 'format' | 'not_positive' | 'too_large' | 'too_many_decimals';

/**
 * Converts a client amount (a JSON number, as the articles' client sends it, or a decimal string)
 * to its exact decimal text. A double's shortest round-trip form is exactly what the client wrote
 * whenever it has at most 15 significant digits, which the digit bounds here guarantee.
 */
export function exactAmount(
  value: number | string,
  currency: string,
): { amount: string } | { problem: AmountProblem } {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 10 ** MAX_INTEGER_DIGITS)
    return { problem: 'too_large' };
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { problem: text.startsWith('-') ? 'not_positive' : 'format' };
  const integer = (match[1] as string).replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (/^0*$/.test(integer) && fraction === '') return { problem: 'not_positive' };
  if (integer.length > MAX_INTEGER_DIGITS) return { problem: 'too_large' };
  const units = minorUnits(currency);
  if (units !== undefined && fraction.length > units) return { problem: 'too_many_decimals' };
  return { amount: fraction === '' ? integer : `${integer}.${fraction}` };
}

/** Compares two exact decimal strings (non-negative) without converting to floating point. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const ia = ai.replace(/^0+/, '');
  const ib = bi.replace(/^0+/, '');
  if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, '0');
  const fb = bf.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
