export {
  currencyMinorUnits,
  formatMoney,
  fractionDigits,
  integerDigits,
  isCurrencyCode,
  isPositive,
  parseDecimal,
} from './money.ts';
