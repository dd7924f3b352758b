import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { VerifierConfig } from '@atrium/auth';
import { ServiceEnvironment, type MetricsAccess } from '@atrium/service-runtime';
import type { AccountsDatabaseConfig } from './accounts-database.ts';

/** The accounts API's configuration, as `accountsService` mounts it (standalone and embedded alike). */
export interface AccountsConfig {
  readonly host: string;
  readonly port: number;
  /** External origin of this API, named in the OpenAPI document. */
  readonly publicUrl: string;
  /** Path prefix of every route, e.g. `/api/accounts`. */
  readonly prefix: string;
  readonly verifier: VerifierConfig;
  /** The issuer's revocation list and how often it is polled. */
  readonly revocations: { readonly url: string; readonly intervalMs: number };
  readonly database: AccountsDatabaseConfig;
  readonly corsOrigins: readonly string[];
  readonly logLevel: string;
  /** Who may read `/metrics`: `METRICS_TOKEN`, else loopback only. */
  readonly metricsAccess: MetricsAccess;
  /**
   * Seed the demo tenants' accounts on first start: by the same rule as identity's demo users
   * (`ATRIUM_DEMO`, default on outside production mode), and only into the embedded database.
   */
  readonly seedDemo: boolean;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): AccountsConfig {
  const read = new ServiceEnvironment(env);
  const problems = read.problems;
  const port = read.integer('PORT', 8081, 0, 65535);
  const publicUrl = read.url('ATRIUM_PUBLIC_URL', `http://localhost:${port}`);
  const prefix = (env['ACCOUNTS_PREFIX'] ?? '/api/accounts').replace(/\/+$/, '');
  if (!/^(\/[a-z0-9._-]+)+$/i.test(prefix)) problems.push('ACCOUNTS_PREFIX: a path like /api/accounts');
  const verifier = read.verifier('http://localhost:8080/auth');
  const revocations = read.revocationList(verifier.issuer);

  const postgres = ['postgres:', 'postgresql:'];
  const url = read.optionalUrl('DATABASE_URL', postgres, 'a postgres:// URL');
  const migrationUrl = read.optionalUrl('DATABASE_MIGRATION_URL', postgres, 'a postgres:// URL');
  if (migrationUrl !== undefined && url === undefined)
    problems.push('DATABASE_MIGRATION_URL: only with DATABASE_URL');
  const poolSize = read.integer('DATABASE_POOL_SIZE', 10, 1, 1000);
  const connectTimeoutMs = read.integer('DATABASE_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000);
  const statementTimeoutMs = read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 4_000, 100, 600_000);

  const corsOrigins = read.origins('CORS_ORIGINS');
  const production = read.productionMode();
  const demo = read.boolean('ATRIUM_DEMO', !production);
  if (production && demo) problems.push('ATRIUM_DEMO: demo accounts are never seeded in production mode');

  const metricsAccess = read.metricsAccess();
  read.check('accounts API configuration');
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    prefix,
    verifier,
    revocations,
    database: {
      url,
      migrationUrl,
      dataDir: resolve(env['ATRIUM_DATA_DIR'] ?? resolve(repoRoot, '.atrium')),
      poolSize,
      connectTimeoutMs,
      statementTimeoutMs,
    },
    corsOrigins,
    logLevel: env['LOG_LEVEL'] ?? 'info',
    metricsAccess,
    seedDemo: demo && url === undefined,
  };
}
