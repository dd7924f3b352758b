import type { Queryable } from '@atrium/postgres';
import { sortableFields, type ModelDefinition, type ModelField } from '../../model/definition.ts';

/** One column of a model's table, derived from one field. */
export interface ModelColumn {
  readonly field: string;
  readonly column: string;
  /** The column's type as `information_schema.columns.data_type` names it. */
  readonly type: 'text' | 'numeric' | 'integer' | 'boolean' | 'timestamp with time zone' | 'jsonb';
  /** Read as: the SQL that turns the column into the API's value (exact decimals, ISO date-times). */
  readonly read: string;
  /** Write as: the cast a parameter gets. */
  readonly cast: string;
  readonly fieldType: string;
  readonly list: boolean;
}

/** A model's table, its audit table and their columns: the names are derived, never configured. */
export interface ModelTable {
  readonly table: string;
  readonly auditTable: string;
  readonly owner: ModelColumn;
  /** Every field of the model (owner and id included), in schema order. */
  readonly columns: readonly ModelColumn[];
  readonly byField: ReadonlyMap<string, ModelColumn>;
}

export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();

/** ISO 8601 in UTC with milliseconds, exactly as the API normalizes AWSDateTime (`toISOString`). */
export const isoText = (sql: string): string =>
  `to_char(${sql} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function column(field: ModelField): ModelColumn {
  const name = snakeCase(field.name);
  const base = { field: field.name, column: name, fieldType: field.type, list: field.list };
  if (field.list) return { ...base, type: 'jsonb', read: name, cast: '::jsonb' };
  switch (field.type) {
    case 'Float':
      // Exact decimals: numeric, read back as its text so no binary float ever sees the amount.
      return { ...base, type: 'numeric', read: `${name}::text`, cast: '::numeric' };
    case 'Int':
      return { ...base, type: 'integer', read: name, cast: '::integer' };
    case 'Boolean':
      return { ...base, type: 'boolean', read: name, cast: '::boolean' };
    case 'AWSDateTime':
      return { ...base, type: 'timestamp with time zone', read: isoText(name), cast: '::timestamptz' };
    default:
      return { ...base, type: 'text', read: name, cast: '::text' };
  }
}

/** The table layout of a model: `<model>s` keyed by (owner, id), `<model>_audit` beside it. */
export function modelTable(model: ModelDefinition): ModelTable {
  const base = snakeCase(model.name.charAt(0).toLowerCase() + model.name.slice(1));
  const columns = model.fields.map(column);
  const byField = new Map(columns.map((c) => [c.field, c]));
  const owner = byField.get(model.ownerField);
  if (owner === undefined) throw new Error(`${model.name}: owner field ${model.ownerField} is not a field`);
  if (!byField.has('id')) throw new Error(`${model.name}: an @model needs an id field`);
  return { table: `${base}s`, auditTable: `${base}_audit`, owner, columns, byField };
}

/** The SQL column a sort field orders by (`createdAt` is the automatic `created_at`). */
export function sortColumn(table: ModelTable, field: string): { column: string; type: string } {
  if (field === 'createdAt') return { column: 'created_at', type: 'timestamptz' };
  if (field === 'updatedAt') return { column: 'updated_at', type: 'timestamptz' };
  const c = table.byField.get(field);
  if (c === undefined) throw new Error(`unknown sort field ${field}`);
  return { column: c.column, type: c.cast.slice(2) };
}

const SQL_TYPE: Record<ModelColumn['type'], string> = {
  text: 'text collate "C"',
  numeric: 'numeric',
  integer: 'integer',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamptz',
  jsonb: 'jsonb',
};

/**
 * The DDL of a model's tables, with row-level security for `role`: what a migration for a new @model
 * contains (migrations/001_payments.sql is this for Payment, with its own checks added). Model fields
 * are nullable: required-ness is the GraphQL schema's, so a field added later leaves old rows valid.
 */
export function modelTableSql(model: ModelDefinition, role: string): string {
  const t = modelTable(model);
  const o = t.owner.column;
  const fields = t.columns
    .filter((c) => c !== t.owner && c.field !== 'id')
    .map((c) => `  ${c.column} ${SQL_TYPE[c.type]},`);
  const indexes = sortableFields(model).map((f) => {
    const s = sortColumn(t, f).column;
    // A NOT NULL column gets no `is not null` predicate: PostgreSQL 17+ drops that clause from
    // queries on such a column, and the index would then never match them.
    const sparse = f === 'createdAt' || f === 'updatedAt' ? '' : ` and ${s} is not null`;
    return `create index ${t.table}_by_${s} on ${t.table} (${o}, ${s}, id) where not deleted${sparse};`;
  });
  const rls = (table: string, grants: string) => `alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy ${table}_tenant_isolation on ${table}
  using (${o} = current_setting('app.tenant_id', true))
  with check (${o} = current_setting('app.tenant_id', true));
grant ${grants} on ${table} to ${role};`;
  return `create table ${t.table} (
  ${o} text collate "C" not null check (${o} <> ''),
  id text collate "C" not null check (char_length(id) between 1 and 128),
${fields.join('\n')}
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null check (version >= 1),
  deleted boolean not null default false,
  created_by_id text not null,
  idempotency_key text,
  input_hash text,
  primary key (${o}, id)
);
${indexes.join('\n')}
create table ${t.auditTable} (
  ${o} text collate "C" not null,
  record_id text collate "C" not null,
  version integer not null,
  at timestamptz not null,
  actor text not null,
  actor_id text not null,
  operation text not null check (operation in ('CREATE', 'UPDATE', 'DELETE', 'CONFIRM')),
  before json,
  after json,
  primary key (${o}, record_id, version),
  foreign key (${o}, record_id) references ${t.table} (${o}, id)
);
${rls(t.table, 'select, insert, update')}
${rls(t.auditTable, 'select, insert')}
`;
}

/**
 * Checks that the database has every table and column the model needs, with the right types, and
 * says which migration is missing otherwise: the API never runs on a schema it does not match.
 */
export async function checkModelTable(db: Queryable, model: ModelDefinition): Promise<string[]> {
  const t = modelTable(model);
  const { rows } = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema() and table_name in ($1, $2)`,
    [t.table, t.auditTable],
  );
  const found = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]));
  const problems: string[] = [];
  if (!rows.some((r) => r.table_name === t.table)) return [`table ${t.table} is missing`];
  if (!rows.some((r) => r.table_name === t.auditTable)) problems.push(`table ${t.auditTable} is missing`);
  for (const c of t.columns) {
    const type = found.get(`${t.table}.${c.column}`);
    if (type === undefined) problems.push(`column ${t.table}.${c.column} (${c.type}) is missing`);
    else if (type !== c.type) problems.push(`column ${t.table}.${c.column} is ${type}, expected ${c.type}`);
  }
  return problems;
}
