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
 * One synchronous hook with constant headers, run by every request (it replaced @fastify/cors,
 * whose per-request option objects every request of the route paid for the browsers' few).
 */
async function cors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const policy = corsPolicy(options.origins, {
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-amz-user-agent'],
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (pathOf(request) !== options.path) return done();
    // The route has no OPTIONS handler: a listed origin's preflight is answered here, any other
    // preflight goes on to the 404 of a route that does not exist, without CORS headers.
    if (isPreflight(request)) {
      if (answerPreflight(policy, request, reply)) reply.code(204).header('content-length', '0').send();
    } else applyCors(policy, request, reply);
    return done();
  });
  // Every OPTIONS request of the plugin's prefix is routed here, so the hook above sees it (an
  // unrouted request meets the server's 404 without this context's hooks) and a refusal of its
  // body is this plugin's error answer; any OPTIONS the hook did not answer is not found.
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound();
  });
}

export default fastifyPlugin(cors, { name: 'payments-cors' });
