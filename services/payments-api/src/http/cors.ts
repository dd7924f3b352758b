import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyPlugin from 'fastify-plugin';

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) whose pages may call the API. */
  readonly origins: readonly string[];
  /** The GraphQL route as the server sees it (with the mount prefix): the only one CORS opens. */
  readonly path: string;
}

/**
 * CORS for the GraphQL route only, through @fastify/cors: a listed origin gets its preflight (GET,
 * POST; the headers Amplify sends; cached 10 minutes) and `Access-Control-Allow-Origin`; any other
 * origin or path gets nothing, so the browser refuses. Scoped to the path because the service may
 * be mounted beside others (the embedded server), whose preflights are theirs to answer.
 */
async function cors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const allowed = new Set(options.origins);
  // An origin not listed, or another path, gets no CORS at all (not even a preflight answer), so
  // the request goes on as any other: the browser refuses the page's call.
  const originFor = (request: FastifyRequest): string | false => {
    const origin = request.headers.origin;
    return origin !== undefined && allowed.has(origin) && request.url.split('?', 1)[0] === options.path
      ? origin
      : false;
  };
  await app.register(fastifyCors, {
    delegator: (request: FastifyRequest, callback) =>
      callback(null, {
        origin: originFor(request),
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-amz-user-agent'],
        exposedHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
        // A listed origin's preflight is answered as before, with or without its request headers.
        strictPreflight: false,
      }),
  });
}

export default fastifyPlugin(cors, { name: 'payments-cors' });
