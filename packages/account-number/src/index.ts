export {
  checkAccountNumber,
  ibanFor,
  ibanIsValid,
  normalizeAccountNumber,
  type AccountNumberCheck,
} from './account-number.ts';
