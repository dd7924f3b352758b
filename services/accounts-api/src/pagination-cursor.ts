import { AccountsError } from './errors.ts';
import { SORTS, type Sort } from './account-schemas.ts';

/** A keyset position: the last row's sort value and id, bound to the sort order it was issued for. */
export interface CursorPosition {
  readonly sort: Sort;
  readonly value: string;
  readonly id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: base64url JSON. It carries no tenant; every page query is tenant-scoped anyway. */
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
  return { sort, value, id };
}
