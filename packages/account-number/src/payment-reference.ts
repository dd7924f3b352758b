import { checkAccountNumber, normalizeAccountNumber } from './account-number.ts';

/**
 * The account references a payment names (ADR 0005). Wider than an account number, because a payee's
 * account is whatever the payee's bank prints (and the articles' 8-character demo references must stay
 * valid), but anything that looks like an IBAN is held to the IBAN rule, so a typo in a real IBAN is
 * caught before money moves rather than by the bank afterwards.
 */

/** The longest IBAN (ISO 13616) and so the longest payment reference. */
export const PAYMENT_REFERENCE_MAX_LENGTH = 34;

/** Machine-readable reasons a reference is refused; the API answers them as `extensions.code`. */
export type PaymentReferenceCode = 'REQUIRED' | 'TOO_LONG' | 'INVALID_CHARACTERS' | 'IBAN_INVALID';

export type PaymentReferenceCheck =
  | { readonly ok: true; readonly normalized: string; readonly kind: 'iban' | 'reference' }
  | { readonly ok: false; readonly code: PaymentReferenceCode; readonly message: string };

// Two letters and two digits open every IBAN; shorter than the shortest IBAN (Norway's 15) it is a
// free reference that merely starts alike (`AB12CD`).
const IBAN_PREFIX = /^[A-Z]{2}[0-9]{2}/;
const IBAN_MIN_LENGTH = 15;
const ALLOWED = /^[A-Za-z0-9-]+$/;

/**
 * Validates and normalises a payment's account reference (trimmed, spaces removed, upper case):
 * 1–34 letters, digits or `-`; a reference shaped like an IBAN must be a valid one. `label` words the
 * message (`From account must be at most 34 characters`), the same in the API and the element.
 */
export function checkPaymentReference(input: string, label: string): PaymentReferenceCheck {
  // Whitespace of any kind is how banks group digits; other characters are judged as typed, before
  // upper-casing (which would turn `ß` into `SS`).
  const compact = input.replace(/\s+/g, '');
  if (compact === '') return { ok: false, code: 'REQUIRED', message: `${label} is required` };
  if (compact.length > PAYMENT_REFERENCE_MAX_LENGTH)
    return {
      ok: false,
      code: 'TOO_LONG',
      message: `${label} must be at most ${PAYMENT_REFERENCE_MAX_LENGTH} characters`,
    };
  if (!ALLOWED.test(compact))
    return {
      ok: false,
      code: 'INVALID_CHARACTERS',
      message: `${label} may contain only letters, digits and -`,
    };
  const normalized = compact.toUpperCase();
  if (IBAN_PREFIX.test(normalized) && normalized.length >= IBAN_MIN_LENGTH) {
    const iban = checkAccountNumber(normalized);
    if (!iban.ok)
      return { ok: false, code: 'IBAN_INVALID', message: `${label} is not a valid IBAN: ${iban.reason}` };
    return { ok: true, normalized, kind: 'iban' };
  }
  return { ok: true, normalized, kind: 'reference' };
}

/**
 * The form under which two references name the same account: a valid account number as the accounts
 * API stores it (`12340001234567` → `1234-0001234567`), anything else normalised.
 */
export function comparableAccountNumber(reference: string): string {
  const account = checkAccountNumber(reference);
  return account.ok ? account.normalized : normalizeAccountNumber(reference);
}
