import { readFile } from 'node:fs/promises';
import { codegen } from '@graphql-codegen/core';
import * as operationsPlugin from '@graphql-codegen/typescript-operations';
import { generateGraphQLDocuments } from '@aws-amplify/graphql-docs-generator';
import { buildSchema, parse, print, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SCHEMA_FILE } from './app.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './graphql/model-resolvers.ts';
import { generateSchemaSdl } from './graphql/model-transformer.ts';
import { readAnnotatedSchema } from './model/definition.ts';
import { PAYMENT_EXTENSION } from './payments/payment-rules.ts';

// Typed clients from the schema, as `amplify codegen` makes them: Amplify's own documents generator
// writes one document per root field (the seed's queries, mutations and subscriptions), GraphQL Code
// Generator writes their TypeScript types. Build-time tooling: nothing here runs in the service.

/** One generated operation: its document, and the names of its result and variables types. */
export interface ClientOperation {
  /** The root field, e.g. `listPayments`: also the exported constant's name. */
  readonly field: string;
  readonly kind: 'query' | 'mutation' | 'subscription';
  /** E.g. `ListPayments`: the operation's name in its document. */
  readonly operationName: string;
  readonly document: string;
}

/**
 * The SDL the service serves with its default configuration (the Payment extension on, listPayments'
 * default limit 100): what build-time codegen reads without starting the service. The payments API's
 * tests hold it equal to the live schema's introspection.
 */
export async function servedSchemaSdl(): Promise<string> {
  const annotated = readAnnotatedSchema(await readFile(SCHEMA_FILE, 'utf8'));
  return generateSchemaSdl(annotated, PAYMENT_EXTENSION, {
    defaultLimit: DEFAULT_LIMIT,
    maxLimit: MAX_LIMIT,
  });
}

/**
 * Amplify's documents for every root field of the introspected schema (what `amplify codegen` reads
 * from AppSync), with Amplify's defaults: selections two levels deep, `__typename` included.
 */
export function amplifyOperations(introspection: IntrospectionQuery): ClientOperation[] {
  // Handed over as JSON: the generator builds the schema with its own copy of graphql (15).
  const generated = generateGraphQLDocuments(JSON.stringify(introspection), { includeMetaData: true });
  const operations: ClientOperation[] = [];
  for (const [kind, map] of [
    ['query', generated.queries],
    ['mutation', generated.mutations],
    ['subscription', generated.subscriptions],
  ] as const)
    for (const [field, entry] of map)
      operations.push({
        field,
        kind,
        operationName: entry.operationName ?? field,
        // The generator's template leaves its indentation in; printed, it reads as Amplify's files.
        document: print(parse(entry.graphql)),
      });
  return operations;
}

/** How the typed client module is written. */
export interface ClientModuleOptions {
  /** TypeScript types of the custom scalars, and of Float if the client sends something else too. */
  readonly scalars?: Readonly<Record<string, string | { readonly input: string; readonly output: string }>>;
  /** Lines put first (imports the scalars' types need). */
  readonly prelude?: readonly string[];
}

const TYPED_DOCUMENTS = `
/** A generated document, typed with its variables and result, as Amplify's codegen types them. */
export type GeneratedQuery<Variables, Result> = string & { __generatedQueryInput: Variables; __generatedQueryOutput: Result };
export type GeneratedMutation<Variables, Result> = string & { __generatedMutationInput: Variables; __generatedMutationOutput: Result };
export type GeneratedSubscription<Variables, Result> = string & { __generatedSubscriptionInput: Variables; __generatedSubscriptionOutput: Result };
`;

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * One TypeScript module: the schema's input and enum types, the result and variables types of each
 * operation (GraphQL Code Generator's typescript-operations, which since v6 writes the input and
 * enum types the operations use itself, so the typescript plugin is not needed), and each document as a
 * constant typed with them. Fails when an operation does not validate against the schema.
 */
export async function clientModule(
  schemaSdl: string,
  operations: readonly ClientOperation[],
  options: ClientModuleOptions = {},
): Promise<string> {
  const schema: GraphQLSchema = buildSchema(schemaSdl);
  const types = await codegen({
    filename: 'payments-api.ts',
    schema: parse(schemaSdl),
    schemaAst: schema,
    documents: operations.map((operation) => ({
      location: `${operation.field}.graphql`,
      document: parse(operation.document),
    })),
    plugins: [{ typescriptOperations: {} }],
    pluginMap: { typescriptOperations: operationsPlugin },
    config: {
      enumsAsTypes: true,
      immutableTypes: true,
      preResolveTypes: true,
      skipTypename: false,
      scalars: { AWSDateTime: 'string', AWSJSON: 'string', ...options.scalars },
    },
  });
  const documents = operations.map((operation) => {
    // A template literal holds the document as it reads; GraphQL has no use for either sequence.
    if (/`|\$\{|\\/.test(operation.document))
      throw new Error(`${operation.field}: the document has a backtick, \${ or a backslash`);
    const name = `${operation.operationName}${SUFFIX[operation.kind]}`;
    const typed = `Generated${SUFFIX[operation.kind]}<${name}Variables, ${name}>`;
    return `export const ${operation.field} = /* GraphQL */ \`${operation.document}\` as ${typed};`;
  });
  return [
    '// Generated from the payments API schema by Amplify codegen and GraphQL Code Generator: do not edit.',
    ...(options.prelude ?? []),
    types,
    TYPED_DOCUMENTS,
    ...documents,
    '',
  ].join('\n');
}
