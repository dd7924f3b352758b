import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { checkAccountNumber } from '@atrium/account-number';
import { currencyMinorUnits, fractionDigits, isCurrencyCode } from '@atrium/money';

/** The server's bounds (services/accounts-api), repeated so the dialog says the same thing first. */
export const RULES = {
  nicknameMaxLength: 60,
  balanceMaxIntegerDigits: 15,
} as const;

/**
 * The Accounts API's own rule (one module, so the dialog and the server cannot disagree), with its
 * reason worded as a sentence for the field's message.
 */
export function accountNumberProblem(input: string): string | null {
  const check = checkAccountNumber(input);
  return check.ok ? null : check.reason.charAt(0).toUpperCase() + check.reason.slice(1);
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
