import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS as an exact allow-list — the part of the articles' Part 4 that cost the most. Rules:
 * - only origins listed exactly (scheme, host, port) get `Access-Control-Allow-Origin`, echoed, never `*`;
 * - `null` (sandboxed frames, file: pages) and unknown origins get no CORS headers at all;
 * - every response varies by `Origin`, so a cache never hands one origin's answer to another;
 * - no credentials: the API authenticates with bearer tokens, never cookies, so
 *   `Access-Control-Allow-Credentials` is never sent (and a wildcard is never combined with it);
 * - CORS headers are set before authentication, so a 401 is readable by the micro-frontend.
 */
export interface CorsPolicy {
  readonly origins: ReadonlySet<string>;
}

export const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
export const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, If-None-Match';
const EXPOSED_HEADERS = 'ETag, Location, Retry-After, WWW-Authenticate';
const MAX_AGE_SECONDS = '600';

/** Normalises configured origins; throws on anything that is not a bare http(s) origin. */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
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
  return { origins: set };
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
  reply.header('access-control-expose-headers', EXPOSED_HEADERS);
}

/** True for a CORS preflight: OPTIONS with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: FastifyRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}

/** Answers a preflight: 204 with the allowances for a listed origin, 403 without any for others. */
export function answerPreflight(policy: CorsPolicy, request: FastifyRequest, reply: FastifyReply): boolean {
  reply.header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  const origin = allowedOrigin(policy, request);
  if (origin === undefined) return false;
  reply
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-methods', ALLOWED_METHODS)
    .header('access-control-allow-headers', ALLOWED_HEADERS)
    .header('access-control-max-age', MAX_AGE_SECONDS);
  return true;
}
