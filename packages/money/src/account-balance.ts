/**
 * The bounds of an account's balance (the accounts API stores NUMERIC(19, 4)): its schema enforces
 * them and the account dialog says them first. A balance may be negative.
 */
export const ACCOUNT_BALANCE = {
  maxIntegerDigits: 15,
  maxFractionDigits: 4,
} as const;

/** A balance as the accounts API's JSON Schema accepts it: optional minus, up to 15 integer digits, up to 4 decimals. */
export const ACCOUNT_BALANCE_PATTERN = `^-?(0|[1-9][0-9]{0,${ACCOUNT_BALANCE.maxIntegerDigits - 1}})(\\.[0-9]{1,${ACCOUNT_BALANCE.maxFractionDigits}})?$`;
