import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { VerifierConfig } from '@atrium/auth';
import type { DynamoTarget } from './dynamo-engine.ts';

/** The standalone service's configuration (the embedded server builds the plugin options itself). */
export interface PaymentsConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly verifier: VerifierConfig;
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
  readonly logLevel: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = Number(env[name] ?? String(fallback));
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name}: an integer ${min}-${max}`);
    return value;
  };
  const port = integer('PORT', 8082, 0, 65535);
  const publicUrl = (env['ATRIUM_PUBLIC_URL'] ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isUrl(publicUrl, ['http:', 'https:'])) problems.push('ATRIUM_PUBLIC_URL: an http(s) URL');
  const issuer = (env['OIDC_ISSUER'] ?? `${publicUrl}/auth`).replace(/\/+$/, '');
  if (!isUrl(issuer, ['http:', 'https:'])) problems.push('OIDC_ISSUER: an http(s) URL');
  const jwksUri = env['OIDC_JWKS_URI'];
  if (jwksUri !== undefined && !isUrl(jwksUri, ['http:', 'https:']))
    problems.push('OIDC_JWKS_URI: an http(s) URL');
  const audience = env['OIDC_AUDIENCE'] ?? 'atrium-api';
  if (audience === '') problems.push('OIDC_AUDIENCE: required');
  const tokenUse = env['OIDC_TOKEN_USE'] ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id') problems.push('OIDC_TOKEN_USE: access or id');

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
  const redisUrl = env['REDIS_URL'] === '' ? undefined : env['REDIS_URL'];
  if (redisUrl !== undefined && !isUrl(redisUrl, ['redis:', 'rediss:']))
    problems.push('REDIS_URL: a redis(s):// URL');
  const accountsApiUrl = env['ACCOUNTS_API_URL'] === '' ? undefined : env['ACCOUNTS_API_URL'];
  if (accountsApiUrl !== undefined && !isUrl(accountsApiUrl, ['http:', 'https:']))
    problems.push('ACCOUNTS_API_URL: an http(s) URL');
  const corsOrigins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins)
    if (!isUrl(origin, ['http:', 'https:'])) problems.push(`CORS_ORIGINS: "${origin}" is not an origin`);
  const mode = env['ATRIUM_MODE'] ?? (env['NODE_ENV'] === 'production' ? 'production' : 'development');
  if (mode !== 'production' && mode !== 'development')
    problems.push('ATRIUM_MODE: production or development');
  const perSecond = integer('PAYMENTS_RATE_LIMIT', 200, 0, 1_000_000);
  const burst = integer('PAYMENTS_RATE_BURST', 400, 1, 1_000_000);

  if (problems.length > 0) throw new Error(`Invalid payments-api configuration:\n  ${problems.join('\n  ')}`);
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    verifier: {
      issuer,
      audience,
      tokenUse: tokenUse as 'access' | 'id',
      ...(jwksUri === undefined ? {} : { jwksUri }),
    },
    storage,
    tablePrefix,
    dataDir,
    redisUrl,
    accountsApiUrl,
    production: mode === 'production',
    corsOrigins: corsOrigins.map((o) => new URL(o).origin),
    rateLimit: { perSecond, burst },
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}
