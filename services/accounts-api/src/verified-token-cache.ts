import type { CallerContext, TokenVerifier } from '@atrium/auth';

/**
 * Remembers tokens that verified, like API Gateway's authorizer result cache: the RS256 check costs
 * more than the rest of a list request. A token string is immutable, so its claims cannot change; an
 * entry lives at most `maxAgeMs` and never past the token's own `exp`. Failures are never cached.
 * Trade-off: a key withdrawn from the JWKS stops being refused for up to `maxAgeMs`.
 */
export function cachingVerifier(
  verifier: TokenVerifier,
  options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { caller: CallerContext; until: number }>();

  function expiryOf(token: string): number {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        exp?: unknown;
      };
      return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
    } catch {
      return 0;
    }
  }

  return {
    async verify(token) {
      const hit = entries.get(token);
      const at = now();
      if (hit !== undefined) {
        if (hit.until > at) return hit.caller;
        entries.delete(token);
      }
      const caller = await verifier.verify(token);
      const until = Math.min(at + maxAgeMs, expiryOf(token));
      if (until > at) {
        // Map keeps insertion order: the first key is the oldest entry.
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(token, { caller, until });
      }
      return caller;
    },
    verifyPlatform: (token) => verifier.verifyPlatform(token),
  };
}
