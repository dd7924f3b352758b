import { MIN_METRICS_TOKEN_LENGTH } from './observability.ts';
import { outgoingRequestIdHeaders } from './request-id.ts';

const HTTP = ['http:', 'https:'] as const;

/** A kind of token an API accepts (@atrium/auth's `TokenUse`; this package depends on nothing internal). */
type TokenUse = 'access' | 'id';

/** True when `value` parses as a URL with one of `protocols` (e.g. `['http:', 'https:']`). */
export function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * A service's environment, read variable by variable. Every problem is collected, so `config.ts`
 * fails once, naming all of them (`check`). The environment is passed in: `process.env` is read
 * only by whoever calls the service's `loadConfig`.
 */
export class ServiceEnvironment {
  readonly problems: string[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv) {
    this.env = env;
  }

  /** The variable's value; unset or empty is undefined. */
  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /**
   * An integer within [min, max]; unset or empty is `fallback`. Empty is unset in every service, as
   * a `.env` file's `NAME=` line means: read as 0 it silently turned a rate limit off, and `PORT=`
   * picked a random port.
   */
  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name}: an integer ${min}-${max}, got "${raw}"`);
      // The fallback keeps whatever is derived from the value (URLs, messages) well-formed until `check`.
      return fallback;
    }
    return value;
  }

  /**
   * `true` or `false`; unset or empty is `fallback`. Nothing else (`1`, `yes`, `on`) is taken, in
   * any service: one spelling means the same everywhere, and a `1` meant as a count (Express' trust
   * proxy hops) is refused rather than read as yes.
   */
  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    this.problems.push(`${name}: true or false, got "${raw}"`);
    return fallback;
  }

  /**
   * Production mode, decided the same way in every service: `ATRIUM_MODE` when set (`development`
   * or `production`, nothing else), else `NODE_ENV=production`. `ATRIUM_MODE` wins so that a
   * development deployment built with `NODE_ENV=production` (the usual way to get optimised
   * dependencies) is one mode in every service, not production in some and development in others.
   */
  productionMode(): boolean {
    const mode = this.optional('ATRIUM_MODE');
    if (mode === undefined) return this.env['NODE_ENV'] === 'production';
    if (mode !== 'development' && mode !== 'production')
      this.problems.push(`ATRIUM_MODE: development or production, got "${mode}"`);
    return mode === 'production';
  }

  /** A URL (http(s) unless other protocols are named), without trailing slashes. */
  url(name: string, fallback: string, protocols: readonly string[] = HTTP, kind = 'an http(s) URL'): string {
    const value = (this.env[name] ?? fallback).replace(/\/+$/, '');
    if (!isUrl(value, protocols)) this.problems.push(`${name}: ${kind}`);
    return value;
  }

  /** Like `url`, for a variable that may be unset (or empty). */
  optionalUrl(
    name: string,
    protocols: readonly string[] = HTTP,
    kind = 'an http(s) URL',
  ): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && !isUrl(value, protocols)) this.problems.push(`${name}: ${kind}`);
    return value;
  }

  /**
   * Exact browser origins, comma-separated. A wildcard or `null` would let any page (or any
   * sandboxed frame) read tenant data: both are refused, as is anything with a path.
   */
  origins(name: string): string[] {
    const origins = (this.env[name] ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    for (const origin of origins) {
      if (origin === '*' || origin === 'null')
        this.problems.push(`${name}: "${origin}" is never allowed; list exact origins`);
      else if (!isUrl(origin, HTTP) || new URL(origin).origin !== origin.replace(/\/$/, ''))
        this.problems.push(`${name}: "${origin}" is not a bare http(s) origin`);
    }
    return origins.filter((origin) => isUrl(origin, HTTP)).map((origin) => new URL(origin).origin);
  }

  /**
   * How an API verifies tokens (the shape of @atrium/auth's `VerifierConfig`): `OIDC_ISSUER`,
   * `OIDC_AUDIENCE` (default `atrium-api`), `OIDC_JWKS_URI` (default: the issuer's discovery),
   * `OIDC_TOKEN_USE` (`access`; `id` to accept ID tokens as the articles' client sent them; or
   * `access,id` for both) and `OIDC_CLIENT_ID` (comma-separated: the client ids an ID token must be
   * issued to; required with both kinds, with `id` alone `OIDC_AUDIENCE` serves as before).
   */
  verifier(defaultIssuer: string): {
    readonly issuer: string;
    readonly audience: string;
    readonly tokenUse: TokenUse | readonly TokenUse[];
    readonly idTokenAudience?: readonly string[];
    readonly jwksUri?: string;
    readonly jwksRequestHeaders: () => Readonly<Record<string, string>>;
  } {
    const issuer = this.url('OIDC_ISSUER', defaultIssuer);
    const audience = this.env['OIDC_AUDIENCE'] ?? 'atrium-api';
    if (audience === '') this.problems.push('OIDC_AUDIENCE: required');
    const jwksUri = this.optionalUrl('OIDC_JWKS_URI');
    const uses = [...new Set(this.list('OIDC_TOKEN_USE', 'access'))];
    const tokenUse = uses.filter((use): use is TokenUse => use === 'access' || use === 'id');
    if (tokenUse.length === 0 || tokenUse.length !== uses.length)
      this.problems.push('OIDC_TOKEN_USE: access or id, or both (access,id)');
    const clientIds = this.list('OIDC_CLIENT_ID', '');
    // One audience for both kinds would let an ID token issued for the API pass, or the reverse.
    if (tokenUse.length === 2 && clientIds.length === 0)
      this.problems.push("OIDC_CLIENT_ID: required with OIDC_TOKEN_USE=access,id (the ID tokens' audience)");
    return {
      issuer,
      audience,
      tokenUse:
        tokenUse.length === 1 ? (tokenUse[0] as TokenUse) : tokenUse.length === 0 ? 'access' : tokenUse,
      ...(clientIds.length === 0 ? {} : { idTokenAudience: clientIds }),
      ...(jwksUri === undefined ? {} : { jwksUri }),
      // A JWKS fetch caused by a request's unknown kid names that request in the issuer's log.
      jwksRequestHeaders: outgoingRequestIdHeaders,
    };
  }

  /** A comma-separated list, trimmed, without empty items. */
  private list(name: string, fallback: string): string[] {
    return (this.env[name] ?? fallback)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /**
   * Where an API polls the issuer's token revocations (@atrium/auth's `RevocationList`):
   * `REVOCATION_URL` (default `<issuer>/revocations`) every `REVOCATION_POLL_MS` (default 5000): the
   * bound on how long a disabled user's or a reset password's tokens keep working.
   */
  revocationList(issuer: string): { readonly url: string; readonly intervalMs: number } {
    return {
      url: this.url('REVOCATION_URL', `${issuer.replace(/\/+$/, '')}/revocations`),
      intervalMs: this.integer('REVOCATION_POLL_MS', 5_000, 100, 60_000),
    };
  }

  /**
   * Who may read `/metrics`: `METRICS_TOKEN` (at least 16 characters) as a bearer token from any
   * address; unset, only requests on loopback that came through no proxy.
   */
  metricsAccess(): { readonly token?: string } {
    const token = this.optional('METRICS_TOKEN');
    if (token === undefined) return {};
    if (token.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(token))
      this.problems.push(`METRICS_TOKEN: at least ${MIN_METRICS_TOKEN_LENGTH} characters, no blanks`);
    return { token };
  }

  /** Throws one error naming every problem found so far, if any. */
  check(what: string): void {
    if (this.problems.length > 0) throw new Error(`Invalid ${what}:\n  ${this.problems.join('\n  ')}`);
  }
}
