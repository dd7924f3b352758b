import type { Filter } from '../../model/filter.ts';
import { isoText, type ModelColumn, type ModelTable } from './model-table.ts';

/** Collects the parameters of one statement: `$n` placeholders in order. */
export class SqlParameters {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/** How a filter sees one field: the SQL value it compares and how operands are cast. */
interface Operand {
  readonly sql: string;
  readonly kind: 'text' | 'numeric' | 'integer' | 'boolean' | 'list' | 'missing';
  readonly cast: string;
  /** What `attributeType` answers for a non-null value (the API's record shape: Float is a string). */
  readonly attributeType: string;
}

function operandOf(table: ModelTable, field: string): Operand {
  if (field === 'createdAt' || field === 'updatedAt') {
    const column = field === 'createdAt' ? 'created_at' : 'updated_at';
    return { sql: isoText(column), kind: 'text', cast: '::text', attributeType: 'string' };
  }
  const c: ModelColumn | undefined = table.byField.get(field);
  if (c === undefined) return { sql: 'null::text', kind: 'missing', cast: '::text', attributeType: '_null' };
  if (c.list) return { sql: c.column, kind: 'list', cast: '::jsonb', attributeType: 'list' };
  switch (c.type) {
    case 'numeric':
      return { sql: c.column, kind: 'numeric', cast: '::numeric', attributeType: 'string' };
    case 'integer':
      return { sql: c.column, kind: 'integer', cast: '::integer', attributeType: 'number' };
    case 'boolean':
      return { sql: c.column, kind: 'boolean', cast: '::boolean', attributeType: 'bool' };
    case 'timestamp with time zone':
      // Compared as the ISO text the API shows, as the in-memory evaluator does.
      return { sql: isoText(c.column), kind: 'text', cast: '::text', attributeType: 'string' };
    default:
      return { sql: c.column, kind: 'text', cast: '::text', attributeType: 'string' };
  }
}

const never = 'false';
const always = 'true';
/** A NULL comparison must not turn a `not` into NULL too: every predicate is true or false. */
const sure = (sql: string): string => `coalesce(${sql}, false)`;

function literal(o: Operand, value: unknown, params: SqlParameters): string {
  if (o.kind === 'numeric') return params.add(String(value), '::numeric');
  if (o.kind === 'integer') return params.add(value, '::integer');
  if (o.kind === 'text' || o.kind === 'missing') return `${params.add(String(value), '::text')} collate "C"`;
  return params.add(value, o.cast);
}

/** One field's conditions (`{ ge: 10, lt: 20 }`): all must hold. Mirrors model-filter.ts exactly. */
function fieldSql(o: Operand, condition: Filter, params: SqlParameters): string {
  const parts: string[] = [];
  for (const [op, operand] of Object.entries(condition)) {
    if (operand === undefined || operand === null) continue;
    parts.push(operatorSql(o, op, operand, params));
  }
  return parts.length === 0 ? always : parts.map((p) => `(${p})`).join(' and ');
}

function comparison(o: Operand, sqlOp: string, operand: unknown, params: SqlParameters): string {
  // Booleans only compare equal or not; lists compare with nothing (as in model-filter.ts).
  if (o.kind === 'list') return never;
  if (o.kind === 'boolean') {
    if (sqlOp === '<' || sqlOp === '>') return never;
    return sure(`${o.sql} = ${params.add(operand === true, '::boolean')}`);
  }
  return sure(`${o.sql} ${sqlOp} ${literal(o, operand, params)}`);
}

function operatorSql(o: Operand, op: string, operand: unknown, params: SqlParameters): string {
  switch (op) {
    case 'eq':
      return comparison(o, '=', operand, params);
    case 'ne':
      return `not ${comparison(o, '=', operand, params)}`;
    case 'lt':
      return comparison(o, '<', operand, params);
    case 'le':
      return comparison(o, '<=', operand, params);
    case 'gt':
      return comparison(o, '>', operand, params);
    case 'ge':
      return comparison(o, '>=', operand, params);
    case 'between': {
      const [low, high] = operand as unknown[];
      if (low === undefined || low === null || high === undefined || high === null) return never;
      return `${comparison(o, '>=', low, params)} and ${comparison(o, '<=', high, params)}`;
    }
    case 'contains':
    case 'notContains': {
      let sql: string;
      if (o.kind === 'list') sql = sure(`${o.sql} @> jsonb_build_array(${params.add(operand)})`);
      else if (o.kind === 'text' || o.kind === 'numeric')
        sql = sure(`strpos(${o.sql}::text, ${params.add(String(operand), '::text')}) > 0`);
      else sql = never;
      return op === 'contains' ? sql : `not ${sql}`;
    }
    case 'beginsWith':
      if (o.kind !== 'text' && o.kind !== 'numeric') return never;
      return sure(`starts_with(${o.sql}::text, ${params.add(String(operand), '::text')})`);
    case 'in':
    case 'notIn': {
      const list = (operand as unknown[]).filter((v) => v !== undefined && v !== null);
      const sql = list.length === 0 ? never : list.map((v) => comparison(o, '=', v, params)).join(' or ');
      return op === 'in' ? `(${sql})` : `not (${sql})`;
    }
    case 'attributeExists':
      return operand === true ? `${o.sql} is not null` : `${o.sql} is null`;
    case 'attributeType':
      return `(case when ${o.sql} is null then '_null' else '${o.attributeType}' end) = ${params.add(String(operand), '::text')}`;
    case 'size': {
      let length: string;
      if (o.kind === 'list') length = `jsonb_array_length(${o.sql})`;
      else if (o.kind === 'text' || o.kind === 'numeric') length = `char_length(${o.sql}::text)`;
      else return never;
      return fieldSql(
        { sql: length, kind: 'integer', cast: '::integer', attributeType: 'number' },
        operand as Filter,
        params,
      );
    }
    default:
      return never;
  }
}

/**
 * Compiles an Amplify filter (`ModelXFilterInput`) to one SQL predicate over the model's table, with
 * the semantics of `matchesFilter` (model-filter.ts), so a list is filtered by the database and a
 * page is always full — while conditions and subscriptions keep the in-memory evaluator.
 */
export function filterSql(
  table: ModelTable,
  filter: Filter | null | undefined,
  params: SqlParameters,
): string {
  if (filter === null || filter === undefined) return always;
  const parts: string[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === undefined || condition === null) continue;
    if (key === 'and') {
      const list = condition as Filter[];
      parts.push(
        list.length === 0 ? always : list.map((f) => `(${filterSql(table, f, params)})`).join(' and '),
      );
    } else if (key === 'or') {
      const list = condition as Filter[];
      if (list.length > 0) parts.push(list.map((f) => `(${filterSql(table, f, params)})`).join(' or '));
    } else if (key === 'not') {
      parts.push(`not (${filterSql(table, condition as Filter, params)})`);
    } else {
      parts.push(fieldSql(operandOf(table, key), condition as Filter, params));
    }
  }
  return parts.length === 0 ? always : parts.map((p) => `(${p})`).join(' and ');
}
