import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** mqemitter's interface, as mercurius uses it. */
export interface Emitter {
  close(callback: () => void): void;
}

/**
 * The fan-out behind subscriptions: mercurius' in-memory mqemitter by default; Redis pub/sub when a
 * URL is given, so a change made through one instance reaches subscribers connected to another.
 */
export function createEmitter(redisUrl: string | undefined): Emitter | undefined {
  if (redisUrl === undefined) return undefined;
  const mqemitterRedis = require('mqemitter-redis') as (options: Record<string, unknown>) => Emitter;
  return mqemitterRedis({ connectionString: redisUrl });
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
    Math.max(0, expiresAt - Date.now()),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The `exp` of a JWT already verified by @atrium/auth (so only decoded here), in epoch ms. */
export function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
