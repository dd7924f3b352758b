import { currencyMinorUnits } from './currency.ts';
import { normalizeDecimal } from './decimal.ts';

/** The bounds of one payment's amount, enforced by the payments API and said first by the payment form. */
export const PAYMENT_AMOUNT = {
  /** Digits allowed before the decimal point: a trillion is already absurd for one payment. */
  maxIntegerDigits: 12,
} as const;

export type PaymentAmountProblem = 'format' | 'not_positive' | 'too_large' | 'too_many_decimals';

export type PaymentAmountCheck =
  | { readonly ok: true; readonly amount: string }
  | { readonly ok: false; readonly problem: PaymentAmountProblem; readonly minorUnits?: number };

/**
 * Checks a payment amount (a JSON number, as the articles' client sends it, or a decimal string) and
 * returns its exact normalised decimal text ("0012.50" is "12.5"). A double's shortest round-trip
 * form is exactly what the client wrote whenever it has at most 15 significant digits, which the
 * digit bounds here guarantee. The decimals are checked only for a currency ICU knows: an unknown
 * code is the currency field's problem.
 */
export function checkPaymentAmount(value: number | string, currency: string): PaymentAmountCheck {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 10 ** PAYMENT_AMOUNT.maxIntegerDigits)
    return { ok: false, problem: 'too_large' };
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!/^\d+(?:\.\d+)?$/.test(text))
    return { ok: false, problem: text.startsWith('-') ? 'not_positive' : 'format' };
  const amount = normalizeDecimal(text);
  if (!/[1-9]/.test(amount)) return { ok: false, problem: 'not_positive' };
  const [integer = '', fraction = ''] = amount.split('.');
  if (integer.length > PAYMENT_AMOUNT.maxIntegerDigits) return { ok: false, problem: 'too_large' };
  const minorUnits = currencyMinorUnits(currency);
  if (minorUnits !== undefined && fraction.length > minorUnits)
    return { ok: false, problem: 'too_many_decimals', minorUnits };
  return { ok: true, amount };
}
