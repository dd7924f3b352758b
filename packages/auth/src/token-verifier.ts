import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { AuthError } from './auth-error.ts';
import { cachingVerifier, type VerifiedTokenCacheOptions } from './verified-token-cache.ts';
import {
  DEFAULT_CLAIM_NAMES,
  ROLES,
  type CallerContext,
  type ClaimNames,
  type PlatformCallerContext,
  type Role,
} from './caller-context.ts';

/** The kinds of token an API may accept: OAuth access tokens and OpenID Connect ID tokens. */
export type TokenUse = 'access' | 'id';

export interface VerifierConfig {
  /** Exact issuer (`iss`) the tokens must carry, e.g. `http://localhost:8080/auth`. */
  readonly issuer: string;
  /** Accepted audience(s) of access tokens: the API identifier (and of ID tokens without `idTokenAudience`). */
  readonly audience: string | readonly string[];
  /**
   * Accepted audience(s) of ID tokens: the client id(s) they were issued to. Required when both kinds
   * are accepted; with `id` alone it defaults to `audience` (the one-kind setup before both existed).
   */
  readonly idTokenAudience?: string | readonly string[];
  /** JWKS location; defaults to `<issuer>/jwks` (oidc-provider's and this project's layout). */
  readonly jwksUri?: string;
  /** Public keys held in-process instead of fetched (the issuer verifying its own tokens). */
  readonly keySet?: JSONWebKeySet;
  /** Which tokens the API accepts: `access` (default), `id` (as the articles did with Cognito), or both. */
  readonly tokenUse?: TokenUse | readonly TokenUse[];
  /** Asymmetric algorithms only: an HMAC key would be the public key, which anyone has. */
  readonly algorithms?: readonly string[];
  readonly clockToleranceSeconds?: number;
  readonly claimNames?: Partial<ClaimNames>;
  /** Least time between two JWKS refetches caused by an unknown `kid` (default 30 s). */
  readonly jwksCooldownMs?: number;
  /**
   * Headers added to each JWKS fetch, read when it happens: the id of the request whose unknown
   * `kid` caused it (@atrium/service-runtime's `outgoingRequestIdHeaders`).
   */
  readonly jwksRequestHeaders?: () => Readonly<Record<string, string>>;
  /**
   * Verdicts of tokens that verified, kept up to 60 s and never past `exp` (verified-token-cache.ts,
   * ADR 0205); `false` checks every signature every time.
   */
  readonly verifiedTokenCache?: VerifiedTokenCacheOptions | false;
}

/** A verified token: who is calling, and when the token was issued and expires (epoch seconds). */
export interface VerifiedToken<Caller = CallerContext> {
  readonly caller: Caller;
  /** `iat`: what a revocation is compared with. */
  readonly issuedAt: number;
  /** `exp`: how long a cache may keep the verdict, when a live connection must end. */
  readonly expiresAt: number;
  /** The token's `scope` claim, split (OAuth 2.0 space-separated list); empty without one. */
  readonly scopes?: readonly string[];
  /** `client_id` (RFC 9068): for a client-credentials token it is also its `sub`. */
  readonly clientId?: string | undefined;
}

export interface TokenVerifier {
  /** Verifies a token for a tenant API: a token without tenant is refused. */
  verify(token: string): Promise<CallerContext>;
  /** Verifies a token that may carry no tenant (the platform operator). */
  verifyPlatform(token: string): Promise<PlatformCallerContext>;
  /** `verify`, with the token's `iat` and `exp`, so nobody decodes a JWT by hand. */
  verifyToken(token: string): Promise<VerifiedToken>;
  /** `verifyPlatform`, with the token's `iat` and `exp`. */
  verifyPlatformToken(token: string): Promise<VerifiedToken<PlatformCallerContext>>;
}

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * Builds a verifier that checks signature (JWKS, cached), algorithm, issuer, audience, time and token
 * use, and remembers the verdicts of tokens that verified (`verifiedTokenCache`).
 */
export function createVerifier(config: VerifierConfig): TokenVerifier {
  const claims = { ...DEFAULT_CLAIM_NAMES, ...config.claimNames };
  const accepted = audiencesByUse(config);
  const algorithms = [...(config.algorithms ?? DEFAULT_ALGORITHMS)];
  if (algorithms.some((alg) => alg === 'none' || alg.startsWith('HS'))) {
    throw new Error('createVerifier: only asymmetric algorithms may be allowed');
  }
  // jose caches the key set and refetches on an unknown kid, at most once per cooldown.
  const jwks =
    config.keySet !== undefined
      ? createLocalJWKSet(config.keySet)
      : createRemoteJWKSet(new URL(config.jwksUri ?? `${config.issuer.replace(/\/$/, '')}/jwks`), {
          cooldownDuration: config.jwksCooldownMs ?? 30_000,
          cacheMaxAge: 10 * 60_000,
          timeoutDuration: 5_000,
          ...(config.jwksRequestHeaders === undefined
            ? {}
            : {
                [customFetch]: (url: string, init: RequestInit & { headers: Headers }) => {
                  const headers = new Headers(init.headers);
                  for (const [name, value] of Object.entries(config.jwksRequestHeaders?.() ?? {}))
                    headers.set(name, value);
                  return fetch(url, { ...init, headers });
                },
              }),
        });

  async function verifyPayload(token: string): Promise<JWTPayload> {
    try {
      // jose checks the audience against every accepted kind's; the kind's own is checked below.
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: config.issuer,
        audience: [...new Set([...accepted.values()].flat())],
        algorithms,
        clockTolerance: config.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const claimed = payload[claims.tokenUse];
      // RFC 9068 marks JWT access tokens with typ at+jwt; Cognito marks both with token_use.
      const use = claimed ?? (protectedHeader.typ === 'at+jwt' ? 'access' : undefined);
      const audiences = accepted.get(use as TokenUse);
      if (audiences === undefined)
        throw new AuthError('invalid_token', `token use is not ${[...accepted.keys()].join(' or ')}`);
      // An ID token is for the client that signed in, an access token for the API: each only for its own.
      const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
      if (!aud.some((a) => audiences.includes(a)))
        throw new AuthError('invalid_token', `the ${use} token's audience is not ${audiences.join(' or ')}`);
      return payload;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthError('token_expired', error.message);
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AuthError('invalid_token', reason);
    }
  }

  function platformCaller(payload: JWTPayload): PlatformCallerContext {
    const text = (name: string): string | undefined =>
      typeof payload[name] === 'string' && payload[name] !== '' ? (payload[name] as string) : undefined;
    const groups = payload[claims.groups];
    const roles = (Array.isArray(groups) ? groups : []).filter((g): g is Role => ROLES.includes(g as Role));
    return {
      userId: payload.sub as string,
      username: text(claims.username) ?? (payload.sub as string),
      email: text(claims.email),
      tenantId: text(claims.tenantId) ?? null,
      tenantName: text(claims.tenantName) ?? null,
      roles,
    };
  }

  async function verifyPlatformToken(token: string): Promise<VerifiedToken<PlatformCallerContext>> {
    const payload = await verifyPayload(token);
    // requiredClaims made sure both are there; jose checked that they are numbers.
    const scope = payload['scope'];
    const clientId = payload['client_id'];
    return {
      caller: platformCaller(payload),
      issuedAt: payload.iat as number,
      expiresAt: payload.exp as number,
      scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [],
      clientId: typeof clientId === 'string' ? clientId : undefined,
    };
  }

  async function verifyToken(token: string): Promise<VerifiedToken> {
    const { caller, ...times } = await verifyPlatformToken(token);
    if (caller.tenantId === null) throw new AuthError('missing_tenant');
    return {
      caller: { ...caller, tenantId: caller.tenantId, tenantName: caller.tenantName ?? caller.tenantId },
      ...times,
    };
  }

  const verifier: TokenVerifier = {
    verifyToken,
    verifyPlatformToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatform: async (token) => (await verifyPlatformToken(token)).caller,
  };
  // Revocations are checked outside this cache (withRevocations), so a cached verdict never outlives one.
  return config.verifiedTokenCache === false
    ? verifier
    : cachingVerifier(verifier, config.verifiedTokenCache);
}

/** Each accepted token use with the audiences a token of that use must name. */
function audiencesByUse(config: VerifierConfig): Map<TokenUse, readonly string[]> {
  const list = (value: string | readonly string[]): readonly string[] =>
    typeof value === 'string' ? [value] : value;
  const uses: readonly TokenUse[] = list(config.tokenUse ?? 'access') as readonly TokenUse[];
  if (uses.length === 0 || uses.some((use) => use !== 'access' && use !== 'id'))
    throw new Error('createVerifier: tokenUse is access, id or both');
  const both = uses.includes('access') && uses.includes('id');
  // One audience for both kinds would accept an ID token minted for the API, or the reverse.
  if (both && config.idTokenAudience === undefined)
    throw new Error('createVerifier: accepting access and ID tokens needs idTokenAudience (the client ids)');
  return new Map(
    uses.map((use) => [
      use,
      list(use === 'id' ? (config.idTokenAudience ?? config.audience) : config.audience),
    ]),
  );
}

/** Extracts the token from an `Authorization: Bearer …` header; throws `missing_token`/`invalid_token`. */
export function bearerToken(authorizationHeader: string | undefined): string {
  if (authorizationHeader === undefined || authorizationHeader.trim() === '')
    throw new AuthError('missing_token');
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorizationHeader.trim());
  if (!match) throw new AuthError('invalid_token', 'malformed Authorization header');
  return match[1] as string;
}

/** Verifies the bearer token of a request for a tenant API. */
export async function authenticate(
  verifier: TokenVerifier,
  authorizationHeader: string | undefined,
): Promise<CallerContext> {
  return verifier.verify(bearerToken(authorizationHeader));
}
