export { ACCOUNT_BALANCE, ACCOUNT_BALANCE_PATTERN } from './account-balance.ts';
export { currencyMinorUnits, isCurrencyCode } from './currency.ts';
export {
  addDecimal,
  compareDecimal,
  fractionDigits,
  integerDigits,
  isPositive,
  normalizeDecimal,
  parseDecimal,
  sumDecimals,
} from './decimal.ts';
export { formatMoney, withMinorUnits } from './money-format.ts';
export {
  checkPaymentAmount,
  PAYMENT_AMOUNT,
  type PaymentAmountCheck,
  type PaymentAmountProblem,
} from './payment-amount.ts';
