import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ModelDefinition } from '../model/definition.ts';
import { sourceOnlyResolver } from './compiled-execution.ts';

function isDateTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

const AWSDateTime = new GraphQLScalarType({
  name: 'AWSDateTime',
  description: 'An ISO 8601 date-time with a time zone (AppSync AWSDateTime).',
  serialize: (value) => value,
  parseValue(value) {
    if (typeof value !== 'string' || !isDateTime(value))
      throw new GraphQLError('AWSDateTime: an ISO 8601 date-time like 2026-12-31T00:00:00.000Z');
    return value;
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING || !isDateTime(node.value))
      throw new GraphQLError('AWSDateTime: an ISO 8601 date-time like 2026-12-31T00:00:00.000Z');
    return node.value;
  },
});

const AWSJSON = new GraphQLScalarType({
  name: 'AWSJSON',
  description: 'A JSON document, as a string (AppSync AWSJSON).',
  serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  parseValue: (value) => value,
});

/** The AppSync scalars the generated schema declares, as resolvers. */
export const SCALAR_RESOLVERS = { AWSDateTime, AWSJSON } as const;

/** What the schema returns for a Float field: exact decimal text → a JSON number on the wire. */
export function floatOutputs(
  models: readonly ModelDefinition[],
): Record<string, Record<string, (root: Record<string, unknown>) => unknown>> {
  const out: Record<string, Record<string, (root: Record<string, unknown>) => unknown>> = {};
  for (const model of models) {
    const floats = model.fields.filter((f) => f.type === 'Float' && !f.list);
    if (floats.length === 0) continue;
    out[model.name] = Object.fromEntries(
      floats.map((f) => [
        f.name,
        sourceOnlyResolver((root: Record<string, unknown>) =>
          root[f.name] === null || root[f.name] === undefined ? null : Number(root[f.name]),
        ),
      ]),
    );
  }
  return out;
}
