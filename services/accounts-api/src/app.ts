import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AuthError,
  authenticate,
  createVerifier,
  hasRole,
  revocationListFor,
  type RevocationList,
  withRevocations,
  type CallerContext,
  type RevocationListOptions,
  type TokenVerifier,
  type VerifierConfig,
} from '@atrium/auth';
import type { Database } from '@atrium/postgres';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountRepository } from './account-repository.ts';
import { migrateAccounts } from './accounts-database.ts';
import {
  Account,
  AccountCreate,
  AccountPage,
  AccountParams,
  AccountPatch,
  Health,
  IfMatchHeaders,
  ListQuery,
  ProblemSchema,
} from './account-schemas.ts';
import { normalizedAccountNumberFilter } from './account-rules.ts';
import { isDatabaseUnavailable, withDeadline } from '@atrium/postgres';
import {
  answerPreflight,
  applyCors,
  corsPolicy,
  isPreflight,
  READINESS_SCHEMA,
  readinessHandler,
  serviceMetrics,
} from '@atrium/service-runtime';
import { etagOf, preconditionOf } from './etag-precondition.ts';
import { AccountsError, problemOf, type AccountsErrorCode, type FieldError } from './errors.ts';
import { assertServiceRoleIsolated } from './tenant-scope.ts';

export { AccountRepository, listStatement } from './account-repository.ts';
export { inTenant, SERVICE_ROLE, TENANT_SETTING } from './tenant-scope.ts';
export {
  openAccountsDatabase,
  migrateAccounts,
  MIGRATIONS_DIR,
  MIGRATIONS_TABLE,
} from './accounts-database.ts';

/** Options of the accounts plugin; mount it with Fastify's `prefix` (e.g. `/api/accounts`). */
export interface AccountsApiOptions {
  /** The database the service queries; the caller opens and closes it. */
  readonly database: Database;
  /**
   * Where migrations run: an owner connection when `database` connects as the restricted service
   * role; defaults to `database`; `false` when the schema is migrated elsewhere.
   */
  readonly migrationDatabase?: Database | false | undefined;
  /** How bearer tokens are verified (issuer, audience, JWKS), or a verifier to share. */
  readonly verifier: VerifierConfig | TokenVerifier;
  /**
   * The issuer's revocation list: a shared one (its owner starts and closes it), or where to poll
   * one (polling starts when the server listens). Without it a revoked token works until it expires.
   */
  readonly revocations?: RevocationList | Omit<RevocationListOptions, 'log'> | undefined;
  /** Exact origins (scheme://host[:port]) that may call the API from a browser. */
  readonly corsOrigins?: readonly string[] | undefined;
  /** The external origin, named as the server in the OpenAPI document. */
  readonly publicUrl?: string | undefined;
  /** Health routes relative to the prefix; `false` when the embedding server has its own. */
  readonly healthRoutes?: { readonly live: string; readonly ready: string } | false | undefined;
  /** Serve the OpenAPI document and its docs page (default true). */
  readonly docs?: boolean | undefined;
  /** Longest a request waits for the database before answering 503 (default 4000 ms). */
  readonly databaseDeadlineMs?: number | undefined;
  /** `Retry-After` seconds sent with 503 (default 5). */
  readonly retryAfterSeconds?: number | undefined;
}

const callers = new WeakMap<FastifyRequest, CallerContext>();

function callerOf(request: FastifyRequest): CallerContext {
  const caller = callers.get(request);
  // The auth hook runs before every account route: reaching here without a caller is a wiring bug.
  if (caller === undefined) throw new Error('accounts: route reached without an authenticated caller');
  return caller;
}

const READ_ROLES = ['viewer', 'member', 'approver', 'admin'] as const;

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldErrors(context: string, errors: readonly AjvError[]): FieldError[] {
  return errors.map((error) => {
    const extra =
      error.keyword === 'additionalProperties' ? `/${String(error.params['additionalProperty'])}` : '';
    const message =
      error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is invalid');
    return { pointer: `/${context}${error.instancePath}${extra}`, message };
  });
}

/** Maps anything thrown while handling a request onto the error catalogue. */
function classify(error: unknown): AccountsError {
  if (error instanceof AccountsError) return error;
  if (error instanceof AuthError) return new AccountsError(error.code);
  if (isDatabaseUnavailable(error)) return new AccountsError('database_unavailable');
  const fastifyError = error as Partial<FastifyError> & {
    validation?: AjvError[];
    validationContext?: string;
  };
  if (Array.isArray(fastifyError.validation)) {
    const errors = fieldErrors(fastifyError.validationContext ?? 'body', fastifyError.validation);
    return new AccountsError(
      'invalid_request',
      errors.map((e) => `${e.pointer} ${e.message}`).join('; '),
      errors,
    );
  }
  const byFastifyCode: Record<string, AccountsErrorCode> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
    FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
    FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  };
  const mapped = fastifyError.code === undefined ? undefined : byFastifyCode[fastifyError.code];
  if (mapped !== undefined) return new AccountsError(mapped);
  // secure-json-parse's SyntaxError arrives with status 400 and no Fastify code.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400)
    return new AccountsError('malformed_json');
  return new AccountsError('internal_error');
}

/** JSON Schema validators: bodies exactly as sent; query strings and params coerced from text. */
function validators(): { body: Ajv; text: Ajv } {
  // removeAdditional stays off: a forged `tenant_id` is refused, not silently dropped.
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: true });
  addFormats.default(body);
  addFormats.default(text);
  return { body, text };
}

const problemResponses = {
  '4xx': {
    description: 'Problem (RFC 9457) with a stable `code`',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  '5xx': {
    description: 'Problem; 503 carries Retry-After',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
};

/**
 * The accounts REST API as a Fastify plugin: list/get/create/update/delete of the caller's tenant's
 * accounts, OpenAPI 3.1 at `openapi.json` with a docs page at `docs/`, health routes, CORS.
 * Hooks, error handler and parsers stay encapsulated in this plugin.
 */
export default async function accountsApi(app: FastifyInstance, options: AccountsApiOptions): Promise<void> {
  const db = options.database;
  serviceMetrics(app)?.watchDatabasePool('accounts', () => db.poolStats());
  if (options.migrationDatabase !== false) await migrateAccounts(options.migrationDatabase ?? db);
  await assertServiceRoleIsolated(db);

  // createVerifier remembers verified tokens (@atrium/auth's verified-token cache, ADR 0205).
  const cached = 'verify' in options.verifier ? options.verifier : createVerifier(options.verifier);
  const revocations = revocationListFor(app, options.revocations);
  // Revocation outside the cache: a cached verdict never outlives a revocation.
  const verifier = revocations === undefined ? cached : withRevocations(cached, revocations);
  const cors = corsPolicy(options.corsOrigins ?? [], {
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'WWW-Authenticate'],
  });
  const deadlineMs = options.databaseDeadlineMs ?? 4_000;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const repository = new AccountRepository(db);
  const prefix = app.prefix;
  const onDatabase = <T>(work: Promise<T>): Promise<T> => withDeadline(work, deadlineMs);

  const { body: bodyAjv, text: textAjv } = validators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object),
  );
  // Only JSON bodies: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser(['text/plain']);

  function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AccountsError): FastifyReply {
    if (error.code === 'database_unavailable') reply.header('retry-after', retryAfter);
    return reply
      .code(error.status)
      .header('cache-control', 'no-store')
      .type('application/problem+json')
      .send(JSON.stringify(problemOf(error, request.id)));
  }

  app.setErrorHandler(async (error, request, reply) => {
    const accountsError = classify(error);
    if (error instanceof AuthError) {
      reply.header('www-authenticate', error.wwwAuthenticate);
      request.log.info({ code: error.code, reason: error.reason }, 'token refused');
    } else if (accountsError.code === 'internal_error') {
      request.log.error({ err: error }, 'unexpected error');
    } else if (accountsError.code === 'database_unavailable') {
      request.log.warn({ err: error }, 'database unavailable');
    }
    return sendProblem(request, reply, accountsError);
  });
  if (prefix !== '') {
    app.setNotFoundHandler(async (request, reply) =>
      sendProblem(request, reply, new AccountsError('not_found')),
    );
  }

  // CORS first, so every answer — 401, 404, 503 included — is readable by an allowed micro-frontend.
  app.addHook('onRequest', async (request, reply) => {
    if (isPreflight(request)) return;
    applyCors(cors, request, reply);
  });
  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPreflight(request))
      return reply.code(204).header('allow', 'GET, POST, PATCH, DELETE, OPTIONS').send();
    if (!answerPreflight(cors, request, reply)) {
      return sendProblem(request, reply, new AccountsError('origin_not_allowed'));
    }
    return reply.code(204).send();
  };
  app.options('/', { schema: { hide: true } }, preflight);
  app.options('/*', { schema: { hide: true } }, preflight);

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Atrium accounts API',
          version: '1.0.0',
          description:
            "The caller's company's accounts. Every route needs a bearer access token; " +
            '`viewer`, `member` and `approver` read, `admin` also writes. Errors are RFC 9457 problems with a stable `code`.',
        },
        ...(options.publicUrl === undefined ? {} : { servers: [{ url: options.publicUrl }] }),
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      // The list route is `<prefix>/` to Fastify; document it as `<prefix>`, as clients call it.
      transform: ({ schema, url }) => ({ schema, url: url.length > 1 ? url.replace(/\/$/, '') : url }),
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }

  const health = options.healthRoutes ?? { live: '/healthz', ready: '/readyz' };
  if (health !== false) {
    const healthSchema = { tags: ['health'], security: [], response: { 200: Health, ...problemResponses } };
    app.get(health.live, { schema: healthSchema }, async () => ({ status: 'ok' }));
    const readinessSchema = {
      tags: ['health'],
      security: [],
      response: { 200: READINESS_SCHEMA, 503: READINESS_SCHEMA },
    };
    app.get(
      health.ready,
      { schema: readinessSchema },
      readinessHandler([
        { name: 'database', required: true, probe: async () => withDeadline(db.ping(), deadlineMs) },
      ]),
    );
  }

  // The account routes, in their own context so authentication covers exactly them.
  await app.register(async (routes) => {
    const typed = routes.withTypeProvider<TypeBoxTypeProvider>();
    // onRequest, before the body is parsed: an anonymous caller learns nothing about validation.
    routes.addHook('onRequest', async (request) => {
      const caller = await authenticate(verifier, request.headers.authorization);
      const write = request.method !== 'GET' && request.method !== 'HEAD';
      if (!(write ? hasRole(caller, 'admin') : hasRole(caller, ...READ_ROLES)))
        throw new AccountsError('forbidden');
      callers.set(request, caller);
    });
    routes.addHook('onSend', async (_request, reply, payload) => {
      // Tenant data: never stored by a shared cache.
      reply.header('cache-control', 'no-store');
      return payload;
    });

    typed.get(
      '/',
      {
        schema: {
          summary: 'List accounts',
          description: "One page of the caller's tenant's accounts; follow `next_cursor` for the next.",
          tags: ['accounts'],
          querystring: ListQuery,
          response: { 200: AccountPage, ...problemResponses },
        },
      },
      async (request) => {
        const { account_number } = request.query;
        const query =
          account_number === undefined
            ? request.query
            : { ...request.query, account_number: normalizedAccountNumberFilter(account_number) };
        return onDatabase(repository.list(callerOf(request).tenantId, query));
      },
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: 'Get an account',
          tags: ['accounts'],
          params: AccountParams,
          response: { 200: Account, ...problemResponses },
        },
      },
      async (request, reply) => {
        const account = await onDatabase(repository.get(callerOf(request).tenantId, request.params.id));
        reply.header('etag', etagOf(account.version));
        return account;
      },
    );

    typed.post(
      '/',
      {
        schema: {
          summary: 'Create an account',
          description: 'Admins only. The tenant comes from the token; `tenant_id` in the body is refused.',
          tags: ['accounts'],
          body: AccountCreate,
          response: { 201: Account, ...problemResponses },
        },
      },
      async (request, reply) => {
        const account = await onDatabase(repository.create(callerOf(request).tenantId, request.body));
        return reply
          .code(201)
          .header('location', `${prefix}/${account.id}`)
          .header('etag', etagOf(account.version))
          .send(account);
      },
    );

    typed.patch(
      '/:id',
      {
        schema: {
          summary: 'Change an account',
          description: 'Admins only. Requires `If-Match` with the ETag read: 428 without it, 412 when stale.',
          tags: ['accounts'],
          params: AccountParams,
          headers: IfMatchHeaders,
          body: AccountPatch,
          response: { 200: Account, ...problemResponses },
        },
      },
      async (request, reply) => {
        const precondition = preconditionOf(request.headers['if-match']);
        const account = await onDatabase(
          repository.update(callerOf(request).tenantId, request.params.id, request.body, precondition),
        );
        reply.header('etag', etagOf(account.version));
        return account;
      },
    );

    typed.delete(
      '/:id',
      {
        schema: {
          summary: 'Delete an account',
          description: 'Admins only. Requires `If-Match` with the ETag read: 428 without it, 412 when stale.',
          tags: ['accounts'],
          params: AccountParams,
          headers: IfMatchHeaders,
          response: { 204: { type: 'null', description: 'Deleted' }, ...problemResponses },
        },
      },
      async (request, reply) => {
        const precondition = preconditionOf(request.headers['if-match']);
        await onDatabase(repository.remove(callerOf(request).tenantId, request.params.id, precondition));
        return reply.code(204).send(null);
      },
    );
  });
}
