import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import { AuthError } from '@atrium/auth';
import type { ChangePublisher } from '../model/model-service.ts';
import type { Authenticated, CallerAuthentication } from '../http/caller-authentication.ts';
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
  /** The caller an HTTP request was authenticated as (before GraphQL runs). */
  readonly callerOf: (request: FastifyRequest) => Authenticated | undefined;
  readonly guard: ConnectionGuard;
  readonly budget: SubscriptionBudget;
  /** Redis fan-out of live updates across instances; in memory when undefined. */
  readonly fanout: RedisFanout | undefined;
  readonly publisher: ReturnType<typeof livePublisher>;
}

/** mercurius on `path`: HTTP (single and batched) and graphql-ws, held to the document limits. */
export async function graphqlEndpoint(app: FastifyInstance, options: GraphqlEndpointOptions): Promise<void> {
  const { limits, listLimits, authentication, guard, budget, fanout } = options;
  await app.register(mercurius, {
    schema: options.schema.sdl,
    resolvers: options.schema.resolvers as never,
    path: options.path,
    graphiql: false,
    allowBatchedQueries: true,
    additionalRouteOptions: { bodyLimit: limits.maxBodyBytes },
    validationRules: limitRules(limits, listLimits.maxLimit, listLimits.defaultLimit),
    graphql: { validateOptions: { hideSuggestions: !limits.suggestions } },
    // Without a caller only on mercurius' error path (a body refused before authentication), where
    // no resolver runs: the formatter needs the request id alone.
    context: (request: FastifyRequest): RequestContext => ({
      ...(options.callerOf(request) as Authenticated),
      requestId: request.id,
    }),
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
        pubsub: PubSub;
        addHook(name: 'preSubscriptionParsing', hook: ReturnType<typeof subscriptionCheck>): void;
      };
    }
  ).graphql;
  options.publisher.attach(graphql.pubsub);
  // mercurius executes a graphql-ws subscription without validating it: the check does.
  graphql.addHook(
    'preSubscriptionParsing',
    subscriptionCheck({ budget, limits, listMaximum: listLimits.maxLimit }),
  );
}
