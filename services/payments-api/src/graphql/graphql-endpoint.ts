import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import mercurius from 'mercurius';
import { AuthError } from '@atrium/auth';
import type { ChangePublisher } from '../model/model-service.ts';
import type { Authenticated, CallerAuthentication } from '../http/caller-authentication.ts';
import { routeChecks, type RouteCheck } from '../http/route-checks.ts';
import { CompiledExecution, type GraphqlRequest } from './compiled-execution.ts';
import { limitRules, type GraphqlLimits } from './document-limits.ts';
import type { ErrorFormatter } from './error-formatter.ts';
import type { ConnectionGuard, RedisFanout } from './live-updates.ts';
import type { RequestContext } from './model-resolvers.ts';
import type { ListLimits } from './model-transformer.ts';
import { subscriptionCheck, type SubscriptionBudget } from './subscription-limits.ts';

interface PubSub {
  publish(event: { topic: string; payload: unknown }, callback: (error?: unknown) => void): void;
}

/**
 * Publishes committed changes to the subscribers, once mercurius' pubsub is attached (resolvers
 * only run after that).
 */
export function livePublisher(log: FastifyBaseLogger): {
  readonly publish: ChangePublisher;
  attach(pubsub: PubSub): void;
} {
  let pubsub: PubSub | undefined;
  return {
    publish: (topic, payload) =>
      new Promise((resolve) => {
        if (pubsub === undefined) return resolve();
        pubsub.publish({ topic, payload }, (error) => {
          // The change is committed; a lost live update is logged, never turned into a failed write.
          if (error) log.error({ err: error, topic }, 'live update not published');
          resolve();
        });
      }),
    attach: (given) => {
      pubsub = given;
    },
  };
}

export interface GraphqlEndpointOptions {
  readonly path: string;
  readonly schema: { readonly sdl: string; readonly resolvers: Record<string, unknown> };
  readonly limits: GraphqlLimits;
  readonly listLimits: ListLimits;
  readonly formatError: ErrorFormatter;
  readonly authentication: CallerAuthentication;
  /** What an HTTP request to the route passes first, in order (authentication, limits). */
  readonly checks: readonly RouteCheck[];
  /** The caller an HTTP request was authenticated as (by the checks, before GraphQL runs). */
  readonly callerOf: (request: FastifyRequest) => Authenticated | undefined;
  readonly guard: ConnectionGuard;
  readonly budget: SubscriptionBudget;
  /** Redis fan-out of live updates across instances; in memory when undefined. */
  readonly fanout: RedisFanout | undefined;
  readonly publisher: ReturnType<typeof livePublisher>;
}

/** An operation compiled execution answered: what mercurius' hooks see of the interpreter's. */
export type CompiledOperationListener = (
  operation: OperationDefinitionNode,
  outcome: 'ok' | 'error',
  seconds: number,
) => void;

export interface GraphqlEndpoint {
  /** Called for every operation compiled execution answers (mercurius' hooks see the others). */
  onCompiledOperation(listener: CompiledOperationListener): void;
}

/** A single POST operation's request, when its body is one compiled execution can take. */
function singleRequest(request: FastifyRequest): GraphqlRequest | undefined {
  if (request.method !== 'POST' || request.validationError !== undefined) return undefined;
  const body = request.body as Record<string, unknown> | null | undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { query, variables, operationName } = body;
  if (typeof query !== 'string') return undefined;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  return {
    query,
    variables: variables as Record<string, unknown> | null | undefined,
    operationName: operationName as string | null | undefined,
  };
}

/**
 * mercurius on `path`: HTTP (single and batched) and graphql-ws, held to the document limits. A
 * single HTTP operation of the compiled subset is answered by compiled execution (ADR 0111) after
 * the same hooks and checks, with the same validation rules, context and error formatter; every
 * other request, and any the compiled path declines before running, is mercurius'.
 */
export async function graphqlEndpoint(
  app: FastifyInstance,
  options: GraphqlEndpointOptions,
): Promise<GraphqlEndpoint> {
  const { limits, listLimits, authentication, guard, budget, fanout } = options;
  const validationRules = limitRules(limits, listLimits.maxLimit, listLimits.defaultLimit);
  const validateOptions = { hideSuggestions: !limits.suggestions };
  // Without a caller only on mercurius' error path (a body refused before the checks), where no
  // resolver runs: the formatter needs the request id alone.
  const contextOf = (request: FastifyRequest): RequestContext =>
    ({ ...options.callerOf(request), requestId: request.id }) as RequestContext;
  // Built once mercurius has attached the resolvers to its schema; no request runs before that.
  let compiled: CompiledExecution | undefined = undefined;
  const listeners: CompiledOperationListener[] = [];
  // After the route's checks (authentication, rate and document limits), as mercurius' handler.
  const compiledAnswer = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const asked = singleRequest(request);
    if (asked === undefined || compiled === undefined) return;
    // mercurius' context: its function's, with the reply and the app (the error formatter's).
    const context = Object.assign(contextOf(request), { reply, app });
    const started = process.hrtime.bigint();
    const answer = await compiled.run(asked, context);
    if (answer === undefined) return;
    let statusCode = 200;
    let body: unknown = answer.result;
    const failed = answer.result.errors !== undefined;
    if (failed) {
      const formatted = options.formatError(answer.result, context);
      statusCode = formatted.statusCode;
      body = formatted.response;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const listener of listeners) listener(answer.operation, failed ? 'error' : 'ok', seconds);
    reply.code(statusCode).send(body);
  };
  await app.register(mercurius, {
    schema: options.schema.sdl,
    resolvers: options.schema.resolvers as never,
    path: options.path,
    graphiql: false,
    allowBatchedQueries: true,
    additionalRouteOptions: {
      bodyLimit: limits.maxBodyBytes,
      // The route's own: no other route of the plugin (health, IDE) meets these checks.
      preHandler: routeChecks([...options.checks, compiledAnswer]),
    },
    validationRules,
    graphql: { validateOptions },
    context: contextOf,
    errorFormatter: options.formatError,
    subscription: {
      ...(fanout === undefined ? {} : { emitter: fanout.emitter as never }),
      context: async (socket: unknown) => {
        // A socket the guard refused is closed before onConnect runs, with the guard's close code.
        await guard.settled(socket);
        return { wsSocket: socket };
      },
      onConnect: async (data: { payload?: Record<string, unknown> | null }) => {
        try {
          // The same function as the guard's, so both judge the same token the same way.
          const { caller, accessToken, expiresAt } = await authentication.connectionInit(data.payload);
          return {
            caller,
            accessToken,
            tokenExpiresAt: expiresAt * 1000,
            requestId: `ws-${caller.tenantId}`,
          };
        } catch (error) {
          if (error instanceof AuthError) return false;
          throw error;
        }
      },
    },
  } as never);
  const graphql = (
    app as unknown as {
      graphql: {
        schema: GraphQLSchema;
        pubsub: PubSub;
        addHook(name: 'preSubscriptionParsing', hook: ReturnType<typeof subscriptionCheck>): void;
      };
    }
  ).graphql;
  options.publisher.attach(graphql.pubsub);
  compiled = new CompiledExecution({ schema: graphql.schema, validationRules, validateOptions });
  // mercurius executes a graphql-ws subscription without validating it: the check does.
  graphql.addHook(
    'preSubscriptionParsing',
    subscriptionCheck({ budget, limits, listMaximum: listLimits.maxLimit }),
  );
  return {
    onCompiledOperation: (listener) => {
      listeners.push(listener);
    },
  };
}
