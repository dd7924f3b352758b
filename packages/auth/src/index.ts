export {
  type Role,
  type CallerContext,
  type PlatformCallerContext,
  type ClaimNames,
  ROLES,
  DEFAULT_CLAIM_NAMES,
  hasRole,
} from './caller-context.ts';
export { AuthError, type AuthErrorCode } from './auth-error.ts';
export {
  createVerifier,
  authenticate,
  bearerToken,
  type VerifierConfig,
  type TokenUse,
  type TokenVerifier,
  type VerifiedToken,
} from './token-verifier.ts';
export { cachingVerifier, type VerifiedTokenCacheOptions } from './verified-token-cache.ts';
export {
  RevocationList,
  withRevocations,
  type Revocation,
  type RevocationCheck,
  type RevocationListOptions,
  type RevocationLog,
} from './revocation-list.ts';
export { revocationListFor, type RevocationListHost } from './revocation-list-owner.ts';
