import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { currencyMinorUnits, fractionDigits, isCurrencyCode } from '../money/money';

/** The server's bounds (services/accounts-api), repeated so the dialog says the same thing first. */
export const RULES = {
  nicknameMaxLength: 60,
  balanceMaxIntegerDigits: 15,
} as const;

// IBAN lengths by country (SWIFT IBAN registry), as the Accounts API checks them.
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

/** Account numbers are compared without spaces and in capitals, as banks print them in groups. */
export function normalizeAccountNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanIsValid(value: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(value)) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/**
 * As the Accounts API decides: an IBAN (country length and mod-97 check digits) or a national
 * number, a 4-digit bank code and a 4–14 digit account number (`1234-0001234567`).
 */
export function accountNumberProblem(input: string): string | null {
  const value = normalizeAccountNumber(input);
  if (/^[A-Z]{2}\d{2}/.test(value)) {
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(value)) return 'An IBAN has only letters and digits';
    const country = value.slice(0, 2);
    const length = IBAN_LENGTHS[country];
    if (length === undefined) return `${country} does not issue IBANs`;
    if (value.length !== length) return `A ${country} IBAN has ${length} characters`;
    return ibanIsValid(value) ? null : 'The IBAN check digits do not match';
  }
  return /^\d{4}-?\d{4,14}$/.test(value)
    ? null
    : 'Expected an IBAN or a 4-digit bank code and a 4–14 digit account number';
}

export function accountNumberValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = control.value ?? '';
  if (value.trim() === '') return null;
  const problem = accountNumberProblem(value);
  return problem ? { accountNumber: problem } : null;
}

export function currencyValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = (control.value ?? '').trim();
  if (value === '') return null;
  return isCurrencyCode(value) ? null : { currency: true };
}

/** Balance: a decimal (it may be negative) with no more decimals than the currency allows. */
export function balanceValidator(currency: () => string): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const value = (control.value ?? '').trim();
    if (value === '') return null;
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(value)) return { balanceFormat: true };
    if (value.replace(/^-/, '').split('.')[0]!.length > RULES.balanceMaxIntegerDigits)
      return { balanceTooLarge: true };
    const code = currency();
    if (isCurrencyCode(code) && fractionDigits(value) > currencyMinorUnits(code))
      return { balanceMinorUnits: { minor: currencyMinorUnits(code), currency: code } };
    return null;
  };
}

/** The message shown under a field for its first error, worded as the server words it. */
export function errorMessage(label: string, errors: ValidationErrors | null): string {
  if (!errors) return '';
  if (errors['required']) return `${label} is required`;
  if (errors['maxlength']) return `${label} must be at most ${errors['maxlength'].requiredLength} characters`;
  if (errors['accountNumber']) return String(errors['accountNumber']);
  if (errors['currency']) return 'Currency must be an ISO 4217 code like DKK or EUR';
  if (errors['balanceFormat']) return 'Balance must be a number like 1250.50';
  if (errors['balanceTooLarge'])
    return `Balance must have at most ${RULES.balanceMaxIntegerDigits} digits before the decimal point`;
  if (errors['balanceMinorUnits']) {
    const { minor, currency } = errors['balanceMinorUnits'] as { minor: number; currency: string };
    return minor === 0
      ? `${currency} amounts have no decimals`
      : `${currency} amounts have at most ${minor} decimals`;
  }
  if (errors['server']) return String(errors['server']);
  return `${label} is not valid`;
}
