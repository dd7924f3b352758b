import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  bearerToken,
  createVerifier,
  revocationListFor,
  type RevocationList,
  withRevocations,
  type CallerContext,
  type RevocationListOptions,
  type TokenVerifier,
  type VerifierConfig,
} from '@atrium/auth';
import { connectionInitAuthorization } from '../graphql/live-updates.ts';

/** A verified caller and the token it came with (resolvers ask other services with it). */
export interface Authenticated {
  readonly caller: CallerContext;
  readonly accessToken: string;
  /** The token's `iat` and `exp` (epoch seconds): a live connection ends at its expiry or revocation. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * The two ways a caller authenticates to the Payments API, one function each, so that every check
 * on a token (verification today, revocation tomorrow) is made in one place per transport. Both
 * throw `AuthError` when the caller is refused.
 */
export interface CallerAuthentication {
  /** An HTTP request: its `Authorization` header. */
  httpRequest(request: FastifyRequest): Promise<Authenticated>;
  /** A graphql-ws connection: its `connection_init` payload. */
  connectionInit(payload: unknown): Promise<Authenticated>;
}

/** Accepts `Bearer <jwt>` and, as AppSync does for the articles' Amplify client, a bare JWT. */
function tokenFrom(header: string | undefined): string {
  if (header !== undefined && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(header.trim()))
    return header.trim();
  return bearerToken(header);
}

export function callerAuthentication(verifier: TokenVerifier): CallerAuthentication {
  const authenticate = async (header: string | undefined): Promise<Authenticated> => {
    const accessToken = tokenFrom(header);
    return { ...(await verifier.verifyToken(accessToken)), accessToken };
  };
  return {
    httpRequest: async (request) => authenticate(request.headers.authorization),
    connectionInit: async (payload) => authenticate(connectionInitAuthorization(payload)),
  };
}

/**
 * True for a WebSocket handshake, which authenticates later in `connection_init`. Only the server's
 * own upgrade path says so (@fastify/websocket sets `request.ws` for a request that came through the
 * HTTP server's `upgrade` event and hands it to the WebSocket server, which refuses anything but a
 * GET handshake); an `Upgrade` header on an ordinary request is just a header, and trusting it let
 * anonymous POSTs skip the token, the rate limit and the batch and token limits.
 */
export function isWebSocketHandshake(request: FastifyRequest): boolean {
  return (request as unknown as { ws?: boolean | null }).ws === true;
}

/** How the service verifies tokens: a verifier (or its configuration) and the issuer's revocations. */
export interface TokenVerification {
  readonly verifier: VerifierConfig | TokenVerifier;
  /**
   * A shared revocation list (its owner starts and closes it), or where to poll one: polling then
   * starts when `app` listens and stops when it closes.
   */
  readonly revocations?: RevocationList | Omit<RevocationListOptions, 'log'> | undefined;
}

function isVerifier(value: VerifierConfig | TokenVerifier): value is TokenVerifier {
  return typeof (value as TokenVerifier).verify === 'function';
}

/**
 * The caller authentication of `app`, with the revocation list it checks (live connections close
 * when their token is revoked), started and closed with `app` when `app` owns it.
 */
export function authenticationFor(
  app: FastifyInstance,
  options: TokenVerification,
): { readonly authentication: CallerAuthentication; readonly revocations: RevocationList | undefined } {
  const verified = isVerifier(options.verifier) ? options.verifier : createVerifier(options.verifier);
  const revocations = revocationListFor(app, options.revocations);
  const verifier = revocations === undefined ? verified : withRevocations(verified, revocations);
  return { authentication: callerAuthentication(verifier), revocations };
}
