import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { answerPreflight, applyCors, corsPolicy, isPreflight } from '@atrium/service-runtime';

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) whose pages may call the API. */
  readonly origins: readonly string[];
  /** The GraphQL route as the server sees it (with the mount prefix): the only one CORS opens. */
  readonly path: string;
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * CORS for the GraphQL route only, by the exact allow-list every service uses (ADR 0202): a listed
 * origin's preflight is answered (204, GET and POST, the headers Amplify sends, cached 10 minutes)
 * and its requests get `Access-Control-Allow-Origin` and the headers a page may read (the request
 * id, a 429's `Retry-After`); any other origin or path gets no CORS headers, so the browser refuses
 * the page's call. Scoped to the path because the service may be mounted beside others (the
 * embedded server), whose preflights are theirs to answer.
 *
 * One synchronous hook with constant headers for the requests, one OPTIONS route for the
 * preflights (they replaced @fastify/cors, whose per-request option objects every request of the
 * route paid for the browsers' few).
 */
async function cors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const policy = corsPolicy(options.origins, {
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-amz-user-agent'],
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!isPreflight(request) && pathOf(request) === options.path) applyCors(policy, request, reply);
    done();
  });
  // The GraphQL route has no OPTIONS handler: every OPTIONS request of the plugin's prefix comes
  // here, inside this context's hooks and error answers (an unrouted one would meet the server's
  // 404 without them). A listed origin's preflight of the GraphQL path is answered; any other
  // OPTIONS is not found, without CORS headers.
  app.options('*', { schema: { hide: true } }, (request, reply) => {
    if (pathOf(request) === options.path && isPreflight(request) && answerPreflight(policy, request, reply))
      return reply.code(204).header('content-length', '0').send();
    return reply.callNotFound();
  });
}

export default fastifyPlugin(cors, { name: 'payments-cors' });
