import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { VerifierConfig } from '@atrium/auth';
import { isUrl, ServiceEnvironment } from '@atrium/service-runtime';
import type { DynamoTarget } from './dynamo-engine.ts';

/** The standalone service's configuration (the embedded server builds the plugin options itself). */
export interface PaymentsConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly verifier: VerifierConfig;
  /** The issuer's revocation list and how often it is polled. */
  readonly revocations: { readonly url: string; readonly intervalMs: number };
  readonly storage: DynamoTarget;
  readonly tablePrefix: string;
  /** Folder of the service's own files: the signing key of nextTokens and idempotency ids. */
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  /** The accounts API's collection URL: `from_account` must be a tenant account (ADR 0005). */
  readonly accountsApiUrl: string | undefined;
  readonly production: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Live subscriptions per graphql-ws connection and per tenant on one instance. */
  readonly subscriptionLimits: { readonly perConnection: number; readonly perTenant: number };
  readonly logLevel: string;
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
  const region = env['AWS_REGION'] ?? 'eu-west-1';
  const endpoint = env['DYNAMODB_ENDPOINT'];
  let storage: DynamoTarget;
  if (endpoint === undefined || endpoint === '' || endpoint === 'embedded') {
    storage = { kind: 'embedded', dataDir: join(dataDir, 'dynamodb'), region };
  } else {
    // `aws` = Amazon DynamoDB at the SDK's default endpoint for the region.
    if (endpoint !== 'aws' && !isUrl(endpoint, ['http:', 'https:']))
      problems.push('DYNAMODB_ENDPOINT: embedded, aws or an http(s) URL');
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
      problems.push('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: both or neither');
    storage = {
      kind: 'endpoint',
      endpoint: endpoint === 'aws' ? undefined : endpoint,
      region,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined
          ? { accessKeyId, secretAccessKey }
          : undefined,
    };
  }
  const tablePrefix = env['PAYMENTS_TABLE_PREFIX'] ?? 'atrium-';
  if (!/^[A-Za-z0-9_.-]{0,200}$/.test(tablePrefix))
    problems.push('PAYMENTS_TABLE_PREFIX: letters, digits, _ . -');
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:'], 'a redis(s):// URL');
  const accountsApiUrl = read.optionalUrl('ACCOUNTS_API_URL');
  const corsOrigins = read.origins('CORS_ORIGINS');
  const mode = env['ATRIUM_MODE'] ?? (env['NODE_ENV'] === 'production' ? 'production' : 'development');
  if (mode !== 'production' && mode !== 'development')
    problems.push('ATRIUM_MODE: production or development');
  const perSecond = read.integer('PAYMENTS_RATE_LIMIT', 200, 0, 1_000_000);
  const burst = read.integer('PAYMENTS_RATE_BURST', 400, 1, 1_000_000);
  const perConnection = read.integer('PAYMENTS_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 10_000);
  const perTenant = read.integer('PAYMENTS_SUBSCRIPTIONS_PER_TENANT', 1000, 1, 1_000_000);

  read.check('payments-api configuration');
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    verifier,
    revocations,
    storage,
    tablePrefix,
    dataDir,
    redisUrl,
    accountsApiUrl,
    production: mode === 'production',
    corsOrigins,
    rateLimit: { perSecond, burst },
    subscriptionLimits: { perConnection, perTenant },
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}
