import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '@atrium/auth';
import { refusalBody } from '../errors.ts';
import {
  isWebSocketHandshake,
  type Authenticated,
  type CallerAuthentication,
} from './caller-authentication.ts';
import type { RouteCheck } from './route-checks.ts';

const callers = new WeakMap<FastifyRequest, Authenticated>();

/** The caller of a GraphQL request, if `authenticateCheck` verified one (limits run after it). */
export function callerOf(request: FastifyRequest): Authenticated | undefined {
  return callers.get(request);
}

/**
 * Every HTTP request to the GraphQL route carries a verified token (401 with `WWW-Authenticate`
 * otherwise). A WebSocket handshake authenticates later, in `connection_init` (live-updates.ts).
 * A check of the GraphQL route itself (graphql-endpoint.ts), so no other route of the plugin (health,
 * IDE) meets it.
 */
export function authenticateCheck(authentication: CallerAuthentication): RouteCheck {
  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown): void => {
    if (!(error instanceof AuthError)) throw error;
    request.log.info({ code: error.code, reason: error.reason }, 'payments: token refused');
    reply
      .code(401)
      .header('www-authenticate', error.wwwAuthenticate)
      .send(refusalBody('UNAUTHENTICATED', error.message, { reason: error.code }));
  };
  return (request, reply) => {
    if (isWebSocketHandshake(request)) return undefined;
    return authentication.httpRequest(request).then(
      (authenticated) => {
        callers.set(request, authenticated);
      },
      (error: unknown) => refuse(request, reply, error),
    );
  };
}
