import type { PlatformCallerContext } from './caller-context.ts';
import type { TokenVerifier, VerifiedToken } from './token-verifier.ts';

/** Bounds of the verified-token cache. */
export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most (default 10 000; the oldest goes first). */
  readonly maxEntries?: number;
  /** How long a verdict is kept at most (default 60 s), never past the token's own `exp`. */
  readonly maxAgeMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** A map of verdicts by token string, each until its own deadline, bounded in size. */
class VerdictMap<V extends { readonly expiresAt: number }> {
  readonly #entries = new Map<string, { verdict: V; until: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: VerifiedTokenCacheOptions) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async get(token: string, verify: (token: string) => Promise<V>): Promise<V> {
    const at = this.#now();
    const hit = this.#entries.get(token);
    if (hit !== undefined) {
      if (hit.until > at) return hit.verdict;
      this.#entries.delete(token);
    }
    const verdict = await verify(token);
    const until = Math.min(at + this.#maxAgeMs, verdict.expiresAt * 1000);
    if (until > at) {
      // Map keeps insertion order: the first key is the oldest entry.
      if (this.#entries.size >= this.#maxEntries)
        this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(token, { verdict, until });
    }
    return verdict;
  }
}

/**
 * Remembers tokens that verified, like API Gateway's authorizer result cache: the RS256 check costs
 * more than the rest of a list request (issue 10). A token string is immutable, so its claims cannot
 * change; an entry lives at most `maxAgeMs` and never past the token's own `exp`. Failures are never
 * cached. Trade-off: a key withdrawn from the JWKS stops being refused for up to `maxAgeMs`. A
 * revoked token is not this cache's concern: revocation is checked outside it, on every request
 * (`withRevocations` around this verifier), so a cached verdict never outlives a revocation.
 * `createVerifier` returns its verifier wrapped in this (ADR 0205).
 */
export function cachingVerifier(
  verifier: TokenVerifier,
  options: VerifiedTokenCacheOptions = {},
): TokenVerifier {
  const tenantVerdicts = new VerdictMap<VerifiedToken>(options);
  const platformVerdicts = new VerdictMap<VerifiedToken<PlatformCallerContext>>(options);
  const verifyToken = (token: string) => tenantVerdicts.get(token, (t) => verifier.verifyToken(t));
  const verifyPlatformToken = (token: string) =>
    platformVerdicts.get(token, (t) => verifier.verifyPlatformToken(t));
  return {
    verifyToken,
    verifyPlatformToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatform: async (token) => (await verifyPlatformToken(token)).caller,
  };
}
