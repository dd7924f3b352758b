import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { AuthError } from './auth-error.ts';
import {
  DEFAULT_CLAIM_NAMES,
  ROLES,
  type CallerContext,
  type ClaimNames,
  type PlatformCallerContext,
  type Role,
} from './caller-context.ts';

export interface VerifierConfig {
  /** Exact issuer (`iss`) the tokens must carry, e.g. `http://localhost:8080/auth`. */
  readonly issuer: string;
  /** Accepted audience(s): the API identifier for access tokens, the client id for ID tokens. */
  readonly audience: string | readonly string[];
  /** JWKS location; defaults to `<issuer>/jwks` (oidc-provider's and this project's layout). */
  readonly jwksUri?: string;
  /** Public keys held in-process instead of fetched (the issuer verifying its own tokens). */
  readonly keySet?: JSONWebKeySet;
  /** Which token the API accepts: `access` (default) or `id` (as the articles did with Cognito). */
  readonly tokenUse?: 'access' | 'id';
  /** Asymmetric algorithms only: an HMAC key would be the public key, which anyone has. */
  readonly algorithms?: readonly string[];
  readonly clockToleranceSeconds?: number;
  readonly claimNames?: Partial<ClaimNames>;
  /** Least time between two JWKS refetches caused by an unknown `kid` (default 30 s). */
  readonly jwksCooldownMs?: number;
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

/** Builds a verifier that checks signature (JWKS, cached), algorithm, issuer, audience, time and token use. */
export function createVerifier(config: VerifierConfig): TokenVerifier {
  const claims = { ...DEFAULT_CLAIM_NAMES, ...config.claimNames };
  const tokenUse = config.tokenUse ?? 'access';
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
        });

  async function verifyPayload(token: string): Promise<JWTPayload> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: config.issuer,
        audience: typeof config.audience === 'string' ? config.audience : [...config.audience],
        algorithms,
        clockTolerance: config.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const use = payload[claims.tokenUse];
      // RFC 9068 marks JWT access tokens with typ at+jwt; Cognito marks both with token_use.
      const typeMatches =
        use === tokenUse || (use === undefined && tokenUse === 'access' && protectedHeader.typ === 'at+jwt');
      if (!typeMatches) throw new AuthError('invalid_token', `token use is not ${tokenUse}`);
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

  return {
    verifyToken,
    verifyPlatformToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatform: async (token) => (await verifyPlatformToken(token)).caller,
  };
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
