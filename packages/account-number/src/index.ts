export {
  checkAccountNumber,
  ibanFor,
  ibanIsValid,
  normalizeAccountNumber,
  type AccountNumberCheck,
} from './account-number.ts';
export {
  checkPaymentReference,
  comparableAccountNumber,
  PAYMENT_REFERENCE_MAX_LENGTH,
  type PaymentReferenceCheck,
  type PaymentReferenceCode,
} from './payment-reference.ts';
