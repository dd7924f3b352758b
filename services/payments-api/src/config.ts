import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { VerifierConfig } from '@atrium/auth';
import { isUrl, ServiceEnvironment, type MetricsAccess } from '@atrium/service-runtime';
import { DEFAULT_LIMIT, MAX_LIMIT } from './graphql/model-resolvers.ts';
import type { StorageTarget } from './store/open-store.ts';

/** The payments API's configuration, as `paymentsService` mounts it (standalone and embedded alike). */
export interface PaymentsConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly verifier: VerifierConfig;
  /** The issuer's revocation list and how often it is polled. */
  readonly revocations: { readonly url: string; readonly intervalMs: number };
  readonly storage: StorageTarget;
  /** Folder of the service's own files: the signing key of nextTokens and idempotency ids. */
  readonly dataDir: string;
  /**
   * `PAYMENTS_SECRET`: the key that signs nextTokens and derives ids from idempotency keys, the same
   * for every instance; undefined = `<dataDir>/secret.key` (one instance, or one shared folder).
   */
  readonly secret: Buffer | undefined;
  readonly redisUrl: string | undefined;
  /** The accounts API's collection URL: `from_account` must be a tenant account (ADR 0005). */
  readonly accountsApiUrl: string | undefined;
  readonly production: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Live subscriptions per graphql-ws connection and per tenant on one instance. */
  readonly subscriptionLimits: { readonly perConnection: number; readonly perTenant: number };
  /** Items `listPayments` returns without a `limit` (AppSync's 100; at most 100). */
  readonly listDefaultLimit: number;
  readonly logLevel: string;
  /** Who may read `/metrics`: `METRICS_TOKEN`, else loopback only. */
  readonly metricsAccess: MetricsAccess;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  const read = new ServiceEnvironment(env);
  const problems = read.problems;
  const port = read.integer('PORT', 8082, 0, 65535);
  const publicUrl = read.url('ATRIUM_PUBLIC_URL', `http://localhost:${port}`);
  const verifier = read.verifier(`${publicUrl}/auth`);
  const revocations = read.revocationList(verifier.issuer);

  const dataRoot = resolve(env['ATRIUM_DATA_DIR'] ?? join(repoRoot, '.atrium'));
  const dataDir = resolve(env['PAYMENTS_DATA_DIR'] ?? join(dataRoot, 'payments'));
  const storage = storageTarget(env, read, dataDir);
  const secret = serviceSecret(env['PAYMENTS_SECRET'], problems);
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:'], 'a redis(s):// URL');
  const accountsApiUrl = read.optionalUrl('ACCOUNTS_API_URL');
  const corsOrigins = read.origins('CORS_ORIGINS');
  const production = read.productionMode();
  const perSecond = read.integer('PAYMENTS_RATE_LIMIT', 200, 0, 1_000_000);
  const burst = read.integer('PAYMENTS_RATE_BURST', 400, 1, 1_000_000);
  const perConnection = read.integer('PAYMENTS_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 10_000);
  const perTenant = read.integer('PAYMENTS_SUBSCRIPTIONS_PER_TENANT', 1000, 1, 1_000_000);
  const listDefaultLimit = read.integer('PAYMENTS_LIST_DEFAULT_LIMIT', DEFAULT_LIMIT, 1, MAX_LIMIT);

  const metricsAccess = read.metricsAccess();
  read.check('payments-api configuration');
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    verifier,
    revocations,
    storage,
    dataDir,
    secret,
    redisUrl,
    accountsApiUrl,
    production,
    corsOrigins,
    rateLimit: { perSecond, burst },
    subscriptionLimits: { perConnection, perTenant },
    listDefaultLimit,
    logLevel: env['LOG_LEVEL'] ?? 'info',
    metricsAccess,
  };
}

const POSTGRES = ['postgres:', 'postgresql:'];

/** PAYMENTS_SECRET: base64 (or base64url) of at least 32 random bytes, e.g. `openssl rand -base64 32`. */
function serviceSecret(raw: string | undefined, problems: string[]): Buffer | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || key.length < 32) {
    problems.push('PAYMENTS_SECRET: base64 of at least 32 bytes (openssl rand -base64 32)');
    return undefined;
  }
  return key;
}

/**
 * `PAYMENTS_STORE`: `postgres` (default; embedded PGlite under the data folder, or the server at
 * PAYMENTS_DATABASE_URL / DATABASE_URL) or `dynamodb` (DYNAMODB_ENDPOINT; the default when only that
 * is set, as before ADR 0106).
 */
function storageTarget(env: NodeJS.ProcessEnv, read: ServiceEnvironment, dataDir: string): StorageTarget {
  const problems = read.problems;
  const endpoint = env['DYNAMODB_ENDPOINT'] === '' ? undefined : env['DYNAMODB_ENDPOINT'];
  if (endpoint === 'embedded')
    problems.push(
      'DYNAMODB_ENDPOINT: the embedded DynamoDB engine (dynalite) was removed; unset it (payments are on PostgreSQL by default) or give aws or a URL',
    );
  const store = env['PAYMENTS_STORE'] || (endpoint === undefined ? 'postgres' : 'dynamodb');
  if (store === 'dynamodb') {
    if (endpoint === undefined)
      problems.push('DYNAMODB_ENDPOINT: required with PAYMENTS_STORE=dynamodb (aws or a URL)');
    // `aws` = Amazon DynamoDB at the SDK's default endpoint for the region.
    else if (endpoint !== 'aws' && endpoint !== 'embedded' && !isUrl(endpoint, ['http:', 'https:']))
      problems.push('DYNAMODB_ENDPOINT: aws or an http(s) URL');
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
      problems.push('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: both or neither');
    const tablePrefix = env['PAYMENTS_TABLE_PREFIX'] ?? 'atrium-';
    if (!/^[A-Za-z0-9_.-]{0,200}$/.test(tablePrefix))
      problems.push('PAYMENTS_TABLE_PREFIX: letters, digits, _ . -');
    const manageTables = read.boolean('DYNAMODB_MANAGE_TABLES', true);
    return {
      kind: 'dynamodb',
      endpoint: endpoint === 'aws' ? undefined : endpoint,
      region: env['AWS_REGION'] ?? 'eu-west-1',
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined
          ? { accessKeyId, secretAccessKey }
          : undefined,
      tablePrefix,
      manageTables,
    };
  }
  if (store !== 'postgres') problems.push('PAYMENTS_STORE: postgres or dynamodb');
  const url =
    read.optionalUrl('PAYMENTS_DATABASE_URL', POSTGRES, 'a postgres:// URL') ??
    read.optionalUrl('DATABASE_URL', POSTGRES, 'a postgres:// URL');
  const migrationUrl =
    read.optionalUrl('PAYMENTS_DATABASE_MIGRATION_URL', POSTGRES, 'a postgres:// URL') ??
    read.optionalUrl('DATABASE_MIGRATION_URL', POSTGRES, 'a postgres:// URL');
  if (migrationUrl !== undefined && url === undefined)
    problems.push('PAYMENTS_DATABASE_MIGRATION_URL: only with PAYMENTS_DATABASE_URL or DATABASE_URL');
  return {
    kind: 'postgres',
    url,
    migrationUrl,
    // PGlite keeps its files in `<PAYMENTS_DATA_DIR>/pgdata`.
    dataDir: url === undefined ? dataDir : undefined,
    poolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    connectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000),
    statementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 4_000, 100, 600_000),
  };
}
