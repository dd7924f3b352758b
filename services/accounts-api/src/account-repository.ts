import type { Database, Queryable } from '@atrium/postgres';
import type {
  Account,
  AccountCreate,
  AccountPage,
  AccountPatch,
  ListQuery,
  Sort,
} from './account-schemas.ts';
import { checkAccountFields } from './account-rules.ts';
import { AccountsError } from './errors.ts';
import { preconditionHolds, type Precondition } from './etag-precondition.ts';
import { withMinorUnits } from '@atrium/money';
import { decodeCursor, encodeCursor, SORT_VALUE_TYPES, sortKey } from './pagination-cursor.ts';
import { inTenant } from './tenant-scope.ts';

interface AccountRow {
  id: string;
  tenant_id: string;
  nickname: string;
  balance: string;
  type: 'domestic' | 'international';
  account_number: string;
  currency: string;
  created_at: string;
  updated_at: string;
  version: number;
  sort_value?: string;
}

// Timestamps rendered as ISO 8601 (UTC, milliseconds) by PostgreSQL: parsing them into Date objects and
// formatting them back cost more than the rest of a 50-row page's mapping.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const COLUMNS =
  'id, tenant_id, nickname, balance::text as balance, type, account_number, currency, ' +
  `to_char(accounts.created_at at time zone 'UTC', ${ISO}) as created_at, ` +
  `to_char(accounts.updated_at at time zone 'UTC', ${ISO}) as updated_at, version`;

/** Sort keys to columns; a cursor's text is cast back to the column's type (`SORT_VALUE_TYPES`). */
const SORT_COLUMNS: Record<keyof typeof SORT_VALUE_TYPES, string> = {
  // Qualified: a bare `balance` in ORDER BY would name the text output column, not the NUMERIC one.
  nickname: 'accounts.nickname',
  account_number: 'accounts.account_number',
  balance: 'accounts.balance',
  created_at: 'accounts.created_at',
};

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    nickname: row.nickname,
    balance: withMinorUnits(row.balance, row.currency),
    type: row.type,
    account_number: row.account_number,
    currency: row.currency,
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: Number(row.version),
  };
}

/** The SQL of one list page; exported so the benchmark's bare handler runs exactly the same statement. */
export function listStatement(tenantId: string, query: ListQuery): { text: string; params: unknown[] } {
  const sort: Sort = query.sort ?? 'nickname';
  const descending = sort.startsWith('-');
  const column = SORT_COLUMNS[sortKey(sort)];
  const cast = SORT_VALUE_TYPES[sortKey(sort)];
  // Layer 1 of tenant isolation: the tenant filter is part of every statement, RLS or not.
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (query.type !== undefined) where.push(`type = $${params.push(query.type)}`);
  if (query.currency !== undefined) where.push(`currency = $${params.push(query.currency)}`);
  // Compared as stored (normalised by the route, like every write): the unique index answers it.
  if (query.account_number !== undefined)
    where.push(`account_number = $${params.push(query.account_number)}`);
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor, sort);
    const value = params.push(position.value);
    const id = params.push(position.id);
    where.push(`(${column}, accounts.id) ${descending ? '<' : '>'} ($${value}::${cast}, $${id}::uuid)`);
  }
  const direction = descending ? 'desc' : 'asc';
  const limit = params.push((query.limit ?? 50) + 1);
  return {
    text:
      `select ${COLUMNS}, ${column}::text as sort_value from accounts where ${where.join(' and ')} ` +
      `order by ${column} ${direction}, accounts.id ${direction} limit $${limit}`,
    params,
  };
}

function uniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '23505';
}

/** Accounts of one tenant at a time: every method takes the caller's tenant from the verified token. */
export class AccountRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** One page, sorted and filtered, with the cursor of the next page (null on the last). */
  async list(tenantId: string, query: ListQuery): Promise<AccountPage> {
    const statement = listStatement(tenantId, query);
    const limit = query.limit ?? 50;
    const rows = await inTenant(
      this.#db,
      tenantId,
      async (tx) => (await tx.query<AccountRow>(statement.text, statement.params)).rows,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return {
      items: page.map(toAccount),
      next_cursor: more
        ? encodeCursor({ sort: query.sort ?? 'nickname', value: last.sort_value ?? '', id: last.id })
        : null,
    };
  }

  async get(tenantId: string, id: string): Promise<Account> {
    return inTenant(this.#db, tenantId, async (tx) => toAccount(await this.#find(tx, tenantId, id, false)));
  }

  async create(tenantId: string, input: AccountCreate): Promise<Account> {
    const fields = checkAccountFields({ ...input, balance: input.balance ?? '0' });
    try {
      return await inTenant(this.#db, tenantId, async (tx) => {
        const { rows } = await tx.query<AccountRow>(
          `insert into accounts (tenant_id, nickname, balance, type, account_number, currency)
           values ($1, $2, $3::numeric, $4, $5, $6) returning ${COLUMNS}`,
          [tenantId, fields.nickname, fields.balance, fields.type, fields.account_number, fields.currency],
        );
        return toAccount(rows[0] as AccountRow);
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new AccountsError('account_number_taken');
      throw error;
    }
  }

  /** Applies a partial change if the account is still at the version the client read. */
  async update(
    tenantId: string,
    id: string,
    patch: AccountPatch,
    precondition: Precondition,
  ): Promise<Account> {
    try {
      return await inTenant(this.#db, tenantId, async (tx) => {
        // FOR UPDATE: a concurrent writer waits here and then sees the new version (412), never a lost update.
        const current = toAccount(await this.#find(tx, tenantId, id, true));
        if (!preconditionHolds(precondition, current.version)) throw new AccountsError('precondition_failed');
        const fields = checkAccountFields({
          nickname: patch.nickname ?? current.nickname,
          type: patch.type ?? current.type,
          account_number: patch.account_number ?? current.account_number,
          currency: patch.currency ?? current.currency,
          balance: patch.balance ?? current.balance,
        });
        const { rows } = await tx.query<AccountRow>(
          `update accounts set nickname = $3, type = $4, account_number = $5, currency = $6,
             balance = $7::numeric, version = version + 1, updated_at = now()
           where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
          [
            tenantId,
            id,
            fields.nickname,
            fields.type,
            fields.account_number,
            fields.currency,
            fields.balance,
          ],
        );
        return toAccount(rows[0] as AccountRow);
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new AccountsError('account_number_taken');
      throw error;
    }
  }

  async remove(tenantId: string, id: string, precondition: Precondition): Promise<void> {
    await inTenant(this.#db, tenantId, async (tx) => {
      const current = await this.#find(tx, tenantId, id, true);
      if (!preconditionHolds(precondition, Number(current.version)))
        throw new AccountsError('precondition_failed');
      await tx.query('delete from accounts where tenant_id = $1 and id = $2', [tenantId, id]);
    });
  }

  async #find(tx: Queryable, tenantId: string, id: string, forUpdate: boolean): Promise<AccountRow> {
    const { rows } = await tx.query<AccountRow>(
      `select ${COLUMNS} from accounts where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
      [tenantId, id],
    );
    // Another tenant's account is indistinguishable from a missing one: 404, never 403.
    if (rows[0] === undefined) throw new AccountsError('account_not_found');
    return rows[0];
  }
}
