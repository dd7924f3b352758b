import { AccountsError } from './errors.ts';
import { SORTS, type Sort } from './account-schemas.ts';

/** A keyset position: the last row's sort value and id, bound to the sort order it was issued for. */
export interface CursorPosition {
  readonly sort: Sort;
  readonly value: string;
  readonly id: string;
}

type SortKey = Sort extends `-${infer K}` ? K : never;

/**
 * The PostgreSQL type of each sort key's column: the repository casts a cursor's value to it, and
 * `decodeCursor` refuses a value that cast would reject, so bad input never reaches the database.
 */
export const SORT_VALUE_TYPES: Readonly<Record<SortKey, 'text' | 'numeric' | 'timestamptz'>> = {
  nickname: 'text',
  account_number: 'text',
  balance: 'numeric',
  created_at: 'timestamptz',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Plain decimals only: PostgreSQL's numeric also takes ' 1', '1e5', 'NaN' and 'Infinity', which no
// balance is and no cursor this API issued holds.
const DECIMAL = /^-?\d+(\.\d+)?$/;
// `timestamptz::text` in the ISO DateStyle ('2026-12-01 21:28:21.123456+00'); the 'T' and 'Z' forms too.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2})(?::?(\d{2}))?)?)$/;

function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0, offsetSeconds = 0] =
    match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  // Date.UTC rolls 30 February over into March: a real calendar day reads back unchanged.
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day));
  return (
    (year as number) >= 1 &&
    date.getUTCMonth() === (month as number) - 1 &&
    date.getUTCDate() === day &&
    (hour as number) <= 23 &&
    (minute as number) <= 59 &&
    (second as number) <= 59 &&
    // PostgreSQL's limit for a time zone offset.
    offsetHours <= 15 &&
    offsetMinutes <= 59 &&
    offsetSeconds <= 59
  );
}

function holdsType(value: string, type: (typeof SORT_VALUE_TYPES)[SortKey]): boolean {
  switch (type) {
    case 'text':
      // PostgreSQL text cannot hold NUL.
      return !value.includes('\u0000');
    case 'numeric':
      return DECIMAL.test(value);
    case 'timestamptz':
      return isTimestamp(value);
    default:
      return false;
  }
}

/** The key of a sort order (`-balance` → `balance`). */
export function sortKey(sort: Sort): SortKey {
  return (sort.startsWith('-') ? sort.slice(1) : sort) as SortKey;
}

/**
 * Opaque to clients: base64url JSON, not signed. A client can write one, so decoding checks every
 * part; it carries no tenant, and every page query is tenant-scoped anyway.
 */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

/** Decodes a cursor issued for `sort`; anything else is `invalid_cursor`. */
export function decodeCursor(cursor: string, sort: Sort): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AccountsError('invalid_cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new AccountsError('invalid_cursor');
  const [cursorSort, value, id] = parsed as unknown[];
  if (
    !SORTS.includes(cursorSort as Sort) ||
    typeof value !== 'string' ||
    typeof id !== 'string' ||
    !UUID.test(id)
  ) {
    throw new AccountsError('invalid_cursor');
  }
  if (cursorSort !== sort)
    throw new AccountsError('invalid_cursor', 'The cursor was issued for another sort order.');
  const type = SORT_VALUE_TYPES[sortKey(sort)];
  if (!holdsType(value, type))
    throw new AccountsError('invalid_cursor', `The cursor's position is not a ${type} value.`);
  return { sort, value, id };
}
