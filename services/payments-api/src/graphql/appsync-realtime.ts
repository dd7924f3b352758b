import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  parse,
  subscribe,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { AuthError, type RevocationList } from '@atrium/auth';
import { PaymentsError, PAYMENTS_ERRORS, type PaymentsErrorCode } from '../errors.ts';
import type { Authenticated, CallerAuthentication } from '../http/caller-authentication.ts';
import { exceedsTokens, withoutSuggestions, type GraphqlLimits } from './document-limits.ts';
import {
  closeAtExpiry,
  CONNECTION_INIT_WAIT_MS,
  FORBIDDEN_CLOSE_CODE,
  INIT_TIMEOUT_CLOSE_CODE,
  TOKEN_EXPIRED_CLOSE_CODE,
  watchRevocations,
} from './live-updates.ts';
import type { SubscriptionContext } from './model-resolvers.ts';
import { subscriptionCheck, type SubscriptionBudget } from './subscription-limits.ts';

/**
 * AWS AppSync's real-time protocol (the one Amplify JS speaks to `<endpoint>/realtime`) over the
 * same subscriptions as graphql-ws: the same token checks, tenant topics, limits and closing at
 * expiry or revocation; only the framing differs. The token comes with the handshake (a
 * `header-<base64url JSON>` subprotocol, or `?header=<base64 JSON>`), `connection_init` is answered
 * with `connection_ack` or `connection_error`, a subscription is a `start` whose `payload.data` is
 * the JSON of `{query, variables}`, and the server keeps the connection alive with `ka` messages.
 */
export interface AppSyncRealtimeOptions {
  /** The full path of the route (the GraphQL path + `/realtime`, where Amplify looks for it). */
  readonly path: string;
  readonly authentication: Pick<CallerAuthentication, 'connectionInit'>;
  readonly revocations?: Pick<RevocationList, 'isRevoked' | 'onRevoked'> | undefined;
  /** The same budget graphql-ws connections draw on: per connection and per tenant on this instance. */
  readonly budget: SubscriptionBudget;
  readonly limits: GraphqlLimits;
  readonly listMaximum: number;
  /** Interval of `ka` messages (default KEEP_ALIVE_MS). */
  readonly keepAliveMs?: number | undefined;
}

/** mercurius' pubsub contract: deliver a topic's payloads into `queue` until its `close` hooks run. */
interface LivePubSub {
  subscribe(topic: string, queue: Readable): Promise<void>;
}

/** What this route uses of mercurius (registered before it): the executable schema and its pubsub. */
interface Mercurius {
  readonly schema: GraphQLSchema;
  /** In memory, or the Redis fan-out: the same as graphql-ws subscriptions listen to. */
  readonly pubsub: LivePubSub;
}

/**
 * Between two `ka` messages. Amplify marks a connection unhealthy after 65 s without one and AppSync
 * sends one about every minute; half of that leaves room for a busy event loop.
 */
export const KEEP_ALIVE_MS = 30_000;

/** What `connection_ack` tells clients: close the connection after this long without a `ka` (AppSync's value). */
export const CONNECTION_TIMEOUT_MS = 300_000;

/** The protocol's name, which the server selects among the subprotocols Amplify offers. */
export const APPSYNC_SUBPROTOCOL = 'graphql-ws';

/** One error in AppSync's realtime shape: Amplify reads `errorType` (and `errorCode` on a connection error). */
interface RealtimeError {
  readonly errorType: string;
  readonly message: string;
  readonly errorCode?: number;
  readonly extensions?: Record<string, unknown>;
}

/** The parts of a `ws` socket this module uses. */
interface RealtimeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  once(event: 'close', listener: () => void): void;
}

const OPEN = 1;

/**
 * The `header` object of an AppSync handshake: the `header-` subprotocol (Amplify v6) or the
 * `header` query parameter (older clients); `undefined` when neither decodes to a JSON object.
 */
export function handshakeHeader(request: Pick<FastifyRequest, 'headers' | 'url'>): unknown {
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith('header-'))?.slice('header-'.length);
  const fromQuery = new URL(request.url, 'http://localhost').searchParams.get('header') ?? undefined;
  for (const encoded of [fromProtocol, fromQuery]) {
    if (encoded === undefined || encoded === '') continue;
    try {
      // Node's base64 decoder reads the URL-safe alphabet too, with or without padding.
      const header: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
      if (typeof header === 'object' && header !== null) return header;
    } catch {
      // Not JSON: the caller is refused as unauthenticated.
    }
  }
  return undefined;
}

function bytesOf(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function catalogued(code: PaymentsErrorCode, message?: string): RealtimeError {
  return {
    errorType: PAYMENTS_ERRORS[code].errorType,
    message: message ?? PAYMENTS_ERRORS[code].message,
    extensions: { code },
  };
}

/** A refusal of the connection's token, as AppSync answers `connection_init`. */
function connectionRefusal(error: AuthError): { error: RealtimeError; closeCode: number } {
  const closeCode = error.code === 'token_expired' ? TOKEN_EXPIRED_CLOSE_CODE : FORBIDDEN_CLOSE_CODE;
  return {
    error: {
      errorType: PAYMENTS_ERRORS.UNAUTHENTICATED.errorType,
      message: error.message,
      errorCode: 401,
      extensions: { code: 'UNAUTHENTICATED', reason: error.code },
    },
    closeCode,
  };
}

/** A subscription in progress on one connection. */
interface Running {
  stopped: boolean;
  iterator?: AsyncIterator<ExecutionResult> | undefined;
  close?: (() => void) | undefined;
}

/**
 * Serves the AppSync real-time protocol on `options.path` (a route of @fastify/websocket), with the
 * schema and pubsub of the mercurius registered on `app` before it.
 */
export function serveAppSyncRealtime(app: FastifyInstance, options: AppSyncRealtimeOptions): void {
  const { budget, limits } = options;
  const mercurius = (): Mercurius => (app as unknown as { graphql: Mercurius }).graphql;
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const check = subscriptionCheck({ budget, limits, listMaximum: options.listMaximum });
  const revocations = watchRevocations(options.revocations);
  app.addHook('onClose', async () => revocations.close());

  /** The errors of a refused or failed operation, as AppSync's `error` message carries them. */
  function realtimeErrors(errors: readonly unknown[], requestId: string): RealtimeError[] {
    return errors.flatMap((error): RealtimeError[] => {
      const original =
        error instanceof GraphQLError ? (error.originalError ?? undefined) : (error as Error | undefined);
      if (original instanceof PaymentsError) {
        if (original.problems.length > 0)
          return original.problems.map((p) => ({
            errorType: original.errorType,
            message: p.message,
            extensions: { code: p.code, field: p.field },
          }));
        return [
          { errorType: original.errorType, message: original.message, extensions: { code: original.code } },
        ];
      }
      if (error instanceof GraphQLError && (original === undefined || original instanceof GraphQLError)) {
        const code = (error.extensions['code'] as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED';
        return [
          {
            errorType: code === 'QUERY_TOO_COMPLEX' ? 'QueryTooComplex' : 'ValidationError',
            message: limits.suggestions ? error.message : withoutSuggestions(error.message),
            extensions: { code },
          },
        ];
      }
      app.log.error({ err: error, requestId }, 'payments: unexpected realtime subscription error');
      return [
        {
          errorType: 'InternalFailure',
          message: `An internal error occurred (request id ${requestId}).`,
          extensions: { code: 'INTERNAL', requestId },
        },
      ];
    });
  }

  app.get(options.path, { websocket: true }, (socket: RealtimeSocket, request: FastifyRequest) => {
    const send = (message: Record<string, unknown>): void => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
    };
    const fail = (id: unknown, errors: readonly RealtimeError[]): void =>
      send({ type: 'error', id, payload: { errors } });
    // Verified while the client sends connection_init, so the answer comes without a round of waiting.
    const verdict: Promise<Authenticated | AuthError> = options.authentication
      .connectionInit(handshakeHeader(request))
      .catch((error: unknown) => {
        if (error instanceof AuthError) return error;
        throw error;
      });
    verdict.catch(() => undefined);
    let connection: Authenticated | undefined;
    let initialised = false;
    let keepAlive: NodeJS.Timeout | undefined;
    const running = new Map<string, Running>();
    let admissions: Promise<unknown> = Promise.resolve();
    budget.open(socket);

    const initTimer = setTimeout(
      () => socket.close(INIT_TIMEOUT_CLOSE_CODE, 'Connection initialisation timeout'),
      CONNECTION_INIT_WAIT_MS,
    );
    initTimer.unref();
    socket.once('close', () => {
      clearTimeout(initTimer);
      clearInterval(keepAlive);
      for (const operation of running.values()) stop(operation);
      running.clear();
    });

    async function initialise(): Promise<void> {
      let judged: Authenticated | AuthError;
      try {
        judged = await verdict;
      } catch (error) {
        request.log.error({ err: error }, 'payments: realtime handshake not verified');
        socket.close(1011, 'Internal error');
        return;
      }
      if (judged instanceof AuthError) {
        request.log.info({ code: judged.code, reason: judged.reason }, 'payments: realtime token refused');
        const refusal = connectionRefusal(judged);
        send({ type: 'connection_error', payload: { errors: [refusal.error] } });
        socket.close(
          refusal.closeCode,
          refusal.closeCode === TOKEN_EXPIRED_CLOSE_CODE ? 'Token expired' : 'Forbidden',
        );
        return;
      }
      connection = judged;
      closeAtExpiry({ wsSocket: socket, tokenExpiresAt: judged.expiresAt * 1000 });
      revocations.track(socket, judged);
      send({ type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
      send({ type: 'ka' });
      keepAlive = setInterval(() => send({ type: 'ka' }), keepAliveMs);
      keepAlive.unref();
    }

    function stop(operation: Running): void {
      operation.stopped = true;
      operation.close?.();
      void operation.iterator?.return?.();
    }

    /** Verifies a `start`'s own authorization: the connection's caller, perhaps with a fresher token. */
    async function startCaller(payload: Record<string, unknown>): Promise<Authenticated | RealtimeError> {
      const extensions = payload['extensions'] as { authorization?: unknown } | undefined;
      const authorization = extensions?.authorization;
      const given = connection as Authenticated;
      if (authorization === undefined || authorization === null) return given;
      try {
        const verified = await options.authentication.connectionInit(authorization);
        // A start may not change whose connection this is: its token must be the same account's.
        if (
          verified.caller.userId !== given.caller.userId ||
          verified.caller.tenantId !== given.caller.tenantId
        )
          return catalogued(
            'UNAUTHENTICATED',
            'The subscription is authorised for another user than its connection.',
          );
        return { ...given, accessToken: verified.accessToken };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        return { ...catalogued('UNAUTHENTICATED', error.message), errorCode: 401 };
      }
    }

    async function start(
      id: string,
      operation: Running,
      payload: Record<string, unknown>,
      size: number,
    ): Promise<void> {
      if (size > limits.maxBodyBytes)
        return fail(id, [
          catalogued('BODY_TOO_LARGE', `A start message has at most ${limits.maxBodyBytes} bytes.`),
        ]);
      let operationRequest: { query?: unknown; variables?: unknown; operationName?: unknown };
      try {
        const data: unknown = JSON.parse(typeof payload['data'] === 'string' ? payload['data'] : '');
        operationRequest = (typeof data === 'object' && data !== null ? data : {}) as typeof operationRequest;
      } catch {
        operationRequest = {};
      }
      const { query, variables, operationName } = operationRequest;
      if (typeof query !== 'string')
        return fail(id, [
          {
            errorType: 'ValidationError',
            message: 'payload.data must be the JSON text of {"query": "<GraphQL text>", "variables": {…}}.',
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ]);
      if (exceedsTokens(query, limits.maxTokens))
        return fail(id, [
          catalogued('QUERY_TOO_COMPLEX', `The query has more than ${limits.maxTokens} tokens.`),
        ]);
      // Starts are admitted in the order they came, so a connection at its bound refuses the later ones.
      const admission = admissions.then(async (): Promise<Authenticated | RealtimeError> => {
        const verified = await startCaller(payload);
        if (!('caller' in verified)) return verified;
        if (budget.claim(socket, id, { variables, operationName }) === 'full')
          return catalogued(
            'SUBSCRIPTION_LIMIT',
            `At most ${budget.limits.perConnection} subscriptions per connection; stop one first.`,
          );
        return verified;
      });
      admissions = admission.catch(() => undefined);
      const caller = await admission;
      if (!('caller' in caller)) return fail(id, [caller]);
      const ended = (): void => budget.end(socket, id);
      if (operation.stopped) {
        ended();
        return send({ type: 'complete', id });
      }
      const schema = mercurius().schema;
      const queue = new Readable({ objectMode: true, read: () => undefined }) as Readable & {
        close?: (() => void)[];
      };
      operation.close = () => {
        for (const unsubscribe of queue.close ?? []) unsubscribe();
        queue.close = [];
        if (!queue.readableEnded) queue.push(null);
      };
      const context: SubscriptionContext = {
        ...caller,
        requestId: request.id,
        tokenExpiresAt: caller.expiresAt * 1000,
        wsSocket: socket,
        id,
        pubsub: {
          subscribe: async (topic: string) => {
            await mercurius().pubsub.subscribe(topic, queue);
            return queue;
          },
        },
      };
      let result: AsyncIterableIterator<ExecutionResult> | ExecutionResult;
      try {
        // The same check as graphql-ws' preSubscriptionParsing: GraphQL's validation, the limits, the
        // variables' coercion and a tenant slot; it gives the operation back to the budget on refusal.
        check(schema, query, context, id);
        const document: DocumentNode = parse(query);
        result = await subscribe({
          schema,
          document,
          contextValue: context,
          variableValues: (typeof variables === 'object' && variables !== null ? variables : {}) as Record<
            string,
            unknown
          >,
          operationName: typeof operationName === 'string' ? operationName : undefined,
        });
      } catch (error) {
        operation.close();
        ended();
        return fail(id, realtimeErrors([error], request.id));
      }
      if (!(Symbol.asyncIterator in result)) {
        operation.close();
        ended();
        return fail(id, realtimeErrors(result.errors ?? [], request.id));
      }
      operation.iterator = result;
      if (operation.stopped || socket.readyState !== OPEN) {
        stop(operation);
        ended();
        return send({ type: 'complete', id });
      }
      send({ type: 'start_ack', id });
      try {
        for await (const event of result) {
          const errors = event.errors === undefined ? undefined : realtimeErrors(event.errors, request.id);
          send({ type: 'data', id, payload: { data: event.data ?? null, ...(errors ? { errors } : {}) } });
        }
      } catch (error) {
        fail(id, realtimeErrors([error], request.id));
      } finally {
        operation.close();
        ended();
      }
      send({ type: 'complete', id });
    }

    socket.on('message', (data) => {
      const bytes = bytesOf(data);
      let message: unknown;
      try {
        message = JSON.parse(bytes.toString('utf8'));
      } catch {
        return fail(undefined, [
          {
            errorType: 'BadRequestException',
            message: 'A message must be JSON.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ]);
      }
      const { type, id, payload } = (typeof message === 'object' && message !== null ? message : {}) as {
        type?: unknown;
        id?: unknown;
        payload?: unknown;
      };
      if (type === 'connection_init') {
        if (initialised) return;
        initialised = true;
        clearTimeout(initTimer);
        void initialise();
        return;
      }
      if (type !== 'start' && type !== 'stop')
        return fail(id, [
          {
            errorType: 'UnsupportedOperation',
            message: `Unsupported message type ${JSON.stringify(type ?? null)}: connection_init, start or stop.`,
            extensions: { code: 'BAD_REQUEST' },
          },
        ]);
      if (typeof id !== 'string' || id === '' || id.length > 128)
        return fail(id, [
          {
            errorType: 'BadRequestException',
            message: 'An operation id is a string of 1-128 characters.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ]);
      if (type === 'stop') {
        const operation = running.get(id);
        // The loop of a running subscription sends its `complete` once it has ended.
        if (operation !== undefined) stop(operation);
        else send({ type: 'complete', id });
        return;
      }
      if (connection === undefined)
        return fail(id, [
          {
            ...catalogued('UNAUTHENTICATED', 'Send connection_init and wait for connection_ack first.'),
            errorCode: 401,
          },
        ]);
      if (typeof payload !== 'object' || payload === null)
        return fail(id, [
          {
            errorType: 'BadRequestException',
            message: 'A start message has a payload.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ]);
      if (running.has(id))
        return fail(id, [
          {
            errorType: 'DuplicatedOperationError',
            message: `Subscriber for ${id} already exists`,
            extensions: { code: 'DUPLICATE_ID' },
          },
        ]);
      // Registered before anything is awaited, so that a `stop` sent right after it finds it.
      const operation: Running = { stopped: false };
      running.set(id, operation);
      start(id, operation, payload as Record<string, unknown>, bytes.length)
        .catch((error: unknown) => {
          budget.end(socket, id);
          fail(id, realtimeErrors([error], request.id));
        })
        .finally(() => {
          if (running.get(id) === operation) running.delete(id);
        });
    });
  });
}
