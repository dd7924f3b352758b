import { isAbsolute, resolve } from 'node:path';
import type { ThrottlePolicy } from './login-throttle.ts';
import {
  parseTrustProxy,
  ServiceEnvironment,
  type MetricsAccess,
  type TrustedProxies,
} from '@atrium/service-runtime';

/** The identity service's configuration, validated once at start-up. */
export interface IdentityConfig {
  readonly port: number;
  readonly host: string;
  /** External origin, e.g. `http://localhost:8080`. */
  readonly publicUrl: string;
  /** OIDC issuer, `<publicUrl>/auth` unless set. */
  readonly issuer: string;
  /** Path under which the service is mounted (`/auth`), derived from the issuer. */
  readonly basePath: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly production: boolean;
  readonly seedDemo: boolean;
  /** Audience of access tokens: the Atrium APIs. */
  readonly audience: string;
  readonly shellClientId: string;
  readonly shellRedirectUris: readonly string[];
  readonly shellPostLogoutRedirectUris: readonly string[];
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly sessionTtlSeconds: number;
  /** Sign-in throttling (login-throttle.ts): free failures per key, then doubling delays. */
  readonly loginThrottle: ThrottlePolicy;
  /** Proxies in front trusted for the client's address (TRUST_PROXY; see parseTrustProxy). */
  readonly trustProxy: TrustedProxies;
  /** Who may read `/metrics`: `METRICS_TOKEN`, else loopback only. */
  readonly metricsAccess: MetricsAccess;
  /**
   * Signing keys (ADR 0008): every instance reloads them from the database every `reloadMs`; a
   * rotated key is only published for `publishWindowSeconds` before it signs.
   */
  readonly signingKeys: { readonly reloadMs: number; readonly publishWindowSeconds: number };
}

/** How long an API waits before refetching the JWKS for an unknown kid (@atrium/auth's default). */
const JWKS_COOLDOWN_MS = 30_000;

/** Every problem found in the environment, so an operator fixes them in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`identity: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Values a host that mounts identity fixes itself (the embedded server: its port, origin, data folder
 * and the `/auth` issuer). Each replaces its variable, which is then not read; what derives from it
 * (the base path, the shell's origin and redirect URIs) and the checks on it (an https issuer in
 * production mode, an issuer with a path) run on the fixed value as on the variable's.
 */
export interface IdentityOverrides {
  /** Replaces PORT. */
  readonly port?: number | undefined;
  /** Replaces ATRIUM_PUBLIC_URL. */
  readonly publicUrl?: string | undefined;
  /** Replaces IDENTITY_ISSUER. */
  readonly issuer?: string | undefined;
  /** Replaces ATRIUM_DATA_DIR. */
  readonly dataDir?: string | undefined;
}

/**
 * Reads and validates the environment, with what the host fixes in `overrides`; throws ConfigError
 * naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: IdentityOverrides = {}): IdentityConfig {
  const read = new ServiceEnvironment(env);
  const problems = read.problems;
  const integer = read.integer.bind(read);

  const trustedProxies = (raw: string | undefined): TrustedProxies => {
    const parsed = parseTrustProxy(raw);
    if ('value' in parsed) return parsed.value;
    problems.push(parsed.problem);
    return false;
  };
  const url = (name: string, fallback: string, fixed?: string): string => {
    const raw = fixed ?? env[name] ?? fallback;
    try {
      const parsed = new URL(raw);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('scheme');
      return raw.replace(/\/$/, '');
    } catch {
      problems.push(`${name}: expected an http(s) URL, got "${raw}"`);
      return fallback;
    }
  };
  const urlList = (name: string, fallback: string[]): string[] => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!URL.canParse(item)) problems.push(`${name}: "${item}" is not a URL`);
    }
    return items;
  };

  const port = overrides.port ?? integer('PORT', 8080, 0, 65535);
  const production = read.productionMode();
  const publicUrl = url('ATRIUM_PUBLIC_URL', `http://localhost:${port}`, overrides.publicUrl);
  const issuer = url('IDENTITY_ISSUER', `${publicUrl}/auth`, overrides.issuer);
  const shellOrigin = url('SHELL_ORIGIN', publicUrl);
  const databaseUrl = env['DATABASE_URL'] === '' ? undefined : env['DATABASE_URL'];
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// URL');
  }
  const demo = read.boolean('ATRIUM_DEMO', !production);
  if (production && demo) problems.push('ATRIUM_DEMO: demo users are never seeded in production mode');
  if (production && !issuer.startsWith('https://')) {
    problems.push('IDENTITY_ISSUER: production mode requires an https issuer (set ATRIUM_PUBLIC_URL)');
  }
  if (env['LOGIN_LOCKOUT_SECONDS'] !== undefined) {
    problems.push(
      'LOGIN_LOCKOUT_SECONDS: sign-in no longer locks accounts; delays grow up to LOGIN_MAX_DELAY_SECONDS instead',
    );
  }
  const keyReloadMs = integer('KEY_RELOAD_MS', 10_000, 200, 3_600_000);
  // Consumers refetch the JWKS on an unknown kid at most every 30 s (@atrium/auth's cooldown, which no
  // API's environment changes): a new key must be in every instance's JWKS for longer than one reload
  // plus that, or an API that fetched the JWKS just before the key appeared refuses its tokens. Only
  // in-process verifiers (tests) shorten the cooldown, so development mode checks the reload alone.
  const publishWindowSeconds = integer(
    'KEY_PUBLISH_WINDOW_SECONDS',
    Math.ceil(keyReloadMs / 1000) + 50,
    1,
    86_400,
  );
  const minimumWindowMs = keyReloadMs + (production ? JWKS_COOLDOWN_MS : 0);
  if (publishWindowSeconds * 1000 <= minimumWindowMs)
    problems.push(
      production
        ? `KEY_PUBLISH_WINDOW_SECONDS: ${publishWindowSeconds} s, must be longer than KEY_RELOAD_MS (${keyReloadMs} ms) plus the APIs' JWKS cooldown (${JWKS_COOLDOWN_MS / 1000} s) in production mode`
        : `KEY_PUBLISH_WINDOW_SECONDS: ${publishWindowSeconds} s, must be longer than KEY_RELOAD_MS (${keyReloadMs} ms); production mode also adds the APIs' JWKS cooldown (${JWKS_COOLDOWN_MS / 1000} s)`,
    );
  const metricsAccess = read.metricsAccess();
  const dataDirRaw = overrides.dataDir ?? env['ATRIUM_DATA_DIR'] ?? '.atrium';
  const config: IdentityConfig = {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    publicUrl,
    issuer,
    basePath: new URL(issuer).pathname.replace(/\/$/, ''),
    databaseUrl,
    dataDir: isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw),
    production,
    seedDemo: demo && databaseUrl === undefined,
    audience: env['OIDC_AUDIENCE'] ?? 'atrium-api',
    shellClientId: env['SHELL_CLIENT_ID'] ?? 'atrium-shell',
    // The login's return, and the landing page of the shell's silent sign-in (ADR 0405).
    shellRedirectUris: urlList('SHELL_REDIRECT_URIS', [
      `${shellOrigin}/callback`,
      `${shellOrigin}/silent-callback.html`,
    ]),
    shellPostLogoutRedirectUris: urlList('SHELL_POST_LOGOUT_REDIRECT_URIS', [`${shellOrigin}/`]),
    accessTokenTtlSeconds: integer('ACCESS_TOKEN_TTL', 900, 60, 86_400),
    refreshTokenTtlSeconds: integer('REFRESH_TOKEN_TTL', 30 * 86_400, 300, 365 * 86_400),
    sessionTtlSeconds: integer('SESSION_TTL', 30 * 86_400, 300, 365 * 86_400),
    loginThrottle: {
      firstDelaySeconds: integer('LOGIN_FIRST_DELAY_SECONDS', 1, 1, 3600),
      // One account from one address: the person who mistypes, or one attacker on one name.
      perAccountAndAddress: {
        freeFailures: integer('LOGIN_MAX_FAILURES', 5, 1, 1000),
        maxDelaySeconds: integer('LOGIN_MAX_DELAY_SECONDS', 900, 1, 86_400),
      },
      // Keys other people share (the name from every address, everyone behind one address) are
      // only slowed, at most to one attempt per 30 s, so an attacker cannot lock them out.
      perAccount: {
        freeFailures: integer('LOGIN_MAX_FAILURES_PER_ACCOUNT', 20, 1, 10_000),
        maxDelaySeconds: integer('LOGIN_SHARED_MAX_DELAY_SECONDS', 30, 1, 3600),
      },
      perAddress: {
        freeFailures: integer('LOGIN_MAX_FAILURES_PER_ADDRESS', 50, 1, 100_000),
        maxDelaySeconds: integer('LOGIN_SHARED_MAX_DELAY_SECONDS', 30, 1, 3600),
      },
    },
    trustProxy: trustedProxies(env['TRUST_PROXY']),
    metricsAccess,
    signingKeys: { reloadMs: keyReloadMs, publishWindowSeconds },
  };
  if (config.basePath === '')
    problems.push('IDENTITY_ISSUER: the issuer needs a path, e.g. https://host/auth');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
