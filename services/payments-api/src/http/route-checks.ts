import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';

/**
 * One check a request passes before the route answers it (authentication, limits): it goes on when
 * the check returns (or its promise resolves) without sending a reply, and stops at a reply sent.
 * Synchronous when it can be: a check with nothing to wait for costs no promise.
 */
export type RouteCheck = (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>;

/**
 * The checks as one `preHandler`, in order: one hook of the route instead of one per check (each
 * hook is a round through Fastify's hook runner, and each async one a promise and a microtask),
 * which a route answering thousands of requests per second pays on every one.
 */
export function routeChecks(checks: readonly RouteCheck[]): preHandlerHookHandler {
  return function checked(request, reply, done) {
    let index = 0;
    const fail = (error: unknown): void => done(error as Error);
    const next = (): void => {
      try {
        while (index < checks.length && !reply.sent) {
          const result = checks[index++]!(request, reply);
          if (result !== undefined) {
            result.then(next, fail);
            return;
          }
        }
      } catch (error) {
        fail(error);
        return;
      }
      // After a reply sent, Fastify runs neither the later hooks nor the handler.
      done();
    };
    next();
  };
}
