import type { PaymentsOptions } from './app.ts';
import type { PaymentsConfig } from './config.ts';

/**
 * The payments plugin's options for a validated config: the one config-to-options mapping, used by
 * the standalone server and the embedded one alike, so a setting (PAYMENTS_SECRET, say) cannot reach
 * one and not the other. What a host decides itself (a shared revocation list, its paths) it adds.
 */
export function paymentsOptionsOf(config: PaymentsConfig): PaymentsOptions {
  return {
    verifier: config.verifier,
    revocations: config.revocations,
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
  };
}
