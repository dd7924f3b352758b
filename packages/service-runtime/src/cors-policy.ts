import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS as an exact allow-list, one policy for every service that opens a route to browsers (ADR
 * 0202). Rules:
 * - only origins listed exactly (scheme, host, port) get `Access-Control-Allow-Origin`, echoed, never `*`;
 * - `null` (sandboxed frames, file: pages) and unknown origins get no CORS headers at all;
 * - every response varies by `Origin`, so a cache never hands one origin's answer to another;
 * - no credentials: the APIs authenticate with bearer tokens, never cookies, so
 *   `Access-Control-Allow-Credentials` is never sent (and a wildcard is never combined with it);
 * - CORS headers are set before authentication, so a 401 is readable by the micro-frontend.
 *
 * The headers are constant text, computed once: a request without a listed origin (a server's, a
 * CLI's) costs a header lookup and one `Vary`.
 */
export interface CorsPolicy {
  readonly origins: ReadonlySet<string>;
  readonly methods: string;
  readonly allowedHeaders: string;
  readonly exposedHeaders: string;
}

/** What a service allows a listed origin: its methods, the request headers, the answer's readable headers. */
export interface CorsAllowances {
  readonly methods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
}

const MAX_AGE_SECONDS = '600';

/** Normalises configured origins; throws on anything that is not a bare http(s) origin. */
export function corsPolicy(origins: readonly string[], allowances: CorsAllowances): CorsPolicy {
  const set = new Set<string>();
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`CORS origin ${JSON.stringify(origin)} is not a URL`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw new Error(
        `CORS origin ${JSON.stringify(origin)} must be a bare http(s) origin like https://app.example`,
      );
    }
    set.add(url.origin);
  }
  return {
    origins: set,
    methods: allowances.methods.join(', '),
    allowedHeaders: allowances.allowedHeaders.join(', '),
    exposedHeaders: allowances.exposedHeaders.join(', '),
  };
}

function allowedOrigin(policy: CorsPolicy, request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && policy.origins.has(origin) ? origin : undefined;
}

/** Sets the CORS headers of an actual (non-preflight) request. */
export function applyCors(policy: CorsPolicy, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('vary', 'Origin');
  const origin = allowedOrigin(policy, request);
  if (origin === undefined) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', policy.exposedHeaders);
}

/** True for a CORS preflight: OPTIONS with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: FastifyRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}

/**
 * Sets a preflight's allowances for a listed origin and answers true; for any other origin sets
 * none and answers false (the caller refuses it as its API refuses things). Either way the answer
 * varies by what the preflight asked.
 */
export function answerPreflight(policy: CorsPolicy, request: FastifyRequest, reply: FastifyReply): boolean {
  reply.header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  const origin = allowedOrigin(policy, request);
  if (origin === undefined) return false;
  reply
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-methods', policy.methods)
    .header('access-control-allow-headers', policy.allowedHeaders)
    .header('access-control-max-age', MAX_AGE_SECONDS);
  return true;
}
