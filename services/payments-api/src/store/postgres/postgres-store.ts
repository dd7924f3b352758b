import { isDatabaseUnavailable, type Database, type Queryable } from '@atrium/postgres';
import { PaymentsError } from '../../errors.ts';
import type { ModelDefinition } from '../../model/definition.ts';
import type { ModelRecord } from '../../model/filter.ts';
import { PaginationCursor } from '../../model/pagination-cursor.ts';
import {
  changeOptimistically,
  createOnce,
  type Actor,
  type AuditEntry,
  type AuditOperation,
  type ChangeFn,
  type IdempotencyRecord,
  type ListRequest,
  type ModelStore,
  type Page,
  type StoredRecord,
} from '../../model/store.ts';
import { filterSql, SqlParameters } from './filter-sql.ts';
import { isoText, modelTable, sortColumn, type ModelTable } from './model-table.ts';

/** The role every statement runs as: neither superuser nor BYPASSRLS (migration 001). */
export const SERVICE_ROLE = 'atrium_payments';
/** The setting the row-level security policies compare the owner column with. */
export const TENANT_SETTING = 'app.tenant_id';

type Row = Record<string, unknown>;

/**
 * The PostgreSQL adapter of the store port (the default; ADR 0106): one model's records in its own
 * table, typed columns, history in its audit table. Every statement filters by the tenant itself and
 * runs as the service role with the tenant set for row-level security (the second layer). A change,
 * its audit row and its idempotency record are one transaction; versions are conditional updates.
 */
export class PostgresModelStore implements ModelStore {
  readonly model: ModelDefinition;
  readonly #db: Database;
  readonly #cursor: PaginationCursor;
  readonly #table: ModelTable;
  readonly #select: string;
  readonly #insert: string;
  readonly #update: string;

  constructor(db: Database, model: ModelDefinition, cursor: PaginationCursor) {
    this.model = model;
    this.#db = db;
    this.#cursor = cursor;
    const t = modelTable(model);
    this.#table = t;
    this.#select = [
      ...t.columns.map((c) => `${c.read} as "${c.field}"`),
      `${isoText('created_at')} as "createdAt"`,
      `${isoText('updated_at')} as "updatedAt"`,
      'version as "_version"',
    ].join(', ');
    const own = t.columns.filter((c) => c !== t.owner && c.field !== 'id');
    const meta = [
      'created_at',
      'updated_at',
      'version',
      'deleted',
      'created_by_id',
      'idempotency_key',
      'input_hash',
    ];
    const placeholders = [
      ...own.map((c, i) => `$${i + 3}${c.cast}`),
      ...meta.map((_, i) => `$${own.length + i + 3}`),
    ];
    this.#insert = `insert into ${t.table} (${t.owner.column}, id, ${[...own.map((c) => c.column), ...meta].join(', ')})
      values ($1, $2, ${placeholders.join(', ')}) on conflict (${t.owner.column}, id) do nothing`;
    const sets = [
      ...own.map((c, i) => `${c.column} = $${i + 4}${c.cast}`),
      `updated_at = $${own.length + 4}::timestamptz`,
      `version = $${own.length + 5}`,
      `deleted = $${own.length + 6}`,
    ];
    this.#update = `update ${t.table} set ${sets.join(', ')}
      where ${t.owner.column} = $1 and id = $2 and version = $3 and not deleted`;
  }

  async #inTenant<T>(tenantId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction(fn, { role: SERVICE_ROLE, settings: { [TENANT_SETTING]: tenantId } });
    } catch (error) {
      // Refused, lost or past the pool's deadlines: the caller's to retry, the operator's to see (logged).
      if (isDatabaseUnavailable(error)) throw new PaymentsError('DATABASE_UNAVAILABLE', { cause: error });
      throw error;
    }
  }

  /** The values of the model's own columns (not owner, not id), in the statements' order. */
  #values(record: ModelRecord): unknown[] {
    return this.#table.columns
      .filter((c) => c !== this.#table.owner && c.field !== 'id')
      .map((c) => {
        const value = record[c.field];
        if (value === undefined || value === null) return null;
        if (c.list) return JSON.stringify(value);
        if (c.type === 'integer' || c.type === 'boolean') return value;
        return String(value);
      });
  }

  #toRecord(row: Row): ModelRecord {
    const record: Record<string, unknown> = {};
    for (const c of this.#table.columns) record[c.field] = row[c.field] ?? null;
    record['createdAt'] = row['createdAt'];
    record['updatedAt'] = row['updatedAt'];
    record['_version'] = Number(row['_version']);
    return record;
  }

  async #row(tx: Queryable, tenantId: string, id: string, live: boolean): Promise<Row | undefined> {
    const t = this.#table;
    const { rows } = await tx.query<Row>(
      `select ${this.#select}, deleted as "_deleted", created_by_id as "_createdById",
              idempotency_key as "_idemKey", input_hash as "_idemHash"
         from ${t.table} where ${t.owner.column} = $1 and id = $2${live ? ' and not deleted' : ''}`,
      [tenantId, id],
    );
    return rows[0];
  }

  async get(tenantId: string, id: string): Promise<ModelRecord | undefined> {
    const row = await this.#inTenant(tenantId, (tx) => this.#row(tx, tenantId, id, true));
    return row === undefined ? undefined : this.#toRecord(row);
  }

  async stored(tenantId: string, id: string): Promise<StoredRecord | undefined> {
    const t = this.#table;
    return this.#inTenant(tenantId, async (tx) => {
      const row = await this.#row(tx, tenantId, id, false);
      if (row === undefined) return undefined;
      const { rows } = await tx.query<Row>(
        `select ${isoText('at')} as at, actor, actor_id, ${t.owner.column} as tenant_id, operation, version,
                before::text as before, after::text as after
           from ${t.auditTable} where ${t.owner.column} = $1 and record_id = $2 order by version`,
        [tenantId, id],
      );
      const history = rows.map((r): AuditEntry => ({
        at: String(r['at']),
        actor: String(r['actor']),
        actorId: String(r['actor_id']),
        tenantId: String(r['tenant_id']),
        operation: r['operation'] as AuditOperation,
        version: Number(r['version']),
        before: (r['before'] as string | null) ?? null,
        after: (r['after'] as string | null) ?? null,
      }));
      return {
        record: this.#toRecord(row),
        createdById: String(row['_createdById']),
        version: Number(row['_version']),
        deleted: row['_deleted'] === true,
        history,
        idempotencyKey: (row['_idemKey'] as string | null) ?? undefined,
        inputHash: (row['_idemHash'] as string | null) ?? undefined,
      };
    });
  }

  /**
   * One keyset query: the filter is SQL, so a page is full whatever it selects (no examined-items
   * cap), and the sort index (tenant, sort value, id) serves both directions. Records without the
   * sort value are not listed under it, as on DynamoDB's sparse indexes.
   */
  async list(tenantId: string, request: ListRequest): Promise<Page> {
    const t = this.#table;
    const queryHash = PaginationCursor.queryHash([
      this.model.name,
      request.filter ?? null,
      request.sortField,
      request.descending,
    ]);
    const sort = sortColumn(t, request.sortField);
    const params = new SqlParameters();
    const where = [
      `${t.owner.column} = ${params.add(tenantId)}`,
      'not deleted',
      `${sort.column} is not null`,
    ];
    if (request.nextToken !== null && request.nextToken !== undefined && request.nextToken !== '') {
      const key = this.#cursor.decode(request.nextToken, tenantId, queryHash);
      if (typeof key['v'] !== 'string' || typeof key['id'] !== 'string')
        throw new PaymentsError('BAD_NEXT_TOKEN');
      where.push(
        `(${sort.column}, id) ${request.descending ? '<' : '>'} (${params.add(key['v'], `::${sort.type}`)}, ${params.add(key['id'])})`,
      );
    }
    const filter = filterSql(t, request.filter, params);
    if (filter !== 'true') where.push(`(${filter})`);
    const direction = request.descending ? 'desc' : 'asc';
    // Qualified: a bare name in ORDER BY would be the output alias (`amount` read as text).
    const sortText = sort.type === 'timestamptz' ? isoText(sort.column) : `${sort.column}::text`;
    const limit = params.add(request.limit + 1);
    const { rows } = await this.#inTenant(tenantId, (tx) =>
      tx.query<Row>(
        `select ${this.#select}, ${sortText} as "_sort" from ${t.table}
          where ${where.join(' and ')}
          order by ${t.table}.${sort.column} ${direction}, ${t.table}.id ${direction} limit ${limit}`,
        params.values,
      ),
    );
    const page = rows.slice(0, request.limit);
    const last = page.at(-1);
    const nextToken =
      rows.length > request.limit && last !== undefined
        ? this.#cursor.encode(tenantId, queryHash, { v: last['_sort'], id: last['id'] })
        : null;
    return { items: page.map((r) => this.#toRecord(r)), nextToken };
  }

  async #audit(tx: Queryable, tenantId: string, id: string, entry: AuditEntry): Promise<void> {
    const t = this.#table;
    await tx.query(
      `insert into ${t.auditTable} (${t.owner.column}, record_id, version, at, actor, actor_id, operation, before, after)
       values ($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::json, $9::json)`,
      [
        tenantId,
        id,
        entry.version,
        entry.at,
        entry.actor,
        entry.actorId,
        entry.operation,
        entry.before,
        entry.after,
      ],
    );
  }

  /** One transaction: the insert if the id is free, and the first audit row; see createOnce. */
  async create(
    tenantId: string,
    record: ModelRecord,
    actor: Actor,
    idempotency: IdempotencyRecord,
  ): Promise<{ record: ModelRecord; replayed: boolean }> {
    return createOnce({
      read: (id) => this.stored(tenantId, id),
      ownerField: this.model.ownerField,
      tenantId,
      record,
      actor,
      idempotency,
      write: (stored) => {
        const full = stored.record;
        const id = String(full['id']);
        return this.#inTenant(tenantId, async (tx) => {
          const { rowCount } = await tx.query(this.#insert, [
            tenantId,
            id,
            ...this.#values(full),
            full['createdAt'],
            full['updatedAt'],
            1,
            false,
            stored.createdById,
            stored.idempotencyKey ?? null,
            stored.inputHash ?? null,
          ]);
          if (rowCount === 0) return false;
          await this.#audit(tx, tenantId, id, stored.history[0] as AuditEntry);
          return true;
        });
      },
    });
  }

  /**
   * Writes a record exactly as another store held it (its timestamps, version, tombstone,
   * idempotency record and every audit entry), in one transaction: the import of an old embedded
   * folder. A record already here is left as it is: `present` when it is the same version, else
   * `different` (the operator's to look at; nothing is overwritten).
   */
  async restore(tenantId: string, stored: StoredRecord): Promise<'imported' | 'present' | 'different'> {
    const id = String(stored.record['id']);
    const record: ModelRecord = { ...stored.record, [this.model.ownerField]: tenantId };
    return this.#inTenant(tenantId, async (tx) => {
      const { rowCount } = await tx.query(this.#insert, [
        tenantId,
        id,
        ...this.#values(record),
        record['createdAt'],
        record['updatedAt'],
        stored.version,
        stored.deleted,
        stored.createdById,
        stored.idempotencyKey ?? null,
        stored.inputHash ?? null,
      ]);
      if (rowCount === 0) {
        const here = await this.#row(tx, tenantId, id, false);
        return Number(here?.['_version']) === stored.version && here?.['updatedAt'] === record['updatedAt']
          ? 'present'
          : 'different';
      }
      for (const entry of stored.history) await this.#audit(tx, tenantId, id, entry);
      return 'imported';
    });
  }

  /** One transaction: the update conditional on the version read, and its audit row; see changeOptimistically. */
  async change(
    tenantId: string,
    id: string,
    expectedVersion: number | undefined,
    operation: AuditOperation,
    actor: Actor,
    change: ChangeFn,
  ): Promise<ModelRecord> {
    return changeOptimistically({
      read: () => this.stored(tenantId, id),
      ownerField: this.model.ownerField,
      tenantId,
      id,
      expectedVersion,
      operation,
      actor,
      change,
      write: ({ current, next, version, deleting, updatedAt, audit }) =>
        this.#inTenant(tenantId, async (tx) => {
          const { rowCount } = await tx.query(this.#update, [
            tenantId,
            id,
            current.version,
            ...this.#values(next),
            updatedAt,
            version,
            deleting,
          ]);
          if (rowCount === 0) return false;
          await this.#audit(tx, tenantId, id, audit);
          return true;
        }),
    });
  }
}
