export type AuthErrorCode =
  'missing_token' | 'invalid_token' | 'token_expired' | 'token_revoked' | 'missing_tenant';

const MESSAGES: Record<AuthErrorCode, string> = {
  missing_token: 'A bearer token is required.',
  invalid_token: 'The bearer token is not valid.',
  token_expired: 'The bearer token has expired.',
  token_revoked: 'The bearer token has been revoked; sign in again.',
  missing_tenant: 'The token carries no tenant.',
};

/** A refused credential: always 401, with the RFC 6750 challenge to send back. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly status = 401;
  /** Why, for logs only: never sent to the client (it would help an attacker tune a forgery). */
  readonly reason: string;

  constructor(code: AuthErrorCode, reason = '') {
    super(MESSAGES[code]);
    this.name = 'AuthError';
    this.code = code;
    this.reason = reason;
  }

  /** Value for the `WWW-Authenticate` response header. */
  get wwwAuthenticate(): string {
    if (this.code === 'missing_token') return 'Bearer realm="atrium"';
    return `Bearer realm="atrium", error="invalid_token", error_description="${this.message}"`;
  }
}
