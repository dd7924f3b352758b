/**
 * Account numbers as banks validate them. An IBAN (two letters, two digits, …) must have its
 * country's length and pass the ISO 13616 mod-97 check; anything else must be a national number:
 * a bank/registration code of 4 digits and an account number of 4 to 14 digits (e.g. the Danish
 * `1234-0001234567`), since a free-form string would accept typos that banks reject.
 */

/** IBAN lengths by country (SWIFT IBAN registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

const LOOKS_LIKE_IBAN = /^[A-Z]{2}[0-9]{2}/;
const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/;
const NATIONAL = /^([0-9]{4})-?([0-9]{4,14})$/;

/** ISO 7064 mod 97-10 of an IBAN moved into check order, digit by digit to stay within safe integers. */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** Account numbers are compared without spaces and in capitals, as banks print them in groups. */
export function normalizeAccountNumber(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** True for a well-shaped IBAN whose ISO 13616 check digits match (its country length not checked). */
export function ibanIsValid(value: string): boolean {
  return IBAN_SHAPE.test(value) && mod97(value) === 1;
}

export type AccountNumberCheck =
  | { readonly ok: true; readonly normalized: string; readonly kind: 'iban' | 'national' }
  | { readonly ok: false; readonly reason: string };

/** Validates and normalises an account number: IBANs upper-case without spaces, national `CCCC-NNNN…`. */
export function checkAccountNumber(input: string): AccountNumberCheck {
  const compact = normalizeAccountNumber(input);
  if (LOOKS_LIKE_IBAN.test(compact)) {
    if (!IBAN_SHAPE.test(compact)) return { ok: false, reason: 'an IBAN has only letters and digits' };
    const country = compact.slice(0, 2);
    const length = IBAN_LENGTHS[country];
    if (length === undefined) return { ok: false, reason: `${country} does not issue IBANs` };
    if (compact.length !== length) return { ok: false, reason: `a ${country} IBAN has ${length} characters` };
    if (mod97(compact) !== 1) return { ok: false, reason: 'the IBAN check digits do not match' };
    return { ok: true, normalized: compact, kind: 'iban' };
  }
  const national = NATIONAL.exec(compact);
  if (national === null) {
    return { ok: false, reason: 'expected an IBAN or a 4-digit bank code and a 4–14 digit account number' };
  }
  return { ok: true, normalized: `${national[1]}-${national[2]}`, kind: 'national' };
}

/** Builds a valid IBAN from a country code and BBAN (demo data, tests). */
export function ibanFor(country: string, bban: string): string {
  return `${country}${String(98 - mod97(`${country}00${bban}`)).padStart(2, '0')}${bban}`;
}
