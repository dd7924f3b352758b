import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { AuthError } from '@atrium/auth';
import { refusalBody } from '../errors.ts';
import {
  isWebSocketHandshake,
  type Authenticated,
  type CallerAuthentication,
} from './caller-authentication.ts';

export interface AuthenticateOptions {
  /** The GraphQL route (HTTP POST/GET); other routes of the plugin (health, IDE) are public. */
  readonly path: string;
  readonly authentication: CallerAuthentication;
}

const callers = new WeakMap<FastifyRequest, Authenticated>();

/** The caller of a GraphQL request, if `authenticate` verified one (limits run after it). */
export function callerOf(request: FastifyRequest): Authenticated | undefined {
  return callers.get(request);
}

/**
 * Every HTTP request to the GraphQL route carries a verified token (401 with `WWW-Authenticate`
 * otherwise). A WebSocket handshake authenticates later, in `connection_init` (live-updates.ts).
 */
async function authenticate(app: FastifyInstance, options: AuthenticateOptions): Promise<void> {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== options.path || request.method === 'OPTIONS') return;
    if (isWebSocketHandshake(request)) return;
    try {
      callers.set(request, await options.authentication.httpRequest(request));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      request.log.info({ code: error.code, reason: error.reason }, 'payments: token refused');
      return reply
        .code(401)
        .header('www-authenticate', error.wwwAuthenticate)
        .send(refusalBody('UNAUTHENTICATED', error.message, { reason: error.code }));
    }
  });
}

export default fastifyPlugin(authenticate, { name: 'payments-authenticate' });
