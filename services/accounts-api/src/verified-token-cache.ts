import type { TokenVerifier, VerifiedToken } from '@atrium/auth';

/**
 * Remembers tokens that verified, like API Gateway's authorizer result cache: the RS256 check costs
 * more than the rest of a list request. A token string is immutable, so its claims cannot change; an
 * entry lives at most `maxAgeMs` and never past the token's own `exp`. Failures are never cached.
 * Trade-off: a key withdrawn from the JWKS stops being refused for up to `maxAgeMs`. A revoked
 * token is not this cache's concern: revocation is checked outside it, on every request
 * (`withRevocations` around this verifier), so a cached verdict never outlives a revocation.
 */
export function cachingVerifier(
  verifier: TokenVerifier,
  options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { verified: VerifiedToken; until: number }>();

  async function verifyToken(token: string): Promise<VerifiedToken> {
    const hit = entries.get(token);
    const at = now();
    if (hit !== undefined) {
      if (hit.until > at) return hit.verified;
      entries.delete(token);
    }
    const verified = await verifier.verifyToken(token);
    const until = Math.min(at + maxAgeMs, verified.expiresAt * 1000);
    if (until > at) {
      // Map keeps insertion order: the first key is the oldest entry.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(token, { verified, until });
    }
    return verified;
  }

  return {
    verifyToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatformToken: (token) => verifier.verifyPlatformToken(token),
    verifyPlatform: (token) => verifier.verifyPlatform(token),
  };
}
