import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, GraphQLScalarType, Kind, type ExecutionResult, type GraphQLSchema } from 'graphql';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocketServer } from 'ws';
import mercurius from 'mercurius';
import { readinessHandler, serviceMetrics, type DependencyCheck } from '@atrium/service-runtime';
import {
  AuthError,
  createVerifier,
  RevocationList,
  withRevocations,
  type RevocationListOptions,
  type TokenVerifier,
  type VerifierConfig,
} from '@atrium/auth';
import {
  callerAuthentication,
  isWebSocketHandshake,
  type Authenticated,
} from './http/caller-authentication.ts';
import { PaymentsError, PAYMENTS_ERRORS, type PaymentsErrorCode } from './errors.ts';
import {
  DEFAULT_LIMITS,
  exceedsTokens,
  limitRules,
  withoutSuggestions,
  type GraphqlLimits,
} from './graphql/document-limits.ts';
import { createRedisFanout, guardConnections } from './graphql/live-updates.ts';
import { serveAppSyncRealtime } from './graphql/appsync-realtime.ts';
import { readAnnotatedSchema, type ModelDefinition } from './model/definition.ts';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  modelResolvers,
  type ChangePublisher,
  type ModelBehaviour,
  type RequestContext,
} from './graphql/model-resolvers.ts';
import type { ModelStore, StoreEngine } from './model/store.ts';
import { generateSchemaSdl } from './graphql/model-transformer.ts';
import { PaginationCursor } from './model/pagination-cursor.ts';
import { accountsApiDirectory } from './payments/accounts-directory.ts';
import {
  createPaymentBehaviour,
  PAYMENT_EXTENSION,
  paymentExtensionResolvers,
} from './payments/payment-rules.ts';
import { loadSecretKey } from './secret-key.ts';
import {
  admitSubscriptions,
  DEFAULT_SUBSCRIPTION_LIMITS,
  SubscriptionBudget,
  subscriptionCheck,
  type SubscriptionLimits,
} from './graphql/subscription-limits.ts';
import { openStores, type StorageTarget } from './store/open-store.ts';
import { createTenantRateLimit } from './http/tenant-rate-limit.ts';
import { registerGraphqlIde } from './http/graphql-ide.ts';
import { reportPaymentsMetrics } from './graphql/operation-metrics.ts';

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

function isDateTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

const AWSJSON = new GraphQLScalarType({
  name: 'AWSJSON',
  description: 'A JSON document, as a string (AppSync AWSJSON).',
  serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  parseValue: (value) => value,
});

/** What the schema returns for a Float field: exact decimal text → a JSON number on the wire. */
function floatOutputs(
  models: readonly ModelDefinition[],
): Record<string, Record<string, (root: Record<string, unknown>) => unknown>> {
  const out: Record<string, Record<string, (root: Record<string, unknown>) => unknown>> = {};
  for (const model of models) {
    const floats = model.fields.filter((f) => f.type === 'Float' && !f.list);
    if (floats.length === 0) continue;
    out[model.name] = Object.fromEntries(
      floats.map((f) => [
        f.name,
        (root: Record<string, unknown>) =>
          root[f.name] === null || root[f.name] === undefined ? null : Number(root[f.name]),
      ]),
    );
  }
  return out;
}

function isVerifier(value: VerifierConfig | TokenVerifier): value is TokenVerifier {
  return typeof (value as TokenVerifier).verify === 'function';
}

function problemBody(
  code: PaymentsErrorCode,
  message?: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = PAYMENTS_ERRORS[code];
  return {
    data: null,
    errors: [
      { message: message ?? entry.message, errorType: entry.errorType, extensions: { code, ...extra } },
    ],
  };
}

/**
 * The Payments GraphQL API as a Fastify plugin: schema and resolvers generated at start-up from the
 * annotated schema, HTTP and graphql-ws on one path. Hooks, parsers and the error formatter stay
 * encapsulated here, so the embedded server can mount it beside other services.
 */
export default async function paymentsPlugin(app: FastifyInstance, options: PaymentsOptions): Promise<void> {
  const path = options.graphqlPath ?? '/graphql';
  const limits: GraphqlLimits = {
    ...DEFAULT_LIMITS,
    introspection: !(options.production ?? false),
    suggestions: !(options.production ?? false),
    ...options.limits,
  };
  const listLimits = { defaultLimit: options.listDefaultLimit ?? DEFAULT_LIMIT, maxLimit: MAX_LIMIT };
  if (
    !Number.isInteger(listLimits.defaultLimit) ||
    listLimits.defaultLimit < 1 ||
    listLimits.defaultLimit > MAX_LIMIT
  )
    throw new Error(`payments: listDefaultLimit must be an integer 1-${MAX_LIMIT}`);
  const subscriptions = new SubscriptionBudget({
    ...DEFAULT_SUBSCRIPTION_LIMITS,
    ...options.subscriptionLimits,
  });
  const verified = isVerifier(options.verifier) ? options.verifier : createVerifier(options.verifier);
  let revocations = options.revocations;
  if (revocations !== undefined && !(revocations instanceof RevocationList)) {
    const owned = new RevocationList({ ...revocations, log: app.log });
    app.addHook('onListen', async () => void owned.start());
    app.addHook('onClose', async () => owned.close());
    revocations = owned;
  }
  const verifier = revocations === undefined ? verified : withRevocations(verified, revocations);
  const authentication = callerAuthentication(verifier);
  const annotated = readAnnotatedSchema(options.schemaSdl ?? (await readFile(SCHEMA_FILE, 'utf8')));
  const secret = options.secretKey ?? (await loadSecretKey(options.dataDir));
  const cursor = new PaginationCursor(secret);
  const rateLimit = createTenantRateLimit({
    perSecond: options.rateLimit?.perSecond ?? 200,
    burst: options.rateLimit?.burst ?? 400,
    redisUrl: options.redisUrl,
    log: app.log,
  });
  app.addHook('onClose', async () => rateLimit.close());
  // Redis connects while the tables are set up; both waits are bounded (ADR 0105).
  const rateLimitReady = rateLimit.ready();
  const corsOrigins = new Set(options.corsOrigins ?? []);

  const engine = await openStores(options.storage, annotated.models, cursor);
  app.addHook('onClose', async () => engine.close());
  const stores = engine.stores;
  options.onStores?.(engine);

  // Set once mercurius is registered; resolvers only run after that.
  const live: {
    publisher?: {
      publish(event: { topic: string; payload: unknown }, callback: (error?: unknown) => void): void;
    };
  } = {};
  const publish: ChangePublisher = (topic, payload) =>
    new Promise((resolve) => {
      if (live.publisher === undefined) return resolve();
      live.publisher.publish({ topic, payload }, (error) => {
        // The change is committed; a lost live update is logged, never turned into a failed write.
        if (error) app.log.error({ err: error, topic }, 'live update not published');
        resolve();
      });
    });

  const paymentRules = createPaymentBehaviour(
    options.accountsApi === undefined ? undefined : accountsApiDirectory(options.accountsApi),
  );
  const behaviours: Record<string, ModelBehaviour> = options.behaviours ?? { Payment: paymentRules };
  const resolvers: Record<string, Record<string, unknown>> = {
    Query: {},
    Mutation: {},
    Subscription: {},
    AWSDateTime: AWSDateTime as unknown as Record<string, unknown>,
    AWSJSON: AWSJSON as unknown as Record<string, unknown>,
    ...floatOutputs(annotated.models),
  };
  for (const model of annotated.models) {
    const generated = modelResolvers({
      model,
      store: stores.get(model.name) as ModelStore,
      behaviour: behaviours[model.name] ?? {},
      publish,
      idempotencySecret: secret,
      subscriptions,
      defaultLimit: listLimits.defaultLimit,
    });
    Object.assign(resolvers['Query'] as object, generated.Query);
    Object.assign(resolvers['Mutation'] as object, generated.Mutation);
    Object.assign(resolvers['Subscription'] as object, generated.Subscription);
  }
  const paymentStore = stores.get('Payment');
  const withPayment = paymentStore !== undefined && behaviours['Payment'] === paymentRules;
  if (withPayment)
    Object.assign(resolvers['Mutation'] as object, paymentExtensionResolvers(paymentStore, publish).Mutation);
  const sdl = generateSchemaSdl(annotated, withPayment ? PAYMENT_EXTENSION : {}, listLimits);

  const callers = new WeakMap<FastifyRequest, Authenticated>();

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && corsOrigins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header('access-control-expose-headers', 'x-request-id, retry-after');
    }
    reply.header('x-request-id', request.id);
  });

  app.options(path, async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !corsOrigins.has(origin)) return reply.code(403).send();
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, x-api-key, x-amz-user-agent')
      .header('access-control-max-age', '600')
      .send();
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== path || request.method === 'OPTIONS') return;
    // A WebSocket handshake authenticates in connection_init (the guard below), not with a header.
    if (isWebSocketHandshake(request)) return;
    let authenticated: Authenticated;
    try {
      authenticated = await authentication.httpRequest(request);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      request.log.info({ code: error.code, reason: error.reason }, 'payments: token refused');
      return reply
        .code(401)
        .header('www-authenticate', error.wwwAuthenticate)
        .send(problemBody('UNAUTHENTICATED', error.message, { reason: error.code }));
    }
    const rate = await rateLimit.take(authenticated.caller.tenantId);
    if (!rate.allowed) {
      serviceMetrics(app)?.recordRefusal('payments_tenant');
      return reply
        .code(429)
        .header('retry-after', String(rate.retryAfterSeconds))
        .send(problemBody('RATE_LIMITED'));
    }
    const body = request.body;
    if (Array.isArray(body) && body.length > limits.maxBatch)
      return reply
        .code(400)
        .send(problemBody('BATCH_TOO_LARGE', `At most ${limits.maxBatch} operations per batch.`));
    const queries: unknown[] = Array.isArray(body)
      ? body.map((b) => (b as { query?: unknown })?.query)
      : [(body as { query?: unknown } | undefined)?.query ?? (request.query as { query?: unknown }).query];
    if (queries.some((q) => typeof q === 'string' && exceedsTokens(q, limits.maxTokens)))
      return reply
        .code(400)
        .send(problemBody('QUERY_TOO_COMPLEX', `The query has more than ${limits.maxTokens} tokens.`));
    callers.set(request, authenticated);
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send(problemBody('BODY_TOO_LARGE'));
    if (typeof error.statusCode === 'number' && error.statusCode < 500)
      return reply.code(error.statusCode).send(problemBody('QUERY_TOO_COMPLEX', 'The request is not valid.'));
    request.log.error({ err: error }, 'payments: unexpected error');
    return reply.code(500).send(
      problemBody('INTERNAL', `An internal error occurred (request id ${request.id}).`, {
        requestId: request.id,
      }),
    );
  });

  // The WebSocket server is registered here, not inside mercurius (which reuses one it finds), so
  // that every graphql-ws connection, subscribing or not, can be closed when its token expires.
  const sockets = app as unknown as { websocketServer?: Parameters<typeof guardConnections>[0]['server'] };
  if (sockets.websocketServer === undefined)
    await app.register(fastifyWebsocket, {
      options: { maxPayload: 1_048_576 },
      // The plugin's default closes without a code (1005): 1001 tells clients the server is going
      // away, so they reconnect (to another instance) instead of reporting an error.
      preClose(this: FastifyInstance, done: () => void) {
        const server = (this as unknown as { websocketServer: WebSocketServer }).websocketServer;
        for (const client of server.clients) client.close(1001, 'server shutting down');
        server.close(() => done());
      },
    });
  if (sockets.websocketServer === undefined) throw new Error('payments: no WebSocket server registered');
  const guard = guardConnections({
    server: sockets.websocketServer,
    path: `${app.prefix}${path}`,
    verify: async (payload) => authentication.connectionInit(payload),
    revocations,
    log: app.log,
  });
  admitSubscriptions({
    server: sockets.websocketServer as unknown as Parameters<typeof admitSubscriptions>[0]['server'],
    path: `${app.prefix}${path}`,
    budget: subscriptions,
    limits,
  });
  app.addHook('onClose', async () => guard.close());

  const fanout = options.redisUrl === undefined ? undefined : createRedisFanout(options.redisUrl, app.log);
  await Promise.all([rateLimitReady, fanout?.ready()]);
  await app.register(mercurius, {
    schema: sdl,
    resolvers: resolvers as never,
    path,
    graphiql: false,
    allowBatchedQueries: true,
    additionalRouteOptions: { bodyLimit: limits.maxBodyBytes },
    validationRules: limitRules(limits, MAX_LIMIT, listLimits.defaultLimit),
    graphql: { validateOptions: { hideSuggestions: !limits.suggestions } },
    context: (request: FastifyRequest): RequestContext => ({
      ...(callers.get(request) as Authenticated),
      requestId: request.id,
    }),
    errorFormatter: (
      execution: ExecutionResult & { statusCode?: number },
      context: { reply?: FastifyReply; app?: FastifyInstance },
    ) => formatErrors(execution, context),
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
        pubsub: typeof live.publisher;
        addHook(name: 'preSubscriptionParsing', hook: ReturnType<typeof subscriptionCheck>): void;
      };
    }
  ).graphql;
  live.publisher = graphql.pubsub;
  // mercurius executes a graphql-ws subscription without validating it: the check does.
  graphql.addHook(
    'preSubscriptionParsing',
    subscriptionCheck({ budget: subscriptions, limits, listMaximum: MAX_LIMIT }),
  );
  // Amplify's subscriptions: AppSync's real-time protocol beside graphql-ws, same checks and budget.
  serveAppSyncRealtime(app, {
    path: `${path}/realtime`,
    authentication,
    revocations,
    budget: subscriptions,
    limits,
    listMaximum: MAX_LIMIT,
  });
  reportPaymentsMetrics(app, {
    endpoint: `${app.prefix}${path}`,
    sockets: sockets.websocketServer as unknown as WebSocketServer,
    subscriptions,
    engine,
  });
  // GraphiQL and the SDL go with introspection: development only.
  if (limits.introspection)
    registerGraphqlIde(app, {
      path,
      publicPath: `${app.prefix}${path}`,
      schema: () => (app as unknown as { graphql: { schema: GraphQLSchema } }).graphql.schema,
    });
  if (fanout !== undefined)
    app.addHook('onClose', async () => {
      // Let closing sockets unsubscribe first: ioredis rejects commands on a closed connection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await fanout.close();
    });

  if (options.healthRoutes !== false) {
    const health = options.healthRoutes ?? { live: '/healthz', ready: '/readyz' };
    app.get(health.live, async () => ({ status: 'ok' }));
    const checks: DependencyCheck[] = [
      {
        name: 'database',
        required: true,
        probe: () => engine.ping(),
      },
    ];
    // Without Redis the API still serves (per-instance rate limit, live updates to this instance's
    // subscribers only): degraded, not unavailable, so a load balancer keeps it.
    if (options.redisUrl !== undefined)
      checks.push({
        name: 'redis',
        required: false,
        probe: async () => Promise.all([rateLimit.probe(), fanout?.probe()]),
      });
    app.get(health.ready, readinessHandler(checks));
  }

  function formatErrors(
    execution: ExecutionResult & { statusCode?: number },
    context: { reply?: FastifyReply; app?: FastifyInstance },
  ): { statusCode: number; response: { data: unknown; errors: unknown[] } } {
    const log = context.reply?.log ?? context.app?.log ?? app.log;
    const requestId = context.reply?.request.id ?? 'ws';
    let statusCode = execution.data ? 200 : (execution.statusCode ?? 200);
    const flat = (execution.errors ?? []).flatMap((error) => {
      const nested = (error.originalError as { errors?: unknown } | undefined)?.errors;
      if (Array.isArray(nested)) {
        statusCode = execution.data ? 200 : 400;
        return nested as GraphQLError[];
      }
      return [error];
    });
    const errors = flat.flatMap((error) => {
      const original = error.originalError ?? undefined;
      const base = { path: error.path, locations: error.locations };
      if (original instanceof PaymentsError) {
        // A dependency's failure (the accounts API) is the client's to retry and the operator's to see.
        if (original.cause !== undefined)
          log.warn({ err: original.cause, requestId, code: original.code }, 'payments: dependency failed');
        // A refusal that matters to security (four eyes) leaves a trace beside the item's audit trail.
        if (original.audit !== undefined)
          log.warn({ ...original.audit, requestId, code: original.code }, 'payments: refused');
        if (original.problems.length > 0)
          return original.problems.map((p) => ({
            ...base,
            message: p.message,
            errorType: original.errorType,
            errorInfo: null,
            data: null,
            extensions: { code: p.code, field: p.field },
          }));
        return [
          {
            ...base,
            message: original.message,
            errorType: original.errorType,
            errorInfo: null,
            data: original.data,
            extensions: { code: original.code },
          },
        ];
      }
      if (
        original === undefined ||
        original instanceof GraphQLError ||
        (original as { code?: string }).code?.startsWith('MER_ERR')
      ) {
        const code =
          (error.extensions?.['code'] as string | undefined) ??
          (error.path === undefined ? 'GRAPHQL_VALIDATION_FAILED' : 'BAD_USER_INPUT');
        return [
          {
            ...base,
            message: limits.suggestions ? error.message : withoutSuggestions(error.message),
            errorType: code === 'QUERY_TOO_COMPLEX' ? 'QueryTooComplex' : 'ValidationError',
            extensions: { ...error.extensions, code },
          },
        ];
      }
      // Fastify's own refusals (body too large, malformed JSON) are the client's fault, not ours.
      const httpStatus = (original as { statusCode?: unknown }).statusCode;
      if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
        statusCode = httpStatus;
        const tooLarge = httpStatus === 413;
        return [
          {
            message: tooLarge ? PAYMENTS_ERRORS.BODY_TOO_LARGE.message : original.message,
            errorType: 'BadRequestException',
            extensions: { code: tooLarge ? 'BODY_TOO_LARGE' : 'BAD_REQUEST' },
          },
        ];
      }
      // Unexpected: log it whole, tell the client only the request id to quote.
      log.error({ err: original, requestId, path: error.path }, 'payments: unexpected resolver error');
      return [
        {
          ...base,
          message: `An internal error occurred (request id ${requestId}).`,
          errorType: 'InternalFailure',
          extensions: { code: 'INTERNAL', requestId },
        },
      ];
    });
    return { statusCode, response: { data: execution.data ?? null, errors } };
  }
}
