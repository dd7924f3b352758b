import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { AuthError, type RevocationList } from '@atrium/auth';

const require = createRequire(import.meta.url);

/** Where the fan-out reports a Redis outage and its end (Fastify's logger fits). */
export interface FanoutLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** The Redis fan-out: the mqemitter mercurius publishes and subscribes through, and its lifecycle. */
export interface RedisFanout {
  /** mqemitter-redis, for mercurius' `subscription.emitter`. */
  readonly emitter: unknown;
  /** Resolves once both connections are up, or after 2 s (live updates resume when Redis does). */
  ready(): Promise<void>;
  /** Rejects while either connection is down (readiness). */
  probe(): Promise<void>;
  /** Quits both connections, or drops them when Redis does not answer within a second. */
  close(): Promise<void>;
}

interface MqemitterRedis {
  readonly state: { on(event: string, listener: (error?: Error) => void): void };
}

/**
 * The fan-out behind subscriptions across instances (mercurius' in-memory mqemitter is the default):
 * Redis pub/sub, so a change made through one instance reaches subscribers connected to another.
 * Redis being away must not fail or stall writes: publishing never queues behind a dead connection
 * (the change is committed; its live update is dropped and logged by the caller), a connection error
 * is logged once per outage instead of crashing the process (mqemitter-redis re-emits it on an
 * emitter without listeners), and subscriptions are re-made by ioredis when Redis is back.
 */
export function createRedisFanout(redisUrl: string, log: FanoutLog): RedisFanout {
  const mqemitterRedis = require('mqemitter-redis') as (options: Record<string, unknown>) => MqemitterRedis;
  const retryStrategy = (attempt: number) => Math.min(attempt * 100, 1000);
  const pubConn = new Redis(redisUrl, {
    connectionName: 'atrium-payments-publish',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    enableAutoPipelining: true,
    retryStrategy,
  });
  // Subscribing waits for the connection (queued), and ioredis re-subscribes after a reconnect.
  const subConn = new Redis(redisUrl, { connectionName: 'atrium-payments-subscribe', retryStrategy });
  const emitter = mqemitterRedis({ pubConn, subConn });
  let down = false;
  let closing = false;
  emitter.state.on('error', (error) => {
    if (down || closing) return;
    down = true;
    log.warn(
      { reason: error?.message },
      'payments: Redis unavailable; live updates are not delivered until it is back',
    );
  });
  const up = () => {
    if (!down || pubConn.status !== 'ready' || subConn.status !== 'ready') return;
    down = false;
    log.info({}, 'payments: live updates through Redis again');
  };
  pubConn.on('ready', up);
  subConn.on('ready', up);
  return {
    emitter,
    async ready() {
      const connected = (conn: Redis) =>
        conn.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => conn.once('ready', resolve));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([connected(pubConn), connected(subConn)]),
        new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
      ]);
      clearTimeout(timer);
    },
    async probe() {
      if (subConn.status !== 'ready') throw new Error(`redis subscriber ${subConn.status}`);
      // The publisher has no offline queue: a dead connection rejects at once.
      await pubConn.ping();
    },
    async close() {
      closing = true;
      // Not mqemitter-redis' close: it waits for an 'end' that never comes while Redis is away, and
      // leaves the rejected QUIT of a connection without offline queue unhandled.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([pubConn.quit(), subConn.quit()]),
        new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
      ]);
      clearTimeout(timer);
      pubConn.disconnect();
      subConn.disconnect();
    },
  };
}

/** What a graphql-ws connection carries once its `connection_init` token is verified. */
export interface LiveConnection {
  /** The WebSocket, set by mercurius' subscription context function. */
  readonly wsSocket?: {
    close(code?: number, reason?: string): void;
    once(event: 'close', listener: () => void): void;
  };
  /** Epoch milliseconds at which the token (and so the connection) expires. */
  readonly tokenExpiresAt?: number;
}

const armed = new WeakSet<object>();

/** 4401: the graphql-ws convention for "unauthorized"; the client reconnects with a fresh token. */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

/** Closes the connection's socket when its token expires (once per socket). */
export function closeAtExpiry(connection: LiveConnection): void {
  const socket = connection.wsSocket;
  const expiresAt = connection.tokenExpiresAt;
  if (socket === undefined || expiresAt === undefined || armed.has(socket)) return;
  armed.add(socket);
  const timer = setTimeout(
    () => socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Token expired'),
    // setTimeout holds at most ~24.8 days; a longer-lived token is closed then (and re-authenticates).
    Math.min(Math.max(0, expiresAt - Date.now()), 2_147_483_647),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** graphql-ws' code for a client that sent no `connection_init` in time. */
export const INIT_TIMEOUT_CLOSE_CODE = 4408;

/** How long a socket may stay open without `connection_init` (graphql-ws' own server default). */
export const CONNECTION_INIT_WAIT_MS = 3000;

/** The `Authorization` value of a `connection_init` payload: top level (Amplify, graphql-ws) or under `headers`. */
export function connectionInitAuthorization(payload: unknown): string | undefined {
  const fields = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const headers = (
    typeof fields['headers'] === 'object' && fields['headers'] !== null ? fields['headers'] : fields
  ) as Record<string, unknown>;
  const header = headers['authorization'] ?? headers['Authorization'];
  return typeof header === 'string' ? header : undefined;
}

/** The parts of a `ws` socket and server this module uses. */
interface RawSocket {
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  off(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  once(event: 'close', listener: () => void): void;
}
interface RawSocketServer {
  on(event: 'connection', listener: (socket: RawSocket, request: { url?: string | undefined }) => void): void;
}

/** 4403: graphql-ws' "forbidden": the `connection_init` token is not one this API accepts. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/** Whose token a connection was opened with, and that token's `iat` and `exp` (epoch seconds). */
export interface VerifiedConnection {
  readonly caller: { readonly userId: string };
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** What the guard needs from the service. */
export interface ConnectionGuardOptions {
  /** The WebSocket server mercurius serves graphql-ws from. */
  readonly server: RawSocketServer;
  /** The full path of the graphql-ws route (other WebSocket routes are left alone). */
  readonly path: string;
  /** Verifies the token of a `connection_init` payload; throws `AuthError` when refused. */
  verify(payload: unknown): Promise<VerifiedConnection>;
  /** The issuer's revocations: an open connection whose token is revoked is closed with 4403. */
  readonly revocations?: Pick<RevocationList, 'isRevoked' | 'onRevoked'> | undefined;
  readonly log: { error(details: object, message: string): void };
}

/** Lets mercurius' connection context wait for the guard's verdict on a socket. */
export interface ConnectionGuard {
  /** Resolves once the socket's `connection_init` is judged (refused sockets are closed by then). */
  settled(socket: unknown): Promise<void>;
  /** Stops listening for revocations. */
  close(): void;
}

/** The sockets a revocation closes (4403), each with the account and `iat` of its token. */
export interface RevocationWatch {
  /** Closes `socket` once its account's tokens issued at or before its token's `iat` are revoked. */
  track(socket: Pick<RawSocket, 'close' | 'once'>, verified: VerifiedConnection): void;
  /** Stops listening for revocations. */
  close(): void;
}

/**
 * Closes live connections when their token is revoked: one watch per transport (graphql-ws, AppSync
 * real-time), each listening to the issuer's revocation list; without a list it tracks nothing.
 */
export function watchRevocations(
  revocations: Pick<RevocationList, 'isRevoked' | 'onRevoked'> | undefined,
): RevocationWatch {
  // The open, verified connections of each account, to close when the account's tokens are revoked.
  const open = new Map<string, Map<Pick<RawSocket, 'close'>, number>>();
  const revoked = (socket: Pick<RawSocket, 'close'>) => socket.close(FORBIDDEN_CLOSE_CODE, 'Token revoked');
  const stopListening = revocations?.onRevoked(({ sub, revokedAtMs }) => {
    for (const [socket, issuedAt] of open.get(sub) ?? []) {
      // The same rule as the verifier's: iat's second counts as before the revocation.
      if (issuedAt * 1000 <= revokedAtMs) revoked(socket);
    }
  });
  return {
    track(socket, { caller, issuedAt }) {
      if (revocations === undefined) return;
      const sockets = open.get(caller.userId) ?? new Map<Pick<RawSocket, 'close'>, number>();
      open.set(caller.userId, sockets.set(socket, issuedAt));
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && open.get(caller.userId) === sockets) open.delete(caller.userId);
      });
      // A revocation learnt between the verification and now was announced before this socket was
      // tracked: look again.
      if (revocations.isRevoked(caller.userId, issuedAt)) revoked(socket);
    },
    close: () => stopListening?.(),
  };
}

/**
 * Bounds every graphql-ws connection on `path` by its token, whether it subscribes or not: closed
 * with 4408 when no `connection_init` comes in time, with 4401 when the token has expired or when it
 * expires later, with 4403 when it is refused or, later, revoked. mercurius' `onConnect` gets no socket to arm a timer
 * on, so the guard reads `connection_init` itself (its listener is attached before mercurius' and
 * sees the message first); mercurius still verifies in `onConnect` and stays the authority.
 */
export function guardConnections(options: ConnectionGuardOptions): ConnectionGuard {
  const verdicts = new WeakMap<object, Promise<void>>();
  const revocations = watchRevocations(options.revocations);
  options.server.on('connection', (socket, request) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== options.path) return;
    const initTimer = setTimeout(
      () => socket.close(INIT_TIMEOUT_CLOSE_CODE, 'Connection initialisation timeout'),
      CONNECTION_INIT_WAIT_MS,
    );
    initTimer.unref();
    const onMessage = (data: Buffer | ArrayBuffer | Buffer[]): void => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      let message: unknown;
      try {
        message = JSON.parse(bytes.toString('utf8'));
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const { type, payload } = message as { type?: unknown; payload?: unknown };
      if (type !== 'connection_init') return;
      clearTimeout(initTimer);
      socket.off('message', onMessage);
      verdicts.set(socket, judge(socket, payload));
    };
    socket.on('message', onMessage);
    socket.once('close', () => {
      clearTimeout(initTimer);
      socket.off('message', onMessage);
    });
  });

  async function judge(socket: RawSocket, payload: unknown): Promise<void> {
    try {
      const verified = await options.verify(payload);
      closeAtExpiry({ wsSocket: socket, tokenExpiresAt: verified.expiresAt * 1000 });
      revocations.track(socket, verified);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'token_expired')
        socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Token expired');
      else if (error instanceof AuthError && error.code === 'token_revoked')
        socket.close(FORBIDDEN_CLOSE_CODE, 'Token revoked');
      else if (error instanceof AuthError) socket.close(FORBIDDEN_CLOSE_CODE, 'Forbidden');
      else {
        options.log.error({ err: error }, 'payments: graphql-ws connection_init not verified');
        socket.close(1011, 'Internal error');
      }
    }
  }

  return {
    settled: async (socket) => verdicts.get(socket as object),
    close: () => revocations.close(),
  };
}
