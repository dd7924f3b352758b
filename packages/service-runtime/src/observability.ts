import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceMetrics } from './metrics.ts';
import { REQUEST_ID_HEADER, requestIdOf, runForRequest } from './request-id.ts';

/** Where the metrics are answered, on every service's own listener. */
export const METRICS_PATH = '/metrics';

/** The shortest `METRICS_TOKEN` accepted: a guessable token would open the metrics to anyone. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/** Who may read the metrics: a bearer token when configured, otherwise only unproxied loopback. */
export interface MetricsAccess {
  /** `METRICS_TOKEN`: when set, `/metrics` needs it as a bearer token, from any address. */
  readonly token?: string | undefined;
}

export interface ObservabilityOptions extends MetricsAccess {
  /** The `service` label of every metric: `identity`, `payments`, `accounts`, `host` or `embedded`. */
  readonly service: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's metrics (only where the observability plugin is registered). */
    serviceMetrics?: ServiceMetrics;
  }
}

/** The metrics of the process `app` runs in, or undefined where no observability plugin is registered. */
export function serviceMetrics(app: FastifyInstance): ServiceMetrics | undefined {
  return app.hasDecorator('serviceMetrics') ? app.serviceMetrics : undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
// Set by nginx or any proxy in front: a request that passed one came from its clients, not from
// this machine, even though its socket is loopback.
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

const digest = (value: string) => createHash('sha256').update(value).digest();

function problem(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: detail, status, code, detail });
}

function metricsHandler(metrics: ServiceMetrics, access: MetricsAccess) {
  const expected = access.token === undefined ? undefined : digest(access.token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected !== undefined) {
      const header = request.headers.authorization ?? '';
      const offered = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
      // Compared as digests: equal lengths for timingSafeEqual, and no timing hint of the token's.
      if (offered === undefined || !timingSafeEqual(digest(offered), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return problem(
          reply,
          401,
          'metrics_token_required',
          'The metrics need the METRICS_TOKEN as a bearer token.',
        );
      }
    } else if (
      !LOOPBACK.has(request.socket.remoteAddress ?? '') ||
      PROXY_HEADERS.some((name) => request.headers[name] !== undefined)
    ) {
      return problem(
        reply,
        403,
        'metrics_forbidden',
        'The metrics are answered on loopback only, not through a proxy; set METRICS_TOKEN to read them from elsewhere.',
      );
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/**
 * What an operator watches, for every service and once for the embedded process: request ids (the
 * caller's `X-Request-Id` when acceptable, else a UUID; echoed in the response and in every log line
 * through Fastify's `reqId`) and `/metrics` in the Prometheus text format (requests by route
 * template, latency, default process metrics, and what the services report through
 * `serviceMetrics(app)`). Registered before the services, on the root instance.
 */
const observabilityPlugin: FastifyPluginAsync<ObservabilityOptions> = async (app, options) => {
  // With requestIdHeader set, Fastify would take any X-Request-Id as it came, unvalidated.
  if (app.initialConfig.requestIdHeader)
    throw new Error('observability: leave Fastify requestIdHeader unset; the plugin validates X-Request-Id');
  app.setGenReqId(requestIdOf);
  const metrics = new ServiceMetrics(options.service);
  app.decorate('serviceMetrics', metrics);
  app.addHook('onRequest', (request, reply, done) => {
    // Set first, so error answers (404, 401, 500) carry it too.
    reply.header(REQUEST_ID_HEADER, request.id);
    // The rest of the request runs inside, so a sibling call it causes can name it.
    runForRequest(request.id, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.recordRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.get(METRICS_PATH, metricsHandler(metrics, options));
};

// What fastify-plugin does: hooks, the id generator and the decorator belong to the root instance,
// so they apply to every service registered beside it.
Object.assign(observabilityPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'atrium-observability',
});

export const observability = observabilityPlugin;
