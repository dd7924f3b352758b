import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import {
  isUrl,
  parseTrustProxy,
  ServiceEnvironment,
  type MetricsAccess,
  type TrustedProxies,
} from '@atrium/service-runtime';
import type { HstsMode } from './security-headers.ts';
import type { MfeOrigins, MfeStoreTarget } from './mfe-store.ts';
import { POSTGRES_STORE_DEFAULTS } from './mfe-postgres-storage.ts';
import type { TokenSource } from './publish-client.ts';
import type { ShellRuntimeConfig } from '@atrium/contracts';

export type { ShellRuntimeConfig } from '@atrium/contracts';

/** The standalone host's configuration (the embedded server builds the plugin options itself). */
export interface HostConfig {
  readonly host: string;
  readonly port: number;
  /** The shell's external origin, e.g. `https://atrium.example`. */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** Where the versions, the registry and the audit log are kept (`HOST_STORE`). */
  readonly store: MfeStoreTarget;
  /** The shell build (`index.html`, `assets/…`); undefined for an origin that serves micro-frontends only. */
  readonly shellDir: string | undefined;
  readonly runtime: ShellRuntimeConfig;
  /** Micro-frontends served from another origin (split topology), by name. */
  readonly mfeOrigins: MfeOrigins;
  /** Names this origin serves under `/mfe/`; undefined = all; `unassigned` = those not in MFE_ORIGINS. */
  readonly servedMfes: readonly string[] | 'unassigned' | undefined;
  readonly extraConnectSrc: readonly string[];
  readonly frameAncestors: readonly string[];
  readonly hsts: HstsMode;
  /** Proxies in front trusted for the client's address (TRUST_PROXY; see parseTrustProxy). */
  readonly trustProxy: TrustedProxies;
  readonly logLevel: string;
  /** Who may read `/metrics`: `METRICS_TOKEN`, else loopback only. */
  readonly metricsAccess: MetricsAccess;
  /** Development mode (ServiceEnvironment's `productionMode`): developers may override an element locally. */
  readonly devOverrides: boolean;
  /** How the publish API checks tokens: the issuer's, for `OIDC_AUDIENCE` (default `atrium-api`). */
  readonly publishVerifier: { readonly issuer: string; readonly audience: string; readonly jwksUri?: string };
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where `npm run build -w @atrium/shell` writes the shell. */
export const DEFAULT_SHELL_DIR = resolve(repoRoot, 'apps/shell/dist');

/**
 * The folder relative paths on the command line are meant from: npm runs a workspace script in
 * the workspace's folder but records where it was started in INIT_CWD, so
 * `npm run publish:mfe -w @atrium/host -- payments apps/payments/dist/browser` from the repository
 * root names the root's `apps/…`.
 */
export function callerDirectory(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const init = env['INIT_CWD'];
  return init !== undefined && init !== '' ? resolve(init) : cwd;
}

/** Where the CLI sends its changes: a host's publish API, or (without ATRIUM_HOST_URL) the local data folder. */
export type PublishTarget =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'remote';
      readonly hostUrl: string;
      readonly tokens: TokenSource;
    };

/**
 * The CLI's target: `ATRIUM_HOST_URL` (the shell's origin) with either `ATRIUM_PUBLISH_TOKEN` or a
 * client-credentials client (`ATRIUM_CLIENT_ID`, `ATRIUM_CLIENT_SECRET`, at `OIDC_ISSUER`, default
 * `<host>/auth`).
 */
export function loadPublishTarget(env: NodeJS.ProcessEnv): PublishTarget {
  const read = new ServiceEnvironment(env);
  const hostUrl = read.optionalUrl('ATRIUM_HOST_URL');
  if (hostUrl === undefined) {
    read.check('publish target');
    return { kind: 'local' };
  }
  const token = env['ATRIUM_PUBLISH_TOKEN'];
  const clientId = env['ATRIUM_CLIENT_ID'];
  const clientSecret = env['ATRIUM_CLIENT_SECRET'];
  const issuer = read.url('OIDC_ISSUER', `${hostUrl.replace(/\/+$/, '')}/auth`);
  if (token === undefined && (clientId === undefined || clientSecret === undefined))
    read.problems.push(
      'ATRIUM_HOST_URL needs ATRIUM_PUBLISH_TOKEN, or ATRIUM_CLIENT_ID and ATRIUM_CLIENT_SECRET',
    );
  read.check('publish target');
  return {
    kind: 'remote',
    hostUrl,
    tokens:
      token !== undefined
        ? { kind: 'token', token }
        : { kind: 'client-credentials', issuer, clientId: clientId ?? '', clientSecret: clientSecret ?? '' },
  };
}

const POSTGRES = ['postgres:', 'postgresql:'];

/**
 * `HOST_STORE`: `files` (the data folder, one host; the default) or `postgres` (a server every
 * host shares, at HOST_DATABASE_URL or DATABASE_URL; the default when HOST_DATABASE_URL is set).
 */
export function storeTarget(
  env: NodeJS.ProcessEnv,
  read: ServiceEnvironment = new ServiceEnvironment(env),
): MfeStoreTarget {
  const problems = read.problems;
  const hostUrl = read.optionalUrl('HOST_DATABASE_URL', POSTGRES, 'a postgres:// URL');
  const kind = env['HOST_STORE'] || (hostUrl === undefined ? 'files' : 'postgres');
  if (kind !== 'files' && kind !== 'postgres') {
    problems.push('HOST_STORE: files or postgres');
    return { kind: 'files' };
  }
  if (kind === 'files') {
    if (hostUrl !== undefined) problems.push('HOST_DATABASE_URL: only with HOST_STORE=postgres');
    return { kind: 'files' };
  }
  const url = hostUrl ?? read.optionalUrl('DATABASE_URL', POSTGRES, 'a postgres:// URL');
  if (url === undefined)
    problems.push(
      'HOST_STORE=postgres: set HOST_DATABASE_URL (or DATABASE_URL) to the shared PostgreSQL server',
    );
  const migrationUrl =
    read.optionalUrl('HOST_DATABASE_MIGRATION_URL', POSTGRES, 'a postgres:// URL') ??
    read.optionalUrl('DATABASE_MIGRATION_URL', POSTGRES, 'a postgres:// URL');
  return {
    kind: 'postgres',
    url: url ?? '',
    migrationUrl,
    poolSize: read.integer('DATABASE_POOL_SIZE', 5, 1, 1000),
    connectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000),
    // Uploads write files of up to a few MiB in one statement each.
    statementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    pollMs: read.integer('HOST_REGISTRY_POLL_MS', POSTGRES_STORE_DEFAULTS.pollMs, 50, 60_000),
    cacheBytes:
      read.integer('HOST_FILE_CACHE_MB', POSTGRES_STORE_DEFAULTS.cacheBytes / 1024 / 1024, 0, 65_536) *
      1024 *
      1024,
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): HostConfig {
  const read = new ServiceEnvironment(env);
  const problems = read.problems;
  const port = read.integer('PORT', 8090, 0, 65535);
  const publicUrl = read.url('ATRIUM_PUBLIC_URL', `http://localhost:${port}`);
  const wsBase = publicUrl.replace(/^http/, 'ws');
  const issuer = read.url('OIDC_ISSUER', `${publicUrl}/auth`);
  const paymentsGraphql = read.url('PAYMENTS_GRAPHQL_URL', `${publicUrl}/graphql`);
  const accounts = read.url('ACCOUNTS_API_URL', `${publicUrl}/api/accounts`);
  const identityAdmin = read.url('IDENTITY_ADMIN_URL', `${issuer}/admin`);
  const paymentsGraphqlWs = read.url(
    'PAYMENTS_GRAPHQL_WS_URL',
    `${wsBase}/graphql`,
    ['ws:', 'wss:'],
    'a ws(s) URL',
  );
  const audience = env['OIDC_AUDIENCE'] ?? 'atrium-api';
  if (audience === '') problems.push('OIDC_AUDIENCE: required');
  const jwksUri = env['OIDC_JWKS_URI'] === '' ? undefined : env['OIDC_JWKS_URI'];
  if (jwksUri !== undefined && !isUrl(jwksUri, ['http:', 'https:']))
    problems.push('OIDC_JWKS_URI: an http(s) URL');
  const clientId = env['OIDC_CLIENT_ID'] ?? 'atrium-shell';
  if (clientId === '') problems.push('OIDC_CLIENT_ID: required');

  const mfeOrigins: Record<string, string> = {};
  for (const pair of list(env['MFE_ORIGINS'])) {
    const [name = '', origin = ''] = pair.split('=');
    if (!/^[a-z][a-z0-9-]*$/.test(name) || !isUrl(origin, ['http:', 'https:']))
      problems.push(`MFE_ORIGINS: "${pair}" is not name=http(s)://origin`);
    else mfeOrigins[name] = new URL(origin).origin;
  }
  const extraConnectSrc = list(env['CSP_CONNECT_SRC']);
  for (const url of extraConnectSrc)
    if (!isUrl(url, ['http:', 'https:', 'ws:', 'wss:']))
      problems.push(`CSP_CONNECT_SRC: "${url}" is not a URL`);
  const frameAncestors = list(env['CSP_FRAME_ANCESTORS']);
  for (const url of frameAncestors)
    if (!isUrl(url, ['http:', 'https:']))
      problems.push(`CSP_FRAME_ANCESTORS: "${url}" is not an http(s) origin`);
  const hsts = (env['HSTS'] ?? 'auto') as HstsMode;
  if (!['auto', 'always', 'off'].includes(hsts)) problems.push('HSTS: auto, always or off');
  const trustProxy = parseTrustProxy(env['TRUST_PROXY']);
  if ('problem' in trustProxy) problems.push(trustProxy.problem);
  const serveShell = read.boolean('HOST_SERVE_SHELL', true);
  const production = read.productionMode();
  // `none`: an origin that serves the shell only; `unassigned`: the micro-frontends without an
  // origin of their own in MFE_ORIGINS (one published after the topology was laid out).
  const served = list(env['HOST_SERVED_MFES']);
  const store = storeTarget(env, read);

  const metricsAccess = read.metricsAccess();
  read.check('host configuration');
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    publicUrl,
    dataDir: resolve(env['ATRIUM_DATA_DIR'] ?? resolve(repoRoot, '.atrium')),
    store,
    shellDir: serveShell ? resolve(env['ATRIUM_SHELL_DIR'] ?? DEFAULT_SHELL_DIR) : undefined,
    runtime: {
      productName: env['ATRIUM_PRODUCT_NAME'] ?? 'Atrium',
      oidc: { issuer, clientId, scope: 'openid profile email offline_access' },
      api: { paymentsGraphql, paymentsGraphqlWs, accounts, identityAdmin },
    },
    mfeOrigins,
    servedMfes:
      served.length === 0
        ? undefined
        : served.includes('none')
          ? []
          : served.includes('unassigned')
            ? 'unassigned'
            : served,
    extraConnectSrc,
    frameAncestors,
    hsts,
    trustProxy: 'value' in trustProxy ? trustProxy.value : false,
    logLevel: env['LOG_LEVEL'] ?? 'info',
    metricsAccess,
    devOverrides: !production,
    publishVerifier: { issuer, audience, ...(jwksUri === undefined ? {} : { jwksUri }) },
  };
}
