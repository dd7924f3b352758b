import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { isPaymentDueYear, type Labels } from '@atrium/contracts';
import { checkPaymentReference, comparableAccountNumber } from '@atrium/account-number';
import { checkPaymentAmount, isCurrencyCode, PAYMENT_AMOUNT, parseDecimal } from '@atrium/money';
import type { PaymentsLabel } from '../payments-labels';

/** Amount: the server's rule (`checkPaymentAmount`), on what the form sends as typed. */
export function amountValidator(currency: () => string): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const raw = (control.value ?? '').trim();
    if (raw === '') return null; // `required` reports it
    // The form sends the digits as typed (a JSON number token), so they must already be plain.
    const decimal = parseDecimal(raw);
    if (decimal === undefined) return { amountFormat: true };
    const code = currency();
    const check = checkPaymentAmount(decimal, code);
    if (check.ok) return null;
    switch (check.problem) {
      case 'format':
        return { amountFormat: true };
      case 'not_positive':
        return { amountPositive: true };
      case 'too_large':
        return { amountTooLarge: true };
      case 'too_many_decimals':
        return { amountMinorUnits: { minor: check.minorUnits, currency: code } };
    }
  };
}

export function currencyValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = (control.value ?? '').trim();
  if (value === '') return null;
  return isCurrencyCode(value) ? null : { currency: true };
}

/** A due date: a real day, in the years the server takes (`isPaymentDueYear`, @atrium/contracts). */
export function dateValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = control.value ?? '';
  if (value === '') return null;
  const year = Number(value.slice(0, 4));
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    isPaymentDueYear(year);
  return valid ? null : { date: true };
}

/**
 * An account reference as the server judges it (ADR 0005): the error carries the server's own message
 * for `label`, so the form and the API never word a refusal differently.
 */
export function accountReferenceValidator(label: string): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const value = control.value ?? '';
    if (value.trim() === '') return null; // `required` reports it
    const check = checkPaymentReference(value, label);
    return check.ok ? null : { reference: check.message };
  };
}

/** The reference as the server will store it (spaces removed, upper case); as typed when not valid. */
export function normalizedReference(value: string): string {
  const check = checkPaymentReference(value, '');
  return check.ok ? check.normalized : value.trim();
}

/** True when two references name the same account (`1234 0001234567` and `1234-0001234567`). */
export function sameAccount(a: string, b: string): boolean {
  return a.trim() !== '' && comparableAccountNumber(a) === comparableAccountNumber(b);
}

/** On the form: a payment goes from one account to another one. */
export function differentAccountsValidator(group: AbstractControl): ValidationErrors | null {
  const from = group.get('from_account');
  const to = group.get('to_account');
  if (!from || !to) return null;
  const same = sameAccount(from.value, to.value);
  const { sameAccount: _, ...others } = to.errors ?? {};
  if (same) to.setErrors({ ...others, sameAccount: true });
  else if (to.hasError('sameAccount')) to.setErrors(Object.keys(others).length ? others : null);
  return null;
}

/**
 * The message shown under a field for its first error, in the page's language (`t`), worded in
 * English as the server words it. A reference's and the server's own messages stay English.
 */
export function errorMessage(
  field: string,
  errors: ValidationErrors | null,
  t: Labels<PaymentsLabel>,
): string {
  if (!errors) return '';
  if (errors['required']) return t('required', { field });
  if (errors['maxlength']) return t('tooLong', { field, max: errors['maxlength'].requiredLength });
  if (errors['reference']) return String(errors['reference']);
  if (errors['amountFormat']) return t('amountFormat');
  if (errors['amountPositive']) return t('amountPositive');
  if (errors['amountTooLarge']) return t('amountTooLarge', { digits: PAYMENT_AMOUNT.maxIntegerDigits });
  if (errors['amountMinorUnits']) {
    const { minor, currency } = errors['amountMinorUnits'] as { minor: number; currency: string };
    return minor === 0 ? t('noDecimals', { currency }) : t('atMostDecimals', { currency, minor });
  }
  if (errors['currency']) return t('currencyCode');
  if (errors['date']) return t('date', { field });
  if (errors['sameAccount']) return t('sameAccount');
  if (errors['server']) return String(errors['server']);
  return t('invalid', { field });
}
