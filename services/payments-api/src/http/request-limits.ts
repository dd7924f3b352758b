import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serviceMetrics } from '@atrium/service-runtime';
import { refusalBody } from '../errors.ts';
import { exceedsTokens, type GraphqlLimits } from '../graphql/document-limits.ts';
import { callerOf } from './authenticate.ts';
import type { RouteCheck } from './route-checks.ts';
import type { RateDecision, TenantRateLimiter } from './tenant-rate-limit.ts';

export interface RequestLimitsOptions {
  readonly rateLimit: TenantRateLimiter;
  readonly limits: Pick<GraphqlLimits, 'maxBatch' | 'maxTokens'>;
}

/**
 * A query is GraphQL text. mercurius takes a query that is JSON text (or a number, which Fastify's
 * body schema turns into text) for a parsed document and hands it to GraphQL's validation, which
 * fails on it as on a bug: such a query is the request's fault, refused here.
 */
function isGraphqlText(query: unknown): boolean {
  if (typeof query !== 'string') return false;
  // A GraphQL document starts with `{ name`, `{ ...`, a keyword or a comment; JSON cannot.
  if (!/^[\s,\uFEFF]*([[\d"-]|\{[\s,]*["}]|true|false|null)/.test(query)) return true;
  try {
    JSON.parse(query);
    return false;
  } catch {
    return true;
  }
}

/**
 * What one HTTP request may ask before GraphQL parses it: the tenant's rate (429 with
 * `Retry-After`), operations per batch, and the tokens of each query (the lexer's work is bounded
 * before the parser's). After `authenticateCheck`: the rate is the caller's tenant's.
 */
export function requestLimitsCheck(app: FastifyInstance, options: RequestLimitsOptions): RouteCheck {
  const { limits } = options;
  const within = (request: FastifyRequest, reply: FastifyReply, rate: RateDecision): void => {
    if (!rate.allowed) {
      serviceMetrics(app)?.recordRefusal('payments_tenant');
      reply.code(429).header('retry-after', String(rate.retryAfterSeconds)).send(refusalBody('RATE_LIMITED'));
      return;
    }
    const body = request.body;
    if (Array.isArray(body) && body.length > limits.maxBatch) {
      reply
        .code(400)
        .send(refusalBody('BATCH_TOO_LARGE', `At most ${limits.maxBatch} operations per batch.`));
      return;
    }
    const queries: unknown[] = Array.isArray(body)
      ? body.map((b) => (b as { query?: unknown } | null)?.query)
      : [(body as { query?: unknown } | undefined)?.query ?? (request.query as { query?: unknown }).query];
    if (queries.some((q) => q !== undefined && q !== null && !isGraphqlText(q)))
      reply.code(400).send(refusalBody('BAD_REQUEST', 'The query must be GraphQL text.'));
    else if (queries.some((q) => typeof q === 'string' && exceedsTokens(q, limits.maxTokens)))
      reply
        .code(400)
        .send(refusalBody('QUERY_TOO_COMPLEX', `The query has more than ${limits.maxTokens} tokens.`));
  };
  return (request, reply) => {
    const caller = callerOf(request);
    if (caller === undefined) return undefined;
    // The local bucket answers at once; only a Redis-backed rate is waited for.
    const rate = options.rateLimit.take(caller.caller.tenantId);
    if ('then' in rate) return rate.then((decided) => within(request, reply, decided));
    within(request, reply, rate);
    return undefined;
  };
}
