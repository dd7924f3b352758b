/**
 * The bounds of a payment's input fields that the payments API enforces and the payment form shows
 * first: one copy, so the form never refuses what the server accepts or the other way round. (The
 * amount's bounds are @atrium/money's `PAYMENT_AMOUNT`; account references follow
 * @atrium/account-number's `checkPaymentReference`.)
 */
export const PAYMENT_INPUT = {
  /** The longest message, in UTF-16 code units (`String#length`, as Angular's `maxLength` counts). */
  messageMaxLength: 30,
  /** The first and last year of a due date (UTC): outside them a date is a typing mistake, not a payment. */
  dueDateYears: [2000, 2199],
} as const;

/** True when a due date in `year` (UTC) is within `PAYMENT_INPUT.dueDateYears`, both ends included. */
export function isPaymentDueYear(year: number): boolean {
  return year >= PAYMENT_INPUT.dueDateYears[0] && year <= PAYMENT_INPUT.dueDateYears[1];
}
