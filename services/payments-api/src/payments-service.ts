import type { RevocationList, TokenVerifier } from '@atrium/auth';
import type { FastifyInstance } from 'fastify';
import paymentsPlugin from './app.ts';
import type { PaymentsConfig } from './config.ts';

/** Options of the payments service as a configured plugin: its validated config, and what a host shares. */
export interface PaymentsServiceOptions {
  /** The validated configuration (`loadConfig`): the one place that says what the service does. */
  readonly config: PaymentsConfig;
  /** A revocation list the host owns and shares between services; by default the service polls its own. */
  readonly revocations?: RevocationList | undefined;
  /** A token verifier the host shares; by default one is built from `config.verifier`. */
  readonly verifier?: TokenVerifier | undefined;
  /** Health routes relative to the prefix, as the payments plugin takes them; `false` for none. */
  readonly healthRoutes?: { readonly live: string; readonly ready: string } | false | undefined;
}

/**
 * The payments API as its config describes it, GraphQL at `/graphql`: the one config-to-options
 * mapping, mounted by the standalone server and the embedded one alike, so a setting
 * (PAYMENTS_SECRET, say) cannot reach one and not the other. Tests and the benchmark, which build
 * options no environment describes (a schema, a store hook), register the options plugin directly.
 */
export default async function paymentsService(
  app: FastifyInstance,
  options: PaymentsServiceOptions,
): Promise<void> {
  const { config } = options;
  await app.register(paymentsPlugin, {
    verifier: options.verifier ?? config.verifier,
    revocations: options.revocations ?? config.revocations,
    storage: config.storage,
    dataDir: config.dataDir,
    secretKey: config.secret,
    redisUrl: config.redisUrl,
    accountsApi: config.accountsApiUrl === undefined ? undefined : { url: config.accountsApiUrl },
    production: config.production,
    corsOrigins: config.corsOrigins,
    rateLimit: config.rateLimit,
    subscriptionLimits: config.subscriptionLimits,
    listDefaultLimit: config.listDefaultLimit,
    healthRoutes: options.healthRoutes,
  });
}
