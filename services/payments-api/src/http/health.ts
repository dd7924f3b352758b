import type { FastifyInstance } from 'fastify';
import { readinessHandler, type DependencyCheck } from '@atrium/service-runtime';

export interface HealthOptions {
  readonly routes: { readonly live: string; readonly ready: string };
  /** The store's engine: required, the API cannot serve without it. */
  readonly database: { ping(): Promise<void> };
  /** Redis (rate limit and fan-out) when configured: optional. */
  readonly redis?: { probe(): Promise<unknown> } | undefined;
}

/** Liveness, and readiness with the state of each dependency. */
export function healthRoutes(app: FastifyInstance, options: HealthOptions): void {
  app.get(options.routes.live, async () => ({ status: 'ok' }));
  const checks: DependencyCheck[] = [
    { name: 'database', required: true, probe: () => options.database.ping() },
  ];
  // Without Redis the API still serves (per-instance rate limit, live updates to this instance's
  // subscribers only): degraded, not unavailable, so a load balancer keeps it.
  const redis = options.redis;
  if (redis !== undefined)
    checks.push({ name: 'redis', required: false, probe: async () => void (await redis.probe()) });
  app.get(options.routes.ready, readinessHandler(checks));
}
