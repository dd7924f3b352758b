import { compareDecimal } from '@atrium/money';
import type { ModelDefinition } from './definition.ts';

/** A stored record as resolvers see it: Float fields are exact decimal strings. */
export type ModelRecord = Readonly<Record<string, unknown>>;
export type Filter = Readonly<Record<string, unknown>>;

/** Exact comparison of two decimals (@atrium/money); undefined when one is not plain decimal text ("1e+21"). */
function signedDecimalCompare(a: string, b: string): number | undefined {
  const plain = /^-?\d+(?:\.\d+)?$/;
  return plain.test(a) && plain.test(b) ? compareDecimal(a, b) : undefined;
}

/** Filter operands of Float fields arrive as numbers: compare them as the decimals they denote. */
function compare(value: unknown, operand: unknown, decimal: boolean): number | undefined {
  if (value === undefined || value === null || operand === undefined || operand === null) return undefined;
  if (decimal)
    return signedDecimalCompare(
      String(value),
      typeof operand === 'number' ? String(operand) : String(operand),
    );
  if (typeof value === 'number' && typeof operand === 'number')
    return value === operand ? 0 : value < operand ? -1 : 1;
  if (typeof value === 'boolean' || typeof operand === 'boolean') return value === operand ? 0 : undefined;
  const a = String(value);
  const b = String(operand);
  return a === b ? 0 : a < b ? -1 : 1;
}

function matchesField(value: unknown, condition: Filter, decimal: boolean): boolean {
  for (const [op, operand] of Object.entries(condition)) {
    if (operand === undefined || operand === null) continue;
    const c = (): number | undefined => compare(value, operand, decimal);
    let ok: boolean;
    switch (op) {
      case 'eq':
        ok = c() === 0;
        break;
      case 'ne':
        ok = c() !== 0;
        break;
      case 'lt':
        ok = (c() ?? 0) < 0 && c() !== undefined;
        break;
      case 'le':
        ok = c() !== undefined && (c() as number) <= 0;
        break;
      case 'gt':
        ok = c() !== undefined && (c() as number) > 0;
        break;
      case 'ge':
        ok = c() !== undefined && (c() as number) >= 0;
        break;
      case 'between': {
        const [low, high] = operand as unknown[];
        const lo = compare(value, low, decimal);
        const hi = compare(value, high, decimal);
        ok = lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
        break;
      }
      case 'contains':
        ok =
          typeof value === 'string'
            ? value.includes(String(operand))
            : Array.isArray(value) && value.includes(operand);
        break;
      case 'notContains':
        ok =
          typeof value === 'string'
            ? !value.includes(String(operand))
            : !(Array.isArray(value) && value.includes(operand));
        break;
      case 'beginsWith':
        ok = typeof value === 'string' && value.startsWith(String(operand));
        break;
      case 'in':
        ok = (operand as unknown[]).some((o) => compare(value, o, decimal) === 0);
        break;
      case 'notIn':
        ok = !(operand as unknown[]).some((o) => compare(value, o, decimal) === 0);
        break;
      case 'attributeExists':
        ok = (value !== undefined && value !== null) === operand;
        break;
      case 'attributeType':
        ok = attributeType(value) === operand;
        break;
      case 'size': {
        const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
        ok = length !== undefined && matchesField(length, operand as Filter, false);
        break;
      }
      default:
        ok = false;
    }
    if (!ok) return false;
  }
  return true;
}

function attributeType(value: unknown): string {
  if (value === undefined || value === null) return '_null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return 'string';
}

/**
 * Evaluates an Amplify filter/condition (`ModelXFilterInput`, `ModelXConditionInput`,
 * `ModelSubscriptionXFilterInput`) against a record: one evaluator for lists, mutation conditions
 * and subscriptions, so the three can never disagree.
 */
export function matchesFilter(
  model: ModelDefinition,
  record: ModelRecord,
  filter: Filter | null | undefined,
): boolean {
  if (filter === null || filter === undefined) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === undefined || condition === null) continue;
    if (key === 'and') {
      if (!(condition as Filter[]).every((f) => matchesFilter(model, record, f))) return false;
    } else if (key === 'or') {
      const list = condition as Filter[];
      if (list.length > 0 && !list.some((f) => matchesFilter(model, record, f))) return false;
    } else if (key === 'not') {
      if (matchesFilter(model, record, condition as Filter)) return false;
    } else {
      const decimal = model.fields.find((f) => f.name === key)?.type === 'Float';
      if (!matchesField(record[key], condition as Filter, decimal)) return false;
    }
  }
  return true;
}
