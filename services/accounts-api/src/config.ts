import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { VerifierConfig } from '@atrium/auth';
import type { AccountsDatabaseConfig } from './accounts-database.ts';

/** The standalone accounts API's configuration (the embedded server builds the plugin options itself). */
export interface AccountsConfig {
  readonly host: string;
  readonly port: number;
  /** External origin of this API, named in the OpenAPI document. */
  readonly publicUrl: string;
  /** Path prefix of every route, e.g. `/api/accounts`. */
  readonly prefix: string;
  readonly verifier: VerifierConfig;
  readonly database: AccountsDatabaseConfig;
  readonly corsOrigins: readonly string[];
  readonly logLevel: string;
  /**
   * Seed the demo tenants' accounts on first start: by the same rule as identity's demo users
   * (`ATRIUM_DEMO`, default on outside production mode), and only into the embedded database.
   */
  readonly seedDemo: boolean;
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
export function loadConfig(env: NodeJS.ProcessEnv): AccountsConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name}: an integer ${min}-${max}`);
    return value;
  };
  const port = integer('PORT', 8081, 0, 65535);
  const publicUrl = (env['ATRIUM_PUBLIC_URL'] ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isUrl(publicUrl, ['http:', 'https:'])) problems.push('ATRIUM_PUBLIC_URL: an http(s) URL');
  const prefix = (env['ACCOUNTS_PREFIX'] ?? '/api/accounts').replace(/\/+$/, '');
  if (!/^(\/[a-z0-9._-]+)+$/i.test(prefix)) problems.push('ACCOUNTS_PREFIX: a path like /api/accounts');

  const issuer = (env['OIDC_ISSUER'] ?? 'http://localhost:8080/auth').replace(/\/+$/, '');
  if (!isUrl(issuer, ['http:', 'https:'])) problems.push('OIDC_ISSUER: an http(s) URL');
  const audience = env['OIDC_AUDIENCE'] ?? 'atrium-api';
  if (audience === '') problems.push('OIDC_AUDIENCE: required');
  const jwksUri = env['OIDC_JWKS_URI'];
  if (jwksUri !== undefined && !isUrl(jwksUri, ['http:', 'https:']))
    problems.push('OIDC_JWKS_URI: an http(s) URL');
  const tokenUse = env['OIDC_TOKEN_USE'] ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id') problems.push('OIDC_TOKEN_USE: access or id');

  const url = env['DATABASE_URL'] === '' ? undefined : env['DATABASE_URL'];
  if (url !== undefined && !isUrl(url, ['postgres:', 'postgresql:']))
    problems.push('DATABASE_URL: a postgres:// URL');
  const migrationUrl = env['DATABASE_MIGRATION_URL'] === '' ? undefined : env['DATABASE_MIGRATION_URL'];
  if (migrationUrl !== undefined) {
    if (!isUrl(migrationUrl, ['postgres:', 'postgresql:']))
      problems.push('DATABASE_MIGRATION_URL: a postgres:// URL');
    if (url === undefined) problems.push('DATABASE_MIGRATION_URL: only with DATABASE_URL');
  }
  const poolSize = integer('DATABASE_POOL_SIZE', 10, 1, 1000);
  const connectTimeoutMs = integer('DATABASE_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000);
  const statementTimeoutMs = integer('DATABASE_STATEMENT_TIMEOUT_MS', 4_000, 100, 600_000);

  const corsOrigins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of corsOrigins) {
    // A wildcard or `null` would let any page (or any sandboxed frame) read tenant data.
    if (origin === '*' || origin === 'null')
      problems.push(`CORS_ORIGINS: "${origin}" is never allowed; list exact origins`);
    else if (!isUrl(origin, ['http:', 'https:']) || new URL(origin).origin !== origin.replace(/\/$/, '')) {
      problems.push(`CORS_ORIGINS: "${origin}" is not a bare http(s) origin`);
    }
  }

  const production = env['NODE_ENV'] === 'production' || env['ATRIUM_MODE'] === 'production';
  const demo = env['ATRIUM_DEMO'] ?? String(!production);
  if (demo !== 'true' && demo !== 'false') problems.push('ATRIUM_DEMO: true or false');
  else if (production && demo === 'true')
    problems.push('ATRIUM_DEMO: demo accounts are never seeded in production mode');

  if (problems.length > 0) throw new Error(`Invalid accounts API configuration:\n  ${problems.join('\n  ')}`);
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    prefix,
    verifier: {
      issuer,
      audience,
      tokenUse: tokenUse as 'access' | 'id',
      ...(jwksUri === undefined ? {} : { jwksUri }),
    },
    database: {
      url,
      migrationUrl,
      dataDir: resolve(env['ATRIUM_DATA_DIR'] ?? resolve(repoRoot, '.atrium')),
      poolSize,
      connectTimeoutMs,
      statementTimeoutMs,
    },
    corsOrigins: corsOrigins.map((origin) => new URL(origin).origin),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    seedDemo: demo === 'true' && url === undefined,
  };
}
