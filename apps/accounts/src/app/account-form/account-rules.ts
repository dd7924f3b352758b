import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { checkAccountNumber } from '@atrium/account-number';
import type { Labels } from '@atrium/contracts';
import {
  ACCOUNT_BALANCE,
  currencyMinorUnits,
  fractionDigits,
  isCurrencyCode,
  normalizeDecimal,
} from '@atrium/money';
import type { AccountsLabel } from '../accounts-labels';

/**
 * The server's nickname bound (services/accounts-api), repeated so the dialog says the same thing
 * first; the balance's come from @atrium/money, which the server's schema uses.
 */
export const RULES = {
  nicknameMaxLength: 60,
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
    if (value.replace(/^-/, '').split('.')[0]!.length > ACCOUNT_BALANCE.maxIntegerDigits)
      return { balanceTooLarge: true };
    const code = currency();
    const minor = currencyMinorUnits(code);
    // Trailing zeros carry no value ("10.500" is a DKK balance), as the server judges it.
    if (minor !== undefined && fractionDigits(normalizeDecimal(value)) > minor)
      return { balanceMinorUnits: { minor, currency: code } };
    return null;
  };
}

/**
 * The message shown under a field for its first error, in the page's language (`t`), worded in
 * English as the server words it. The account-number check's and the server's own messages stay English.
 */
export function errorMessage(
  field: string,
  errors: ValidationErrors | null,
  t: Labels<AccountsLabel>,
): string {
  if (!errors) return '';
  if (errors['required']) return t('required', { field });
  if (errors['maxlength']) return t('tooLong', { field, max: errors['maxlength'].requiredLength });
  if (errors['accountNumber']) return String(errors['accountNumber']);
  if (errors['currency']) return t('currencyCode');
  if (errors['balanceFormat']) return t('balanceFormat');
  if (errors['balanceTooLarge']) return t('balanceTooLarge', { digits: ACCOUNT_BALANCE.maxIntegerDigits });
  if (errors['balanceMinorUnits']) {
    const { minor, currency } = errors['balanceMinorUnits'] as { minor: number; currency: string };
    return minor === 0 ? t('noDecimals', { currency }) : t('atMostDecimals', { currency, minor });
  }
  if (errors['server']) return String(errors['server']);
  return t('invalid', { field });
}
