import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { RevocationList, RevocationListOptions, TokenVerifier, VerifierConfig } from '@atrium/auth';
import { DEFAULT_LIMITS, type GraphqlLimits } from './graphql/document-limits.ts';
import { createErrorFormatter, errorAnswersPlugin } from './graphql/error-formatter.ts';
import { graphqlEndpoint, livePublisher } from './graphql/graphql-endpoint.ts';
import { serveLiveConnections } from './graphql/live-connections.ts';
import { createRedisFanout } from './graphql/live-updates.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, type ModelBehaviour } from './graphql/model-resolvers.ts';
import { executableSchema } from './graphql/schema.ts';
import {
  DEFAULT_SUBSCRIPTION_LIMITS,
  SubscriptionBudget,
  type SubscriptionLimits,
} from './graphql/subscription-limits.ts';
import { serveAppSyncRealtime } from './graphql/appsync-realtime.ts';
import { reportPaymentsMetrics } from './graphql/operation-metrics.ts';
import { authenticateCheck, callerOf } from './http/authenticate.ts';
import { authenticationFor } from './http/caller-authentication.ts';
import cors from './http/cors.ts';
import { registerGraphqlIde } from './http/graphql-ide.ts';
import { healthRoutes } from './http/health.ts';
import requestIdEcho from './http/request-id-echo.ts';
import { requestLimitsCheck } from './http/request-limits.ts';
import { createTenantRateLimit } from './http/tenant-rate-limit.ts';
import { readAnnotatedSchema } from './model/definition.ts';
import { PaginationCursor } from './model/pagination-cursor.ts';
import type { StoreEngine } from './model/store.ts';
import { accountsApiDirectory } from './payments/accounts-directory.ts';
import { createPaymentBehaviour } from './payments/payment-rules.ts';
import { loadSecretKey } from './secret-key.ts';
import { openStores, type StorageTarget } from './store/open-store.ts';

/** The annotated schema shipped with the service. */
export const SCHEMA_FILE = new URL('../schema/schema.graphql', import.meta.url);

/** Options of the payments plugin; every URL and secret comes from the deployment's configuration. */
export interface PaymentsOptions {
  /** How to verify bearer tokens (or a verifier shared with the embedding server). */
  readonly verifier: VerifierConfig | TokenVerifier;
  /**
   * The issuer's revocation list: a shared one (its owner starts and closes it), or where to poll
   * one (polling starts when the server listens). A revoked token is refused over HTTP and its open
   * graphql-ws connections are closed (4403); without it a revoked token works until it expires.
   */
  readonly revocations?: RevocationList | Omit<RevocationListOptions, 'log'> | undefined;
  /** Where the records are: PostgreSQL (default) or DynamoDB; the plugin opens it (and closes it on app close). */
  readonly storage: StorageTarget;
  /** Folder for the signing key (`secret.key`). */
  readonly dataDir: string;
  /** The signing key itself, instead of the file in `dataDir` (tests, or a secret store). */
  readonly secretKey?: Buffer | undefined;
  /** Redis for subscription fan-out and the per-tenant rate limit across instances; in memory when undefined. */
  readonly redisUrl?: string | undefined;
  /** Production: introspection off. */
  readonly production?: boolean | undefined;
  readonly corsOrigins?: readonly string[] | undefined;
  /** GraphQL HTTP + WebSocket path (default `/graphql`). */
  readonly graphqlPath?: string | undefined;
  /** Health routes; `false` when the embedding server has its own. */
  readonly healthRoutes?: { readonly live: string; readonly ready: string } | false | undefined;
  readonly limits?: Partial<GraphqlLimits> | undefined;
  /** Subscriptions per graphql-ws connection and per tenant on this instance (defaults 20 and 1000). */
  readonly subscriptionLimits?: Partial<SubscriptionLimits> | undefined;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | undefined;
  /** The annotated schema's text (default: schema/schema.graphql). */
  readonly schemaSdl?: string | undefined;
  /** Called once with the opened stores (benchmarks' bare routes, the embedded seeder). */
  readonly onStores?: ((engine: StoreEngine) => void) | undefined;
  /**
   * The accounts API's collection URL: `from_account` must then be one of the caller's tenant's
   * accounts (ADR 0005); free text when undefined.
   */
  readonly accountsApi?: { readonly url: string; readonly cacheTtlMs?: number | undefined } | undefined;
  /**
   * Items a list query without `limit` returns: AppSync's 100 by default, at most MAX_LIMIT (100),
   * the bound of every list query.
   */
  readonly listDefaultLimit?: number | undefined;
  /** Model behaviours by model name (default: Payment's). */
  readonly behaviours?: Readonly<Record<string, ModelBehaviour>> | undefined;
}

/** The GraphQL limits of a deployment: production hides introspection and suggestions. */
function graphqlLimits(options: PaymentsOptions): GraphqlLimits {
  return {
    ...DEFAULT_LIMITS,
    introspection: !(options.production ?? false),
    suggestions: !(options.production ?? false),
    ...options.limits,
  };
}

/**
 * The Payments GraphQL API as a Fastify plugin: schema and resolvers generated at start-up from the
 * annotated schema, HTTP and graphql-ws on one path. One plugin per concern, registered in the
 * order a request meets them; hooks, parsers and the error handler stay encapsulated here, so the
 * embedded server can mount it beside other services.
 */
export default async function paymentsPlugin(app: FastifyInstance, options: PaymentsOptions): Promise<void> {
  const path = options.graphqlPath ?? '/graphql';
  const publicPath = `${app.prefix}${path}`;
  const limits = graphqlLimits(options);
  const listLimits = { defaultLimit: options.listDefaultLimit ?? DEFAULT_LIMIT, maxLimit: MAX_LIMIT };
  if (
    !Number.isInteger(listLimits.defaultLimit) ||
    listLimits.defaultLimit < 1 ||
    listLimits.defaultLimit > MAX_LIMIT
  )
    throw new Error(`payments: listDefaultLimit must be an integer 1-${MAX_LIMIT}`);
  const budget = new SubscriptionBudget({ ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.subscriptionLimits });
  const { authentication, revocations } = authenticationFor(app, options);
  const annotated = readAnnotatedSchema(options.schemaSdl ?? (await readFile(SCHEMA_FILE, 'utf8')));
  const secret = options.secretKey ?? (await loadSecretKey(options.dataDir));

  const rateLimit = createTenantRateLimit({
    perSecond: options.rateLimit?.perSecond ?? 200,
    burst: options.rateLimit?.burst ?? 400,
    redisUrl: options.redisUrl,
    log: app.log,
  });
  app.addHook('onClose', async () => rateLimit.close());
  // Redis connects while the tables are set up; both waits are bounded (ADR 0105).
  const rateLimitReady = rateLimit.ready();
  const engine = await openStores(options.storage, annotated.models, new PaginationCursor(secret));
  app.addHook('onClose', async () => engine.close());
  options.onStores?.(engine);

  const publisher = livePublisher(app.log);
  const behaviours = options.behaviours ?? {
    Payment: createPaymentBehaviour(
      options.accountsApi === undefined ? undefined : accountsApiDirectory(options.accountsApi),
    ),
  };
  const schema = executableSchema({
    annotated,
    stores: engine.stores,
    behaviours,
    publish: publisher.publish,
    idempotencySecret: secret,
    subscriptions: budget,
    listLimits,
  });
  const formatError = createErrorFormatter({ suggestions: limits.suggestions, app });

  // First: a route takes the error handler its context has when it is added.
  await app.register(errorAnswersPlugin, { format: formatError });
  await app.register(requestIdEcho);
  await app.register(cors, { origins: options.corsOrigins ?? [], path: publicPath });
  const { server, guard } = await serveLiveConnections(app, {
    path: publicPath,
    authentication,
    revocations,
    budget,
    limits,
  });
  const fanout = options.redisUrl === undefined ? undefined : createRedisFanout(options.redisUrl, app.log);
  await Promise.all([rateLimitReady, fanout?.ready()]);
  const endpoint = await graphqlEndpoint(app, {
    path,
    schema,
    limits,
    listLimits,
    formatError,
    authentication,
    checks: [authenticateCheck(authentication), requestLimitsCheck(app, { rateLimit, limits })],
    callerOf,
    guard,
    budget,
    fanout,
    publisher,
  });
  if (fanout !== undefined)
    app.addHook('onClose', async () => {
      // Let closing sockets unsubscribe first: ioredis rejects commands on a closed connection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await fanout.close();
    });
  // Amplify's subscriptions: AppSync's real-time protocol beside graphql-ws, same checks and budget.
  serveAppSyncRealtime(app, {
    path: `${path}/realtime`,
    authentication,
    revocations,
    budget,
    limits,
    listMaximum: MAX_LIMIT,
  });
  reportPaymentsMetrics(app, { path: publicPath, sockets: server, subscriptions: budget, engine, endpoint });
  // GraphiQL and the SDL go with introspection: development only.
  if (limits.introspection)
    registerGraphqlIde(app, {
      path,
      publicPath,
      schema: () => (app as unknown as { graphql: { schema: GraphQLSchema } }).graphql.schema,
    });
  if (options.healthRoutes !== false)
    healthRoutes(app, {
      routes: options.healthRoutes ?? { live: '/healthz', ready: '/readyz' },
      database: engine,
      redis:
        options.redisUrl === undefined
          ? undefined
          : { probe: async () => Promise.all([rateLimit.probe(), fanout?.probe()]) },
    });
}
