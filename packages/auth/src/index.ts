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
  type TokenVerifier,
} from './token-verifier.ts';
