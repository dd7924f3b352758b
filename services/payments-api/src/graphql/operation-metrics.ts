import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Database } from '@atrium/postgres';
import { operationLabel, serviceMetrics } from '@atrium/service-runtime';
import type { StoreEngine } from '../model/store.ts';
import type { GraphqlEndpoint } from './graphql-endpoint.ts';

/** What the payments service reports beside the HTTP metrics every service has. */
export interface PaymentsMetricsSources {
  /** The GraphQL path as mounted (`/graphql`): the label of its WebSocket endpoint. */
  readonly path: string;
  /** The WebSocket server of graphql-ws and the AppSync real-time protocol. */
  readonly sockets: { readonly clients: ReadonlySet<unknown> };
  /** The subscriptions running (tenant slots held). */
  readonly subscriptions: { readonly live: number };
  readonly engine: StoreEngine;
  /** The operations compiled execution answers, which mercurius' hooks do not see. */
  readonly endpoint: GraphqlEndpoint;
}

interface Hooks {
  addHook(
    name: 'preExecution',
    hook: (schema: GraphQLSchema, document: DocumentNode, context: OperationContext) => Promise<void>,
  ): void;
  addHook(
    name: 'onResolution',
    hook: (execution: ExecutionResult, context: OperationContext) => Promise<void>,
  ): void;
}

interface OperationContext {
  readonly reply?: FastifyReply;
  /** The operation's index in a batched request (mercurius sets it). */
  readonly operationId?: number;
}

/**
 * The names an operation is counted under: each root field, as itself and capitalised, which is how
 * the payments element and Amplify's generated clients name theirs (`ListPayments`, `onCreatePayment`
 * → `OnCreatePayment`); every other name is `other`, so the series are bounded by the schema.
 */
function knownOperationNames(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.keys(type?.getFields() ?? {})) {
      names.add(field);
      names.add(field.charAt(0).toUpperCase() + field.slice(1));
    }
  }
  return names;
}

/** The operation of `document` the request asked to run (by its operationName when it has several). */
function requestedOperation(
  document: DocumentNode,
  context: OperationContext,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length === 1) return operations[0];
  const body = context.reply?.request.body;
  const asked = (Array.isArray(body) ? body[context.operationId ?? 0] : body) as
    { operationName?: unknown } | undefined;
  return operations.find((operation) => operation.name?.value === asked?.operationName);
}

/**
 * Reports the payments service's own metrics where the observability plugin is registered: GraphQL
 * operations by bounded name, type and outcome; WebSocket connections and live subscriptions; the
 * PostgreSQL store's pool (a DynamoDB store has none). Called once mercurius is registered.
 */
export function reportPaymentsMetrics(app: FastifyInstance, sources: PaymentsMetricsSources): void {
  const metrics = serviceMetrics(app);
  if (metrics === undefined) return;
  const graphql = (app as unknown as { graphql: Hooks & { schema: GraphQLSchema } }).graphql;
  metrics.watchLiveConnections(sources.path, () => ({
    connections: sources.sockets.clients.size,
    subscriptions: sources.subscriptions.live,
  }));
  // Only the PostgreSQL engine has a database: the store port does not name one.
  const database = (sources.engine as Partial<{ database: Database }>).database;
  if (database !== undefined) metrics.watchDatabasePool('payments', () => database.poolStats());

  // mercurius has built the schema by now (reportPaymentsMetrics is called after it is registered).
  const known = knownOperationNames(graphql.schema);
  const labelOf = (operation: OperationDefinitionNode | undefined) => ({
    operation: operationLabel(operation?.name?.value, known),
    type: operation?.operation ?? 'query',
  });
  const started = new WeakMap<object, { operation: string; type: string; at: bigint }>();
  sources.endpoint.onCompiledOperation((operation, outcome, seconds) => {
    const { operation: label, type } = labelOf(operation);
    metrics.recordOperation(label, type, outcome, seconds);
  });
  graphql.addHook('preExecution', async (_schema, document, context) => {
    started.set(context, { ...labelOf(requestedOperation(document, context)), at: process.hrtime.bigint() });
  });
  graphql.addHook('onResolution', async (execution, context) => {
    const start = started.get(context);
    if (start === undefined) return;
    started.delete(context);
    const seconds = Number(process.hrtime.bigint() - start.at) / 1e9;
    const outcome = execution.errors === undefined || execution.errors.length === 0 ? 'ok' : 'error';
    metrics.recordOperation(start.operation, start.type, outcome, seconds);
  });
}
