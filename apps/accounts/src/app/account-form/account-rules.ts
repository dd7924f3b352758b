import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { currencyMinorUnits, fractionDigits, isCurrencyCode } from '../money/money';

/** The server's bounds (services/accounts-api), repeated so the dialog says the same thing first. */
export const RULES = {
  nicknameMaxLength: 60,
  accountNumberMinLength: 4,
  accountNumberMaxLength: 34,
  balanceMaxIntegerDigits: 15,
} as const;

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** Account numbers are compared without spaces and in capitals, as banks print them in groups. */
export function normalizeAccountNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** True when `value` has an IBAN's shape (country code then check digits). */
export function looksLikeIban(value: string): boolean {
  return /^[A-Z]{2}\d{2}/.test(value);
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanIsValid(value: string): boolean {
  if (!IBAN_SHAPE.test(value)) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export function accountNumberValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = normalizeAccountNumber(control.value ?? '');
  if (value === '') return null;
  if (looksLikeIban(value)) return ibanIsValid(value) ? null : { iban: true };
  if (!/^[A-Z0-9-]+$/.test(value)) return { accountNumberChars: true };
  if (value.length < RULES.accountNumberMinLength || value.length > RULES.accountNumberMaxLength)
    return { accountNumberLength: true };
  return null;
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
  if (errors['iban']) return 'This IBAN is not valid: check the digits';
  if (errors['accountNumberChars']) return 'Account number may contain only letters, digits and dashes';
  if (errors['accountNumberLength'])
    return `Account number must be ${RULES.accountNumberMinLength} to ${RULES.accountNumberMaxLength} characters`;
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
