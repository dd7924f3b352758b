import { checkAccountNumber } from '@atrium/account-number';
import { AccountsError } from './errors.ts';
import { currencyMinorUnits, fractionDigits, normalizeDecimal } from '@atrium/money';

/** The fields a client may set, after the schema accepted their shape. */
export interface AccountFields {
  readonly nickname: string;
  readonly type: 'domestic' | 'international';
  readonly account_number: string;
  readonly currency: string;
  readonly balance: string;
}

/** An account number filter as stored (IBAN without spaces, upper case), or a 400 naming why not. */
export function normalizedAccountNumberFilter(value: string): string {
  const accountNumber = checkAccountNumber(value);
  if (!accountNumber.ok)
    throw new AccountsError('invalid_account_number', `account_number: ${accountNumber.reason}.`, [
      { pointer: '/querystring/account_number', message: accountNumber.reason },
    ]);
  return accountNumber.normalized;
}

/**
 * The rules a JSON Schema cannot express: IBAN check digits, a currency ICU knows, and no more
 * decimals than the currency has. Returns the fields normalised as stored (IBAN without spaces).
 */
export function checkAccountFields(fields: AccountFields): AccountFields {
  const accountNumber = checkAccountNumber(fields.account_number);
  if (!accountNumber.ok) {
    throw new AccountsError('invalid_account_number', `account_number: ${accountNumber.reason}.`, [
      { pointer: '/body/account_number', message: accountNumber.reason },
    ]);
  }
  const allowed = currencyMinorUnits(fields.currency);
  if (allowed === undefined) {
    throw new AccountsError('invalid_currency', `${fields.currency} is not an ISO 4217 currency.`, [
      { pointer: '/body/currency', message: 'not an ISO 4217 currency code' },
    ]);
  }
  // Trailing zeros carry no value: "10.500" is a valid DKK amount.
  const significant = normalizeDecimal(fields.balance);
  if (fractionDigits(significant) > allowed) {
    throw new AccountsError('invalid_balance', `${fields.currency} has ${allowed} decimals.`, [
      { pointer: '/body/balance', message: `at most ${allowed} decimals in ${fields.currency}` },
    ]);
  }
  return {
    ...fields,
    account_number: accountNumber.normalized,
    balance: significant,
  };
}
